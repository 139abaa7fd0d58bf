package dev.spectra.orchestrator.eval;

import dev.spectra.orchestrator.model.Model;

/**
 * One row of the scorecard: a model or a routing policy, the {@link Model} that serves it, and how many samples
 * its endpoint may run at once (a local Ollama serves few requests at a time).
 *
 * @param simulated served by the simulator: labelled as a simulation in every report
 * @param local every route of this subject is a local model (for the autonomy share when usage is not split)
 */
public record Subject(String name, Model model, boolean simulated, boolean local, int maxConcurrent) {
  public Subject {
    if (maxConcurrent <= 0) throw new IllegalArgumentException(name + ": maxConcurrent must be > 0");
  }
}
