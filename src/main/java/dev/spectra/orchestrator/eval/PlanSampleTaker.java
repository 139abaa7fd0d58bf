package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Plan mode: asks the subject for the plan of a task through the same planner {@code orchestrator run} uses, and
 * measures the JSON on the way: was the first reply usable as-is, did the engine get a conforming value, and does
 * the plan cover the task (its entities, and an operation for every acceptance scenario).
 */
public final class PlanSampleTaker implements EvalRunner.SampleTaker {

  /** The planner of {@code run}: a plan JSON for a request, or a {@link ModelException} when none was obtained. */
  @FunctionalInterface
  public interface Planning {
    /** {@return the plan, with its OpenAPI document under {@code openapi}; null when the model asked to clarify} */
    JsonNode plan(Model model, String request) throws ModelException, InterruptedException;
  }

  private final Planning planning;
  private final Predicate<String> isLocal;
  private final Clock clock;
  private final String runId;

  /** @param isLocal whether a catalog model name is a local model, for the autonomy share */
  public PlanSampleTaker(Planning planning, Predicate<String> isLocal, Clock clock) {
    this(planning, isLocal, clock, null);
  }

  /**
   * @param runId the eval run: every call is filed in the ledger under it, with its task and repeat as the request
   *     id; null files calls under no build
   */
  public PlanSampleTaker(Planning planning, Predicate<String> isLocal, Clock clock, String runId) {
    this.planning = planning;
    this.isLocal = isLocal;
    this.clock = clock;
    this.runId = runId;
  }

  /** {@return the request id eval calls of one sample carry in the ledger: {@code RUN_ID/TASK/REPEAT}} */
  public static String requestId(String runId, String taskId, int repeat) {
    return runId + "/" + taskId + "/" + repeat;
  }

  @Override public Sample take(Subject subject, EvalTask task, int repeat) throws InterruptedException {
    RecordingModel model = runId == null ? new RecordingModel(subject.model())
        : new RecordingModel(subject.model(), runId, requestId(runId, task.id(), repeat));
    Instant start = clock.instant();
    JsonNode plan = null;
    String error = null;
    ModelError failure = null;
    try {
      plan = planning.plan(model, task.request());
      if (plan == null) error = "the model asked for clarification instead of planning";
    } catch (ModelException e) {
      failure = e.error();
      error = e.error().message();
    }
    long latency = Duration.between(start, clock.instant()).toMillis();
    List<Attempt> attempts = model.attempts();
    if (failure != null && unreachable(failure) && attempts.stream().noneMatch(Attempt::succeeded)) {
      return Sample.unavailable(subject.name(), subject.simulated(), task, repeat, "plan", error);
    }
    boolean rawValid = !attempts.isEmpty() && attempts.get(0).json() == Attempt.JsonStage.RAW_VALID;
    boolean engineValid = plan != null || (failure == null && !model.replies().isEmpty());
    String stage = plan == null ? "FAILED" : finalStage(attempts);
    String coverage = plan == null ? null : coverageProblem(plan, task);
    if (coverage != null && error == null) error = coverage;
    long prompt = 0, completion = 0, local = 0;
    BigDecimal cost = BigDecimal.ZERO, saved = BigDecimal.ZERO;
    List<String> escalations = new ArrayList<>();
    for (int i = 0; i < attempts.size(); i++) {
      Attempt a = attempts.get(i);
      prompt += a.usage().promptTokens();
      completion += a.usage().completionTokens();
      if (isLocal.test(a.model())) local += a.usage().totalTokens();
      if (a.cost() != null) cost = cost.add(a.cost().usd());
      saved = saved.add(a.saved().usd());
      if (a.error() != null && i + 1 < attempts.size() && !attempts.get(i + 1).model().equals(a.model())) {
        escalations.add(a.error().type());
      }
    }
    Duration ttft = model.firstTimeToFirstToken();
    String servedBy = model.replies().isEmpty() ? null : model.replies().get(model.replies().size() - 1).servedBy();
    return new Sample(subject.name(), subject.simulated(), task.id(), task.complexity(), repeat, "plan", true, rawValid,
        engineValid, stage, plan != null && coverage == null, null, null, 0, latency, ttft == null ? -1 : ttft.toMillis(),
        prompt, completion, local, cost, saved, escalations, servedBy, error);
  }

  private static boolean unreachable(ModelError e) {
    return switch (e) {
      case ModelError.ConnectionRefused c -> true;
      case ModelError.Timeout t -> t.phase() == ModelError.Timeout.Phase.CONNECT;
      case ModelError.CircuitOpen c -> true;
      case ModelError.ModelNotFound m -> true;
      default -> false;
    };
  }

  private static String finalStage(List<Attempt> attempts) {
    for (int i = attempts.size() - 1; i >= 0; i--) {
      Attempt a = attempts.get(i);
      if (a.succeeded() && a.json() != Attempt.JsonStage.NOT_REQUESTED) return a.json().name();
    }
    return Attempt.JsonStage.RAW_VALID.name();
  }

  /** {@return null when the plan's contract can carry every hidden scenario of the task; else what it misses} */
  static String coverageProblem(JsonNode plan, EvalTask task) {
    List<String> missing = ContractCoverage.problems(plan, task);
    if (missing.isEmpty()) return null;
    List<String> shown = missing.size() > 4 ? missing.subList(0, 4) : missing;
    return "the contract cannot carry the hidden scenarios: misses " + String.join(", ", shown)
        + (missing.size() > shown.size() ? " and " + (missing.size() - shown.size()) + " more" : "");
  }
}
