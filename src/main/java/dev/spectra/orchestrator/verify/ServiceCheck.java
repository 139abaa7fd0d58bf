package dev.spectra.orchestrator.verify;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code orchestrator check} runs against the service during verification: the service is started inside the
 * sandbox and checked there (see {@code docs/sandbox.md}).
 *
 * @param contract the OpenAPI document to check against: a host file outside the workspace, so code that ran in the
 *     sandbox cannot have edited it
 * @param scenarios scenario files or directories in the format of {@code orchestrator check} (may be empty); host
 *     paths outside the workspace, copied read-only into the sandbox
 * @param fuzz generated requests per operation (0: none)
 * @param seed seed of the generated requests, printed in the report
 * @param security run the security probes
 * @param runTests also run the project's own tests first ({@code false}: compile and check only, as eval's grader
 *     does: a sample is graded by hidden scenarios, never by its own tests)
 */
public record ServiceCheck(Path contract, List<Path> scenarios, int fuzz, long seed, boolean security,
    boolean runTests) {
  /** Requests per operation during build verification: enough to find crashes, a few seconds per operation. */
  public static final int BUILD_FUZZ = 20;
  /** A fixed seed: the same build checks the same requests, so a finding reproduces on the next verify. */
  public static final long BUILD_SEED = 1;

  public ServiceCheck {
    Objects.requireNonNull(contract, "contract");
    scenarios = List.copyOf(scenarios);
    if (fuzz < 0) throw new IllegalArgumentException("fuzz must be >= 0, was " + fuzz);
  }

  /** {@return the check every build verification runs: tests, then fuzzing, stateful checks and security probes} */
  public static ServiceCheck forBuild(Path contract, List<Path> scenarios) {
    return new ServiceCheck(contract, scenarios, BUILD_FUZZ, BUILD_SEED, true, true);
  }
}
