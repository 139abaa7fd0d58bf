package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JournalArchive;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The ledger's journal of a build run by a worker, which also keeps the build's staging directory in the job queue
 * once the build has started and after every completed step: a worker on another machine resumes from it.
 */
final class QueuedBuildJournal implements BuildJournal {
  private final BuildJournal ledger;
  private final JobQueue queue;
  private final String jobId;
  private final PrintWriter warnings;
  private Path staging;

  QueuedBuildJournal(BuildJournal ledger, JobQueue queue, String jobId, PrintWriter warnings) {
    this.ledger = ledger;
    this.queue = queue;
    this.jobId = jobId;
    this.warnings = warnings;
  }

  @Override public void buildStarted(String id, String request, Path out, Path staging) {
    ledger.buildStarted(id, request, out, staging);
    this.staging = staging;
    keep("started");
  }

  @Override public void stepStarted(String id, String step) {
    ledger.stepStarted(id, step);
  }

  @Override public void stepFinished(String id, String step, boolean ok, String detailJson) {
    ledger.stepFinished(id, step, ok, detailJson);
    // The state file is saved before this call: the journal kept now includes the step.
    if (ok) keep(step);
  }

  @Override public void buildFinished(String id, String outcome, Path out) {
    ledger.buildFinished(id, outcome, out);
  }

  @Override public String lastCompletedStep(String id) {
    return ledger.lastCompletedStep(id);
  }

  @Override public Path stagingDir(String id) {
    return ledger.stagingDir(id);
  }

  private void keep(String step) {
    if (staging == null) return;
    try {
      Optional<String> archive = JournalArchive.capture(staging);
      if (archive.isPresent()) {
        queue.keepJournal(jobId, step, archive.get());
      } else if (warnings != null) {
        warnings.println("warning: the journal of " + jobId + " is over " + JournalArchive.MAX_BYTES / (1024 * 1024)
            + " MiB and is not kept in the database; only a worker that sees " + staging + " can resume it");
      }
    } catch (IOException e) {
      // The build goes on; only a takeover by a worker on another machine would miss this step's journal.
      if (warnings != null) warnings.println("warning: the journal of " + jobId + " was not kept: " + e.getMessage());
    }
  }
}
