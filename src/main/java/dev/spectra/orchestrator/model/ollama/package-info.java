/** The provider for Ollama: its native chat API, context windows and whether a model is pulled. */
package dev.spectra.orchestrator.model.ollama;
