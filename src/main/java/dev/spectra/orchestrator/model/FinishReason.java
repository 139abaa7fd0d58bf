package dev.spectra.orchestrator.model;

/** Why generation stopped, normalised across providers. */
public enum FinishReason {
  /** The model ended its answer (OpenAI {@code stop}, Ollama {@code done_reason: stop}, Anthropic {@code end_turn}). */
  STOP,
  /** The token limit cut the answer off: never trust a repaired value from such a reply. */
  LENGTH,
  /** The model answered through a tool call (Anthropic {@code tool_use}, OpenAI {@code tool_calls}). */
  TOOL_CALL,
  /** The provider filtered or the model refused. */
  CONTENT_FILTER,
  /** The server gave a reason we do not know, or none. */
  UNKNOWN;

  /** {@return the wire name used in our JSON output and in the ledger} */
  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
