package dev.spectra.orchestrator.config;

/**
 * Settings given as command-line flags: the highest precedence. Any field may be null.
 *
 * @param llmUrl like {@code ORCHESTRATOR_LLM_URL}
 * @param llmModel like {@code ORCHESTRATOR_LLM_MODEL}
 * @param llmKind like {@code ORCHESTRATOR_LLM_KIND}
 */
public record Overrides(String llmUrl, String llmModel, String llmKind, String fallbackUrl, String fallbackModel) {
  public static final Overrides NONE = new Overrides(null, null, null, null, null);
}
