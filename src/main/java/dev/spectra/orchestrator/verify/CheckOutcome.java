package dev.spectra.orchestrator.verify;

import java.util.List;

/**
 * What {@code orchestrator check} found against the service started in the sandbox. It comes back from the sandbox,
 * so it was read as untrusted data: sizes bounded, texts cut, at most a fixed number of entries.
 *
 * @param problem why the check could not run (the service did not start, nothing answered, the contract or a
 *     scenario file was unusable); empty when it ran. A check that could not run is a failure, never a pass
 * @param findings each distinct finding once, failures first
 * @param pending operations that answered 501 to every valid request: not implemented, neither passing nor failing
 * @param scenarios one entry per scenario run
 * @param notes what the checker could not do (never silent)
 * @param seed the seed of the generated requests
 * @param requests requests sent
 * @param millis wall time of the check, service start excluded
 * @param serviceLog the end of the service's own output, for a service that did not start
 */
public record CheckOutcome(String problem, List<Finding> findings, List<Pending> pending, List<Scenario> scenarios,
    List<String> notes, long seed, int requests, long millis, String serviceLog) {

  public CheckOutcome {
    problem = problem == null ? "" : problem;
    findings = List.copyOf(findings);
    pending = List.copyOf(pending);
    scenarios = List.copyOf(scenarios);
    notes = List.copyOf(notes);
    serviceLog = serviceLog == null ? "" : serviceLog;
  }

  /** {@return a check that could not run, and why} */
  public static CheckOutcome notRun(String problem, String serviceLog) {
    return new CheckOutcome(problem, List.of(), List.of(), List.of(), List.of(), 0, 0, 0, serviceLog);
  }

  public boolean ran() {
    return problem.isEmpty();
  }

  public List<Finding> failures() {
    return findings.stream().filter(f -> !f.warning()).toList();
  }

  public List<Finding> warnings() {
    return findings.stream().filter(Finding::warning).toList();
  }

  /** {@return the check ran and found no failure; pending operations are listed apart and do not count here} */
  public boolean noFailures() {
    return ran() && failures().isEmpty();
  }

  /**
   * One finding, as {@code orchestrator check --json} prints it.
   *
   * @param kind {@code server-error}, {@code schema-violation}, {@code undeclared-status},
   *     {@code accepted-invalid-input}, {@code stateful}, {@code security} or {@code scenario}
   * @param warning a warning about the contract, not a failure of the service
   * @param operation "METHOD /path (operationId)"
   * @param curl a command line that sends the request again (against the sandbox's loopback address)
   * @param seed the seed of a generated request, or null
   * @param cwe for security findings, else empty
   * @param scenario for scenario findings, the scenario's name, else empty
   * @param timesSeen how many requests hit it
   */
  public record Finding(String kind, boolean warning, String operation, String summary, String curl, String expected,
      String actual, Long seed, String cwe, String scenario, int timesSeen) {

    /** {@return the finding on a few lines: for reports and for the fix prompt} */
    public String render() {
      String what = kind + (cwe.isEmpty() ? "" : " " + cwe) + (warning ? " (warning)" : "");
      return what + " in " + operation + ": " + summary + (timesSeen > 1 ? " (seen " + timesSeen + " times)" : "")
          + "\n  request: " + curl + "\n  expected: " + expected + "\n  actual: " + actual;
    }
  }

  /** An operation still answering 501, with a request it answered so to. */
  public record Pending(String operation, String curl) {}

  /** A scenario and whether it passed; {@code failedStep} is empty when it did. */
  public record Scenario(String name, boolean passed, String failedStep) {}
}
