package dev.spectra.orchestrator.check;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a check.
 *
 * @param contract the contract file as named
 * @param url the base URL checked
 * @param seed the seed used
 * @param operations every operation of the contract, as labelled in findings
 * @param findings each distinct finding once, most severe first
 * @param repeats how many times a finding was seen, when more than once
 * @param pending operations that answered 501 (not implemented) to every valid request: not passing
 * @param scenarios one result per scenario run
 * @param notes what the checker could not do or decided on its own (never silent)
 * @param requests requests sent
 * @param took wall time
 */
public record CheckReport(String contract, String url, long seed, List<String> operations, List<Finding> findings,
    Map<Finding, Integer> repeats, List<Pending> pending, List<ScenarioResult> scenarios, List<String> notes,
    int requests, Duration took) {

  public CheckReport {
    operations = List.copyOf(operations);
    findings = findings.stream().sorted(ORDER).toList();
    repeats = Map.copyOf(repeats);
    pending = List.copyOf(pending);
    scenarios = List.copyOf(scenarios);
    notes = List.copyOf(notes);
  }

  /** Failures before warnings, then by kind (security first), then by operation. */
  static final Comparator<Finding> ORDER = Comparator.comparing(Finding::severity)
      .thenComparing(Finding::kind)
      .thenComparing(Finding::operation);

  /**
   * An operation the service has not implemented yet.
   *
   * @param operation as labelled in findings
   * @param curl a request it answered 501 to
   */
  public record Pending(String operation, String curl) {}

  /** {@return whether a scenario passed, with its failing step if not} */
  public record ScenarioResult(String name, String file, boolean passed, String failedStep) {}

  public List<Finding> failures() {
    return findings.stream().filter(f -> f.severity() == Finding.Severity.FAILURE).toList();
  }

  public List<Finding> warnings() {
    return findings.stream().filter(f -> f.severity() == Finding.Severity.WARNING).toList();
  }

  /** {@return true when there is no failure and no pending operation: the service does what its contract says} */
  public boolean passed() {
    return failures().isEmpty() && pending.isEmpty();
  }

  public int timesSeen(Finding f) {
    return repeats.getOrDefault(f, 1);
  }
}
