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

  /**
   * How one build ended, as eval needs it.
   *
   * @param verified the build ended with a service that passed its own verification (not yet graded)
   * @param project where the built service is, for the hidden scenarios; null when nothing was built
   */
  public record Built(String buildId, boolean verified, boolean unreachable, String message, JsonNode report,
      java.nio.file.Path project) {}

  /**
   * Grades a built service by the task's hidden scenarios (and security probes), never by the model's own tests.
   * Implementations run the service in the sandbox.
   */
  @FunctionalInterface
  public interface HiddenGrader {
    Grade grade(java.nio.file.Path project, EvalTask task) throws InterruptedException;
  }

  /**
   * @param functional every hidden scenario passed
   * @param secure no security finding; null when no probe ran
   * @param failure the first failing hidden step or finding, or why grading could not run; null when functional
   */
  public record Grade(boolean functional, Boolean secure, String failure) {}

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
  private final HiddenGrader grader;

  public BuildSampleTaker(Building building, Calls calls, HiddenGrader grader, Clock clock) {
    this.building = building;
    this.calls = calls;
    this.grader = grader;
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
    // Only the hidden scenarios decide: a build that failed its own verification is still graded when a service
    // was written, since its own tests may be wrong; one that wrote nothing fails with the build's reason.
    Grade grade = built.project() == null ? new Grade(false, null, built.message())
        : grader.grade(built.project(), task);
    String error = grade.functional() ? (Boolean.FALSE.equals(grade.secure()) ? grade.failure() : null)
        : grade.failure() != null ? grade.failure() : built.message();
    return new Sample(subject.name(), subject.simulated(), task.id(), task.complexity(), repeat, "build", true,
        "RAW_VALID".equals(firstStage), planned, planned ? (lastStage == null ? "RAW_VALID" : lastStage) : "FAILED",
        planned && coverage == null, grade.functional(), grade.secure(), fix, latency, ttft, prompt, completion, local, cost, saved,
        escalations, servedBy, error);
  }
}
