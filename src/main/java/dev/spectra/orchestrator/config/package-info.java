/**
 * Configuration: orchestrator.yaml, .env, environment and flags merged with their provenance, and the model catalog.
 */
package dev.spectra.orchestrator.config;
