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
 * @param planOk the plan conformed, its contract parsed, and it covers the task's entities and scenario paths
 * @param buildOk build mode: the service compiled and its tests passed in the sandbox; null in plan mode
 * @param fixIterations build mode: fix-loop iterations used
 * @param latencyMs wall time of the sample (plan call, or whole build)
 * @param ttftMs time to first token of the first call, -1 when unknown
 * @param localTokens tokens served by local models
 * @param escalations reasons for each escalation to another route, in order
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
    String error) {

  public Sample {
    escalations = escalations == null ? List.of() : List.copyOf(escalations);
    costUsd = costUsd == null ? BigDecimal.ZERO : costUsd;
    savedUsd = savedUsd == null ? BigDecimal.ZERO : savedUsd;
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

  /** {@return a sample for a subject whose endpoint could not be reached} */
  public static Sample unavailable(String subject, boolean simulated, EvalTask task, int repeat, String mode,
      String error) {
    return new Sample(subject, simulated, task.id(), task.complexity(), repeat, mode, false, false, false, "FAILED",
        false, null, 0, 0, -1, 0, 0, 0, BigDecimal.ZERO, BigDecimal.ZERO, List.of(), null, error);
  }
}
