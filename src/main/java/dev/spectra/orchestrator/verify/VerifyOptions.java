package dev.spectra.orchestrator.verify;

import java.time.Duration;
import java.util.Objects;

/**
 * How to verify one project.
 *
 * @param wallClockLimit compile and test together must finish within this; then the process tree is killed and the
 *     result says {@code timedOut}
 * @param unsafeNoSandbox run without a sandbox when none is available (the user passed {@code --unsafe-no-sandbox})
 * @param progress where steps (cache fill, compile, test) are reported for the user's stderr
 * @param templateOnly the project holds only code the orchestrator generated from its own templates and the user's
 *     contract, no model-written code; when no sandbox tool works here it is verified without one (and the result
 *     says {@link VerifyResult#NONE_TEMPLATE}), since it is no less trusted than the orchestrator itself
 * @param check the behavioural check to run against the service started in the sandbox after the tests, or null
 *     for none
 */
public record VerifyOptions(Duration wallClockLimit, boolean unsafeNoSandbox, ProgressListener progress,
    boolean templateOnly, ServiceCheck check) {
  /** The default limit: generated projects compile and test in seconds; a minute leaves room on a busy machine. */
  public static final Duration DEFAULT_WALL_CLOCK_LIMIT = Duration.ofMinutes(3);

  public VerifyOptions {
    Objects.requireNonNull(wallClockLimit, "wallClockLimit");
    if (wallClockLimit.isNegative() || wallClockLimit.isZero()) {
      throw new IllegalArgumentException("wallClockLimit must be positive, got " + wallClockLimit);
    }
    progress = progress == null ? ProgressListener.NONE : progress;
  }

  /** Options for a project that may hold model-written code: it runs only in a sandbox, or with the unsafe flag. */
  public VerifyOptions(Duration wallClockLimit, boolean unsafeNoSandbox, ProgressListener progress) {
    this(wallClockLimit, unsafeNoSandbox, progress, false, null);
  }

  public VerifyOptions(Duration wallClockLimit, boolean unsafeNoSandbox, ProgressListener progress,
      boolean templateOnly) {
    this(wallClockLimit, unsafeNoSandbox, progress, templateOnly, null);
  }

  /** {@return these options with {@code c} run against the service after the tests} */
  public VerifyOptions withCheck(ServiceCheck c) {
    return new VerifyOptions(wallClockLimit, unsafeNoSandbox, progress, templateOnly, c);
  }

  public static VerifyOptions defaults() {
    return new VerifyOptions(DEFAULT_WALL_CLOCK_LIMIT, false, ProgressListener.NONE);
  }
}
