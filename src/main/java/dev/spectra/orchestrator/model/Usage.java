package dev.spectra.orchestrator.model;

/**
 * Token counts of one call.
 *
 * @param estimated true when the server reported no usage and we counted with a tokenizer instead
 */
public record Usage(int promptTokens, int completionTokens, boolean estimated) {
  public static final Usage ZERO = new Usage(0, 0, false);

  public Usage {
    if (promptTokens < 0 || completionTokens < 0) {
      throw new IllegalArgumentException("token counts must be >= 0: " + promptTokens + ", " + completionTokens);
    }
  }

  public int totalTokens() { return promptTokens + completionTokens; }

  public Usage plus(Usage other) {
    return new Usage(promptTokens + other.promptTokens, completionTokens + other.completionTokens,
        estimated || other.estimated);
  }
}
