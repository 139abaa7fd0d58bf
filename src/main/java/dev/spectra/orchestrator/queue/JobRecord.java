package dev.spectra.orchestrator.queue;

import java.time.Instant;
import java.util.List;

/**
 * What the queue knows of a job.
 *
 * @param status {@code queued} (waiting, or released by a stopping worker), {@code running}, {@code done} (it ran
 *     to an outcome, which may be a failed build), {@code failed} (the worker could not run it at all)
 * @param worker the worker that ran it last; null while never claimed
 * @param workers every worker that started it, in order (more than one after a worker died or was stopped)
 * @param attempts how many times a worker started it
 * @param outcome a build's outcome ({@code verified}, {@code failed}, ...) or a sample's ({@code ok}, ...)
 * @param result the job's result as JSON (an eval sample), or null
 * @param journalStep the last step of the journal kept in the database; null when none is kept
 */
public record JobRecord(String id, Job.Kind kind, String runId, String payload, String status, String worker,
    List<String> workers, int attempts, Instant submitted, Instant started, Instant finished, String outcome,
    String result, String journalStep) {
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";

  public JobRecord {
    workers = workers == null ? List.of() : List.copyOf(workers);
  }

  /** {@return whether the job will not run again} */
  public boolean ended() {
    return DONE.equals(status) || FAILED.equals(status);
  }
}
