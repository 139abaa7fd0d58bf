/**
 * The model simulator: an in-process HTTP server speaking the OpenAI, Ollama and Anthropic wire formats with scripted
 * or profiled faults; it knows wire formats only.
 */
package dev.spectra.orchestrator.sim;
