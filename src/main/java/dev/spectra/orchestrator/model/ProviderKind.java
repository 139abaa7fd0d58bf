package dev.spectra.orchestrator.model;

import java.util.Locale;

/**
 * The wire dialect of an endpoint. The OpenAI-compatible dialects share one protocol but differ in how
 * they take a JSON schema for constrained decoding.
 */
public enum ProviderKind {
  /** api.openai.com: {@code response_format: json_schema, strict: true}. */
  OPENAI,
  /** Any other OpenAI-compatible server (LM Studio, OpenRouter, ...): {@code response_format} json_schema, not strict. */
  OPENAI_COMPATIBLE,
  /** Ollama's native API ({@code /api/chat}): {@code format} schema, {@code options.num_ctx}, {@code keep_alive}. */
  OLLAMA,
  /** llama.cpp server: {@code json_schema} in the body. */
  LLAMA_CPP,
  /** vLLM: {@code guided_json}. */
  VLLM,
  /** Anthropic Messages API: structured output through a tool's {@code input_schema}. */
  ANTHROPIC;

  /** {@return the name used in configuration files and output: lower case, dashes} */
  public String configName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Parses a configuration name ({@code openai-compatible}, {@code ollama}, ...), case-insensitively. */
  public static ProviderKind fromConfig(String name) {
    String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (n.equals("LLAMACPP")) return LLAMA_CPP;
    if (n.equals("OPENAI_COMPAT") || n.equals("LMSTUDIO") || n.equals("LM_STUDIO")) return OPENAI_COMPATIBLE;
    return ProviderKind.valueOf(n);
  }
}
