package dev.spectra.orchestrator.eval;

import dev.spectra.orchestrator.model.Model;

/**
 * One row of the scorecard: a model or a routing policy, the {@link Model} that serves it, and how many samples
 * its endpoint may run at once (a local Ollama serves few requests at a time).
 *
 * @param simulated served by the simulator: labelled as a simulation in every report
 * @param local every route of this subject is a local model (for the autonomy share when usage is not split)
 * @param routes catalog names of the models this subject may be served by, for the report's provenance
 */
public record Subject(String name, Model model, boolean simulated, boolean local, int maxConcurrent,
    java.util.List<String> routes) {
  public Subject {
    if (maxConcurrent <= 0) throw new IllegalArgumentException(name + ": maxConcurrent must be > 0");
    routes = routes == null ? java.util.List.of() : java.util.List.copyOf(routes);
  }

  public Subject(String name, Model model, boolean simulated, boolean local, int maxConcurrent) {
    this(name, model, simulated, local, maxConcurrent, java.util.List.of(name));
  }
}
