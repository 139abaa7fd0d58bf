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
 * @param sandbox the sandbox used: {@link #BUBBLEWRAP}, {@link #NONE_UNSAFE} or {@link #NONE_TEMPLATE}
 * @param timedOut the wall-clock limit was reached and the process tree killed
 * @param wallTime how long verification took, cache fill excluded
 * @param log the combined compiler and test output, trimmed to a readable size by the implementation
 * @param testsSkipped tests skipped or aborted (pending: their operation needs a model)
 * @param runtimeClasspath the jars the service runs with (compile scope), absolute paths in the dependency cache;
 *     empty when unknown
 * @param limits the resource limits and the mechanism that enforced them (for the report), or empty
 * @param distrusted what the host refused of what the sandbox left behind: links, devices, hard links removed from
 *     the workspace, result entries naming files outside the sources; empty when nothing was refused
 * @param check what {@code orchestrator check} found against the service started in the sandbox, or null when no
 *     check was asked for or the project did not compile
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
    String log,
    int testsSkipped,
    List<String> runtimeClasspath,
    String limits,
    List<String> distrusted,
    CheckOutcome check) {

  public static final String BUBBLEWRAP = "bubblewrap";
  public static final String NONE_UNSAFE = "none (unsafe)";
  /** No sandbox tool here, and the project held template code only (see {@link VerifyOptions#templateOnly()}). */
  public static final String NONE_TEMPLATE = "none (template code only; bubblewrap not found)";

  public VerifyResult {
    failures = List.copyOf(failures);
    compileErrors = List.copyOf(compileErrors);
    Objects.requireNonNull(sandbox, "sandbox");
    Objects.requireNonNull(wallTime, "wallTime");
    log = log == null ? "" : log;
    runtimeClasspath = List.copyOf(runtimeClasspath);
    limits = limits == null ? "" : limits;
    distrusted = distrusted == null ? List.of() : List.copyOf(distrusted);
  }

  public VerifyResult(boolean compiled, int testsRun, int testsPassed, int testsFailed, List<TestFailure> failures,
      List<CompileError> compileErrors, String sandbox, boolean timedOut, Duration wallTime, String log) {
    this(compiled, testsRun, testsPassed, testsFailed, failures, compileErrors, sandbox, timedOut, wallTime, log, 0,
        List.of(), "", List.of(), null);
  }

  public VerifyResult(boolean compiled, int testsRun, int testsPassed, int testsFailed, List<TestFailure> failures,
      List<CompileError> compileErrors, String sandbox, boolean timedOut, Duration wallTime, String log,
      int testsSkipped, List<String> runtimeClasspath, String limits, List<String> distrusted) {
    this(compiled, testsRun, testsPassed, testsFailed, failures, compileErrors, sandbox, timedOut, wallTime, log,
        testsSkipped, runtimeClasspath, limits, distrusted, null);
  }

  public VerifyResult withSkipped(int skipped) {
    return new VerifyResult(compiled, testsRun, testsPassed, testsFailed, failures, compileErrors, sandbox, timedOut,
        wallTime, log, skipped, runtimeClasspath, limits, distrusted, check);
  }

  public VerifyResult withRuntimeClasspath(List<String> jars) {
    return new VerifyResult(compiled, testsRun, testsPassed, testsFailed, failures, compileErrors, sandbox, timedOut,
        wallTime, log, testsSkipped, jars, limits, distrusted, check);
  }

  /** {@return these results with what the behavioural check found} */
  public VerifyResult withCheck(CheckOutcome c) {
    return new VerifyResult(compiled, testsRun, testsPassed, testsFailed, failures, compileErrors, sandbox, timedOut,
        wallTime, log, testsSkipped, runtimeClasspath, limits, distrusted, c);
  }

  /**
   * {@return true when everything compiled, at least one test ran, none failed, nothing timed out and the check, when
   * one was asked for, ran without a failure (operations still answering 501 are pending, reported apart)}
   */
  public boolean passed() {
    return compiled && !timedOut && testsRun > 0 && testsFailed == 0 && (check == null || check.noFailures());
  }

  /** {@return true when the code ran inside a sandbox} */
  public boolean sandboxed() {
    return BUBBLEWRAP.equals(sandbox);
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
