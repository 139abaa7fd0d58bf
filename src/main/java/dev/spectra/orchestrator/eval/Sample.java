package dev.spectra.orchestrator.eval;

import java.math.BigDecimal;
import java.util.List;

/**
 * The measured outcome of one task run once on one subject (a model or a routing policy). One line of
 * {@code samples.jsonl}; the report is computed from these alone, so a partial or resumed run reports the same way.
 *
 * @param subject model or policy name as given to {@code --models}
 * @param simulated the subject is served by the simulator: labelled as a simulation everywhere it appears
 * @param available false when the subject's endpoint could not be reached: the sample counts in no rate
 * @param rawValid the model's first reply was valid, conforming JSON as-is
 * @param engineValid a conforming value was obtained through the engine (extraction, repair, re-ask, fallback)
 * @param jsonStage how the final value was obtained ({@code RAW_VALID}, {@code EXTRACTED}, ...)
 * @param planOk the plan conformed, its contract parsed, and its contract can carry every hidden scenario of the task
 *     (operations, parameters, status codes)
 * @param buildOk build mode: <em>functional</em>, every hidden scenario of the task passed against the built
 *     service (never the model's own tests); null in plan mode
 * @param secure build mode: no security finding against the built service; null when not probed
 * @param fixIterations build mode: fix-loop iterations used
 * @param latencyMs wall time of the sample (plan call, or whole build)
 * @param ttftMs time to first token of the first call, -1 when unknown
 * @param localTokens tokens served by local models
 * @param escalations reasons for each escalation to another route, in order
 * @param error why the sample failed, most specific first: the first failing hidden step, the compiler error, the
 *     finding, the missing operation; null for a success
 * @param worker the {@code orchestrator worker} that took the sample ({@code eval --workers}); null in process
 */
public record Sample(
    String subject,
    boolean simulated,
    String taskId,
    int complexity,
    int repeat,
    String mode,
    boolean available,
    boolean rawValid,
    boolean engineValid,
    String jsonStage,
    boolean planOk,
    Boolean buildOk,
    Boolean secure,
    int fixIterations,
    long latencyMs,
    long ttftMs,
    long promptTokens,
    long completionTokens,
    long localTokens,
    BigDecimal costUsd,
    BigDecimal savedUsd,
    List<String> escalations,
    String servedBy,
    String error,
    String worker) {

  public Sample {
    escalations = escalations == null ? List.of() : List.copyOf(escalations);
    costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
    savedUsd = savedUsd == null ? BigDecimal.ZERO : savedUsd;
  }

  /** A sample taken in this process. */
  public Sample(String subject, boolean simulated, String taskId, int complexity, int repeat, String mode,
      boolean available, boolean rawValid, boolean engineValid, String jsonStage, boolean planOk, Boolean buildOk,
      Boolean secure, int fixIterations, long latencyMs, long ttftMs, long promptTokens, long completionTokens,
      long localTokens, BigDecimal costUsd, BigDecimal savedUsd, List<String> escalations, String servedBy,
      String error) {
    this(subject, simulated, taskId, complexity, repeat, mode, available, rawValid, engineValid, jsonStage, planOk,
        buildOk, secure, fixIterations, latencyMs, ttftMs, promptTokens, completionTokens, localTokens, costUsd,
        savedUsd, escalations, servedBy, error, null);
  }

  /** {@return this sample as taken by {@code worker}} */
  public Sample withWorker(String worker) {
    return new Sample(subject, simulated, taskId, complexity, repeat, mode, available, rawValid, engineValid,
        jsonStage, planOk, buildOk, secure, fixIterations, latencyMs, ttftMs, promptTokens, completionTokens,
        localTokens, costUsd, savedUsd, escalations, servedBy, error, worker);
  }

  /** {@return the key that identifies this sample in a run, for resume} */
  public String key() {
    return key(subject, taskId, repeat);
  }

  public static String key(String subject, String taskId, int repeat) {
    return subject + "|" + taskId + "|" + repeat;
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /** {@return whether this sample counts as a success for the mode it ran in} */
  public boolean succeeded() {
    return buildOk != null ? buildOk : planOk;
  }

  /** {@return build mode: functional and no security finding; plan mode: as {@link #succeeded()}} */
  public boolean succeededSecurely() {
    return succeeded() && !Boolean.FALSE.equals(secure);
  }

  /**
   * {@return how the final JSON value was obtained, counted so that {@code RAW_VALID} means exactly what
   * {@link #rawValid} means: the first reply as it came. A later reply that happened to be valid counts under what
   * led to it (a re-ask, or the fallback)}
   */
  public String obtainedBy() {
    if (!available) return "UNAVAILABLE";
    if (rawValid) return "RAW_VALID";
    if (!engineValid) return "FAILED";
    if (jsonStage == null || jsonStage.equals("RAW_VALID") || jsonStage.equals("FAILED")) {
      return escalations.isEmpty() ? "REASKED" : "FALLBACK";
    }
    return jsonStage;
  }

  /** {@return a sample for a subject whose endpoint could not be reached} */
  public static Sample unavailable(String subject, boolean simulated, EvalTask task, int repeat, String mode,
      String error) {
    return new Sample(subject, simulated, task.id(), task.complexity(), repeat, mode, false, false, false, "FAILED",
        false, null, null, 0, 0, -1, 0, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO, List.of(), null, error);
  }
}
