package dev.spectra.orchestrator.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.queue.BuildJob;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JournalArchive;
import dev.spectra.orchestrator.queue.Worker;
import dev.spectra.orchestrator.run.RunOutcome;
import dev.spectra.orchestrator.run.RunPipeline;
import dev.spectra.orchestrator.run.RunRequest;
import dev.spectra.orchestrator.run.Steps;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/** Wires what a worker runs: builds through the same pipeline as {@code run}, journalled in the queue. */
public final class Workers {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Workers() {}

  /**
   * {@return the handler of build jobs}: a job no worker started yet runs as {@code run} would; a job an earlier
   * worker started (it died or was stopped) resumes from its journal, kept in the database after every completed
   * step, so no completed model step is asked again.
   *
   * @param allowUnsafe the worker was started with {@code --unsafe-no-sandbox}: only then does a build that asked
   *     for it run generated code without a sandbox
   * @param progress the progress writer of one job (its lines name the job), or null for none
   * @param warnings where journal problems are reported
   */
  public static Worker.Handler builds(Config config, Ledger ledger, JobQueue queue, Map<String, String> env,
      Path cwd, boolean allowUnsafe, Function<String, PrintWriter> progress, PrintWriter warnings) {
    return (job, before, worker) -> {
      BuildJob b;
      try {
        b = BuildJob.fromJson(job.payload());
      } catch (IllegalArgumentException e) {
        return new Worker.Outcome.Failed(e.getMessage());
      }
      Path out = Path.of(b.out());
      if (!out.isAbsolute() || out.getParent() == null) {
        return new Worker.Outcome.Failed("the output directory must be an absolute path, got " + b.out());
      }
      RunPipeline pipeline;
      try {
        pipeline = RunPipelines.create(config, ledger, env, cwd, new RunPipelines.Options(b.model(),
            b.unsafeNoSandbox() && allowUnsafe, progress == null ? null : progress.apply(job.id()), false, null), Steps.Hook.NONE,
            null, journal -> new QueuedBuildJournal(journal, queue, job.id(), warnings));
      } catch (IllegalArgumentException e) {
        return new Worker.Outcome.Failed(e.getMessage());
      }
      RunOutcome outcome;
      Path openApi = null;
      try {
        // The staging directory sits beside the output directory, as for 'run' (RunPipeline).
        Path staging = out.getParent().resolve(".orchestrator-" + job.id());
        if (before.attempts() > 0 && resumable(queue, job.id(), staging)) {
          outcome = pipeline.resume(job.id(), null, null, null, false);
        } else if (before.attempts() > 0 && ledger.build(job.id()).isPresent()) {
          return new Worker.Outcome.Failed("worker " + before.worker() + " started this build and stopped before "
              + "its first journal was kept; submit it again");
        } else {
          if (b.openApiText() != null) {
            openApi = Files.createTempFile("orchestrator-openapi-", suffix(b.openApiName()));
            Files.writeString(openApi, b.openApiText());
          }
          outcome = pipeline.run(new RunRequest(b.request(), openApi, b.stack(), out, b.maxIterations(),
              b.budgetUsd() == null ? null : Money.usd(b.budgetUsd()), b.force(), job.id()));
        }
      } catch (IOException e) {
        return new Worker.Outcome.Failed("the build could not be run: " + e.getMessage());
      } finally {
        if (openApi != null) {
          try {
            Files.deleteIfExists(openApi);
          } catch (IOException ignored) {
            // A temporary file left behind holds only the user's own document.
          }
        }
      }
      // Stopped because this worker is stopping: the build goes back to the queue and resumes elsewhere.
      if (worker.stopping() && outcome instanceof RunOutcome.Stopped) throw new InterruptedException();
      return new Worker.Outcome.Done(status(outcome), summary(outcome));
    };
  }

  /**
   * Puts the journal the database holds in place of the staging directory; {@return whether there is a journal to
   * resume from} (from the database, or, without one there, a staging directory this machine still sees).
   */
  private static boolean resumable(JobQueue queue, String id, Path staging) throws IOException {
    Optional<String> kept = queue.journal(id);
    if (kept.isPresent()) {
      JournalArchive.restore(kept.get(), staging);
      return true;
    }
    return Files.isRegularFile(staging.resolve("state.json"));
  }

  private static String suffix(String name) {
    return name != null && name.toLowerCase(Locale.ROOT).endsWith(".json") ? ".json" : ".yaml";
  }

  /** {@return the outcome's word, as {@code run --json} says it} */
  public static String status(RunOutcome outcome) {
    return switch (outcome) {
      case RunOutcome.Verified v -> "verified";
      case RunOutcome.ClarificationNeeded c -> "clarification-needed";
      case RunOutcome.BadInput b -> "bad-input";
      case RunOutcome.Stopped s -> s.reason().name().toLowerCase(Locale.ROOT).replace('_', '-');
    };
  }

  private static String summary(RunOutcome outcome) {
    ObjectNode node = JSON.createObjectNode();
    node.put("status", status(outcome));
    node.put("message", outcome.message());
    if (outcome instanceof RunOutcome.Verified v) node.put("out", v.out().toString());
    if (outcome instanceof RunOutcome.Stopped s && s.resumeCommand() != null) node.put("resume", s.resumeCommand());
    return node.toString();
  }
}
