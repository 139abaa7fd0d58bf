package dev.spectra.orchestrator.verify;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What verifying a project found.
 *
 * @param compiled main and test sources compiled
 * @param testsRun tests that ran to an outcome (passed + failed; skipped tests are not counted)
 * @param testsPassed tests that passed
 * @param testsFailed tests that failed or errored
 * @param failures one entry per failed test
 * @param compileErrors compiler errors, when {@code compiled} is false
 * @param sandbox the sandbox used: {@link #BUBBLEWRAP} or {@link #NONE_UNSAFE}
 * @param timedOut the wall-clock limit was reached and the process tree killed
 * @param wallTime how long verification took, cache fill excluded
 * @param log the combined compiler and test output, trimmed to a readable size by the implementation
 */
public record VerifyResult(
    boolean compiled,
    int testsRun,
    int testsPassed,
    int testsFailed,
    List<TestFailure> failures,
    List<CompileError> compileErrors,
    String sandbox,
    boolean timedOut,
    Duration wallTime,
    String log) {

  public static final String BUBBLEWRAP = "bubblewrap";
  public static final String NONE_UNSAFE = "none (unsafe)";

  public VerifyResult {
    failures = List.copyOf(failures);
    compileErrors = List.copyOf(compileErrors);
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(wallTime, "wallTime");
    log = log == null ? "" : log;
  }

  /** {@return true when everything compiled, at least one test ran, none failed and nothing timed out} */
  public boolean passed() {
    return compiled && !timedOut && testsRun > 0 && testsFailed == 0;
  }

  /**
   * A failed test.
   *
   * @param testClass fully qualified class name
   * @param testName the method or display name
   * @param message the assertion or exception message
   * @param trace the relevant stack trace lines (may be empty)
   */
  public record TestFailure(String testClass, String testName, String message, String trace) {}

  /**
   * A compiler error.
   *
   * @param file path relative to the project directory
   * @param line 1-based line, 0 when unknown
   * @param message the compiler's message
   */
  public record CompileError(String file, long line, String message) {}
}
