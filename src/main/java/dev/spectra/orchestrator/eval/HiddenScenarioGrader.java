package dev.spectra.orchestrator.eval;

import java.util.Optional;

/**
 * Where build mode's grader comes from. A build is graded only by the task's hidden scenarios run against the
 * built service in the sandbox (never by the model's own tests); that needs the behavioural checker of
 * {@code orchestrator check}. Until it is wired in, build mode refuses to start rather than publish success rates
 * that mean something else.
 */
public final class HiddenScenarioGrader {
  private HiddenScenarioGrader() {}

  /** {@return the grader, or empty when this version cannot run hidden scenarios against a built service} */
  public static Optional<BuildSampleTaker.HiddenGrader> available(boolean unsafeNoSandbox) {
    return Optional.empty();
  }

  /** Why build mode cannot run, for the usage error. */
  public static final String UNAVAILABLE = "--mode build grades each build by the task's hidden acceptance scenarios "
      + "run against the built service, and this version cannot run them yet (they need the behavioural checker of "
      + "'orchestrator check'); use --mode plan, which grades whether each plan's contract can carry them";
}
