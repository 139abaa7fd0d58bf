package dev.spectra.orchestrator.scaffold;

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
 */
public record BuildReport(String id, String service, String openapi, String stack, String out, String startedAt,
    String finishedAt, String outcome, List<OperationEntry> operations, List<String> files, Tests tests,
    List<Step> steps) {

  public static final String PASSED = "passed";
  public static final String FAILED = "failed";
  public static final String IMPLEMENTED = "implemented";
  public static final String NEEDS_MODEL = "needs a model";

  public BuildReport {
    operations = List.copyOf(operations);
    files = List.copyOf(files);
    steps = List.copyOf(steps);
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
   */
  public record OperationEntry(String method, String path, String operationId, String status, String crud,
      String handler) {}

  /** Verification's findings. {@code sandbox} is "bubblewrap" or "none (unsafe)". */
  public record Tests(boolean compiled, int run, int passed, int failed, boolean timedOut, String sandbox,
      List<VerifyResult.TestFailure> failures, List<VerifyResult.CompileError> compileErrors) {
    public Tests {
      failures = List.copyOf(failures);
      compileErrors = List.copyOf(compileErrors);
    }

    static Tests of(VerifyResult r) {
      return new Tests(r.compiled(), r.testsRun(), r.testsPassed(), r.testsFailed(), r.timedOut(), r.sandbox(),
          r.failures(), r.compileErrors());
    }
  }

  /** One step's wall time. */
  public record Step(String name, long millis) {}
}
