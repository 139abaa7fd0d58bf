package dev.spectra.orchestrator.model;

/** Receives streamed text as it arrives. Called on the thread that runs the call. */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = delta -> {};

  void onToken(String delta);

  /**
   * Called before the first token of an attempt, with the catalog name of the model that is about to stream (as
   * {@link ModelReply#servedBy()} will name it), so a stream can name its source from its first chunk.
   */
  default void servedBy(String model) {}
}
