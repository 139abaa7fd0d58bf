package dev.spectra.orchestrator.model;

/** Receives streamed text as it arrives. Called on the thread that runs the call. */
@FunctionalInterface
public interface TokenListener {
  TokenListener NONE = delta -> {};

  void onToken(String delta);
}
