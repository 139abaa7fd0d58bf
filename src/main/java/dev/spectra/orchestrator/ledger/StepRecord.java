package dev.spectra.orchestrator.ledger;

import java.time.Instant;

/**
 * One step of a build ({@code plan}, {@code scaffold}, {@code implement}, {@code verify}, ...).
 *
 * @param status {@code running}, {@code done}, {@code failed} or {@code skipped}
 * @param detailJson free-form JSON the step chose to keep (paths, counts), or {@code null}
 */
public record StepRecord(String buildId, String step, String status, Instant started, Instant finished,
    String detailJson) {

  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String SKIPPED = "skipped";
}
