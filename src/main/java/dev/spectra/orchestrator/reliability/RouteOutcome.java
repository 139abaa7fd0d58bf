package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;

/** How one route of a cascade call ended, as {@link Retry} hands it back to {@link FallbackCascade}. */
sealed interface RouteOutcome {
  /** The route answered. */
  record Served(ModelReply reply) implements RouteOutcome {}

  /** The route is done without an answer; {@code decision} says where the cascade may go next. */
  record Failed(ModelException error, Decision decision) implements RouteOutcome {}
}
