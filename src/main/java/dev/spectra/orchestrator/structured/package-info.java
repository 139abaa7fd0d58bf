/**
 * Structured output: a JSON schema per request, extraction and repair of the model's JSON, validation and re-asking.
 */
package dev.spectra.orchestrator.structured;
