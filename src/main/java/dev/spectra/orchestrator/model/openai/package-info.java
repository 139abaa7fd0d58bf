/** The provider for OpenAI and OpenAI-compatible servers (llama.cpp, vLLM): the chat completions wire format. */
package dev.spectra.orchestrator.model.openai;
