package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.ledger.CallRecord;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Build mode: runs {@code orchestrator run} on the task's sentence for the subject, to a verified service or a
 * stopped build, and reads what happened from the build report and the ledger's rows for that build.
 */
public final class BuildSampleTaker implements EvalRunner.SampleTaker {

  /** How one build ended, as eval needs it. */
  public record Built(String buildId, boolean verified, boolean unreachable, String message, JsonNode report) {}

  /** Runs one build of {@code request} with the subject's model or policy. */
  @FunctionalInterface
  public interface Building {
    Built build(Subject subject, EvalTask task, int repeat) throws InterruptedException;
  }

  /** The ledger rows of one build (all attempts of all steps). */
  @FunctionalInterface
  public interface Calls {
    List<CallRecord> of(String buildId);
  }

  private final Building building;
  private final Calls calls;
  private final Clock clock;

  public BuildSampleTaker(Building building, Calls calls, Clock clock) {
    this.building = building;
    this.calls = calls;
    this.clock = clock;
  }

  @Override public Sample take(Subject subject, EvalTask task, int repeat) throws InterruptedException {
    Instant start = clock.instant();
    Built built = building.build(subject, task, repeat);
    long latency = Duration.between(start, clock.instant()).toMillis();
    List<CallRecord> rows = built.buildId() == null ? List.of() : calls.of(built.buildId());
    if (built.unreachable() && rows.stream().noneMatch(r -> "ok".equals(r.outcome()))) {
      return Sample.unavailable(subject.name(), subject.simulated(), task, repeat, "build", built.message());
    }
    JsonNode report = built.report();
    boolean planned = report != null && report.hasNonNull("plan");
    String coverage = planned ? PlanSampleTaker.coverageProblem(report.get("plan"), task) : null;
    long prompt = 0, completion = 0, local = 0, ttft = -1;
    BigDecimal cost = BigDecimal.ZERO, saved = BigDecimal.ZERO;
    List<String> escalations = new ArrayList<>();
    String firstStage = null;
    String lastStage = null;
    String servedBy = null;
    for (CallRecord r : rows) {
      prompt += r.tokensIn();
      completion += r.tokensOut();
      if (r.local()) local += r.tokensIn() + r.tokensOut();
      if (ttft < 0 && r.timeToFirstToken() != null) ttft = r.timeToFirstToken().toMillis();
      if (r.cost() != null) cost = cost.add(r.cost().usd());
      if (r.saved() != null) saved = saved.add(r.saved().usd());
      if ("next-route".equals(r.decision()) || "larger-window".equals(r.decision())) {
        escalations.add(r.failureType() == null ? r.decision() : r.failureType());
      }
      String stage = r.jsonStage() == null ? null : r.jsonStage().toUpperCase(java.util.Locale.ROOT);
      if (stage != null && !stage.equals("NOT_REQUESTED")) {
        if (firstStage == null) firstStage = stage;
        if ("ok".equals(r.outcome())) lastStage = stage;
      }
      if ("ok".equals(r.outcome())) servedBy = r.model();
    }
    if (report != null) {
      // Escalations the build itself asked for after compile or test failures (artifact failures).
      for (JsonNode e : report.path("escalations")) {
        String why = e.path("artifact").asText(e.path("reason").asText(""));
        if (!why.isBlank()) escalations.add("artifact:" + why);
      }
    }
    int fix = report == null ? 0 : report.path("totals").path("fixIterations").asInt(0);
    String error = built.verified() ? coverage : built.message();
    return new Sample(subject.name(), subject.simulated(), task.id(), task.complexity(), repeat, "build", true,
        "RAW_VALID".equals(firstStage), planned, planned ? (lastStage == null ? "RAW_VALID" : lastStage) : "FAILED",
        planned && coverage == null, built.verified(), fix, latency, ttft, prompt, completion, local, cost, saved,
        escalations, servedBy, error);
  }
}
