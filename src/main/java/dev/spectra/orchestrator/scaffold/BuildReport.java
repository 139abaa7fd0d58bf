package dev.spectra.orchestrator.scaffold;

import dev.spectra.orchestrator.verify.CheckOutcome;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.util.List;

/**
 * What a build did, written as {@code build-report.json} (this record, as JSON) and {@code BUILD-REPORT.md} beside
 * the generated code, and summarised in the builds index.
 *
 * @param id the build id, also in the staging directory's name
 * @param service the service name (from the contract title)
 * @param openapi the contract file as given
 * @param stack the stack name
 * @param out the output directory
 * @param startedAt ISO-8601 instant
 * @param finishedAt ISO-8601 instant
 * @param outcome {@link #PASSED} or {@link #FAILED}
 * @param operations every operation of the contract
 * @param files generated files, relative to {@code out}
 * @param tests what verification found
 * @param steps wall time per step, in order
 * @param warnings what the contract loader tolerated, each with file, line and location
 * @param start how to start the service
 * @param check what {@code orchestrator check} found against the service started in the sandbox (every finding,
 *     operations still answering 501 as pending), or null when it did not run (the project did not compile)
 */
public record BuildReport(String id, String service, String openapi, String stack, String out, String startedAt,
    String finishedAt, String outcome, List<OperationEntry> operations, List<String> files, Tests tests,
    List<Step> steps, List<String> warnings, Start start, CheckOutcome check) {

  public static final String PASSED = "passed";
  public static final String FAILED = "failed";
  public static final String IMPLEMENTED = "implemented";
  public static final String NEEDS_MODEL = "needs a model";

  public BuildReport {
    operations = List.copyOf(operations);
    files = List.copyOf(files);
    steps = List.copyOf(steps);
    warnings = List.copyOf(warnings);
  }

  public BuildReport(String id, String service, String openapi, String stack, String out, String startedAt,
      String finishedAt, String outcome, List<OperationEntry> operations, List<String> files, Tests tests,
      List<Step> steps, List<String> warnings, Start start) {
    this(id, service, openapi, stack, out, startedAt, finishedAt, outcome, operations, files, tests, steps, warnings,
        start, null);
  }

  /**
   * The exact command that starts the built service, for scripts.
   *
   * @param argv the program and its arguments; run it in {@code cwd}
   * @param cwd the project directory
   * @param portVariable the environment variable the port is read from ({@code PORT}; 8080 when unset, 0 = any)
   * @param offline whether the start needs no network (the dependency jars of the build are listed in the project)
   */
  public record Start(List<String> argv, String cwd, String portVariable, boolean offline) {
    public Start {
      argv = List.copyOf(argv);
    }
  }

  public boolean passed() {
    return PASSED.equals(outcome);
  }

  public long implementedCount() {
    return operations.stream().filter(o -> o.status().equals(IMPLEMENTED)).count();
  }

  public long needsModelCount() {
    return operations.stream().filter(o -> o.status().equals(NEEDS_MODEL)).count();
  }

  /**
   * @param status {@link #IMPLEMENTED} or {@link #NEEDS_MODEL}
   * @param crud the CRUD role when implemented (create, list, get, replace, update, delete), else empty
   * @param handler the handler's source file
   * @param reason why it needs a model; empty when implemented
   */
  public record OperationEntry(String method, String path, String operationId, String status, String crud,
      String handler, String reason) {}

  /**
   * Verification's findings. {@code sandbox} is one of {@link VerifyResult}'s sandbox names; {@code skipped} counts the pending
   * scenarios of operations that need a model (neither passed nor failed); {@code limits} names the sandbox's limits
   * and their mechanism; {@code refused} lists what the sandbox left behind that was not trusted.
   */
  public record Tests(boolean compiled, int run, int passed, int failed, int skipped, boolean timedOut,
      String sandbox, List<VerifyResult.TestFailure> failures, List<VerifyResult.CompileError> compileErrors,
      String limits, List<String> refused) {
    public Tests {
      failures = List.copyOf(failures);
      compileErrors = List.copyOf(compileErrors);
      limits = limits == null ? "" : limits;
      refused = refused == null ? List.of() : List.copyOf(refused);
    }

    public Tests(boolean compiled, int run, int passed, int failed, int skipped, boolean timedOut, String sandbox,
        List<VerifyResult.TestFailure> failures, List<VerifyResult.CompileError> compileErrors) {
      this(compiled, run, passed, failed, skipped, timedOut, sandbox, failures, compileErrors, "", List.of());
    }

    /**
     * {@return one line for people: a timeout is called a timeout, even when it struck before the code compiled}
     */
    public String summary() {
      if (timedOut) {
        return "timed out: the wall-clock limit was reached " + (compiled
            ? "after " + run + " tests (" + passed + " passed, " + failed + " failed)"
            : "before compilation finished") + "; raise it with --timeout SECONDS";
      }
      if (!compiled) return "compilation failed";
      return run + " run, " + passed + " passed, " + failed + " failed, " + skipped + " pending";
    }

    static Tests of(VerifyResult r) {
      return new Tests(r.compiled(), r.testsRun(), r.testsPassed(), r.testsFailed(), r.testsSkipped(), r.timedOut(),
          r.sandbox(), r.failures(), r.compileErrors(), r.limits(), r.distrusted());
    }
  }

  /** One step's wall time. */
  public record Step(String name, long millis) {}
}
