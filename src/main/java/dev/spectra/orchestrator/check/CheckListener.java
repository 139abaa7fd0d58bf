package dev.spectra.orchestrator.check;

/** Progress of a check, for a face to show; the checker never prints. */
@FunctionalInterface
public interface CheckListener {
  /**
   * Called when a phase starts and as it advances.
   *
   * @param phase "scenarios", "stateful", "fuzz" or "security"
   * @param done units finished in this phase
   * @param total units in this phase
   */
  void progress(String phase, int done, int total);

  CheckListener NONE = (phase, done, total) -> { };
}
