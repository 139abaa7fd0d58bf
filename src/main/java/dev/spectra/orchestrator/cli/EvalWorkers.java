package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.eval.EvalRunner;
import dev.spectra.orchestrator.eval.EvalSettings;
import dev.spectra.orchestrator.eval.EvalTask;
import dev.spectra.orchestrator.eval.Sample;
import dev.spectra.orchestrator.eval.Subject;
import dev.spectra.orchestrator.eval.Suite;
import dev.spectra.orchestrator.queue.Job;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JobRecord;
import dev.spectra.orchestrator.queue.Worker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * {@code eval --workers}: each sample becomes a job in the queue, taken by {@code orchestrator worker} processes
 * with the same sample takers as in process, and its result comes back as the sample itself (with its worker).
 */
final class EvalWorkers {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  /** How often the submitting process looks for finished samples (one query for the whole run). */
  private static final Duration POLL = Duration.ofMillis(500);
  /** Runs whose simulators and connections a worker keeps open after their last sample. */
  private static final int IDLE_RUNS_KEPT = 2;

  private EvalWorkers() {}

  /**
   * One sample to take, with the run's settings, so that a worker rebuilds the run exactly (subjects, suite,
   * simulator seed, mode).
   */
  record SampleOrder(String runId, String mode, String suite, int repeats, boolean simulate, long seed,
      int maxIterations, boolean keepGoing, boolean unsafeNoSandbox, List<String> models, String subject,
      String taskId, int repeat) {
    EvalSettings settings() {
      return new EvalSettings(runId, Instant.EPOCH, mode, suite, repeats, 1, 100, simulate, seed, maxIterations,
          keepGoing, unsafeNoSandbox, null, models, "");
    }
  }

  /**
   * {@return a sample taker that queues each sample and waits for a worker to take it}; a sample whose job already
   * ended (an earlier, interrupted run of the same id) is read back, not queued again.
   */
  static EvalRunner.SampleTaker queued(JobQueue queue, EvalSettings settings, java.io.PrintWriter notes) {
    Map<String, CompletableFuture<JobRecord>> waiting = new ConcurrentHashMap<>();
    Thread watcher = Thread.ofVirtual().name("eval-workers-watch").unstarted(() -> {
      try {
        while (true) {
          Thread.sleep(POLL);
          if (waiting.isEmpty()) continue;
          List<JobRecord> jobs;
          try {
            jobs = queue.jobsOfRun(settings.runId());
          } catch (RuntimeException e) {
            // The database cannot be read: the samples waiting now fail with the reason; later ones try again.
            for (String id : List.copyOf(waiting.keySet())) {
              CompletableFuture<JobRecord> f = waiting.remove(id);
              if (f != null) f.completeExceptionally(e);
            }
            continue;
          }
          for (JobRecord job : jobs) {
            if (!job.ended()) continue;
            CompletableFuture<JobRecord> f = waiting.remove(job.id());
            if (f != null) f.complete(job);
          }
        }
      } catch (InterruptedException e) {
        // The process is ending.
      }
    });
    watcher.setDaemon(true);
    watcher.start();
    return (subject, task, repeat) -> {
      String id = settings.runId() + "/" + subject.name() + "/" + task.id() + "/" + repeat;
      CompletableFuture<JobRecord> done = new CompletableFuture<>();
      waiting.put(id, done);
      Optional<JobRecord> existing = queue.job(id);
      if (existing.isEmpty()) {
        SampleOrder order = new SampleOrder(settings.runId(), settings.mode(), settings.suite(), settings.repeat(),
            settings.simulate(), settings.seed(), settings.maxIterations(), settings.keepGoing(),
            settings.unsafeNoSandbox(), settings.models(), subject.name(), task.id(), repeat);
        queue.submit(new Job(id, Job.Kind.SAMPLE, settings.runId(), toJson(order)));
      } else if (existing.get().ended()) {
        waiting.remove(id);
        done.complete(existing.get());
      }
      JobRecord ended;
      try {
        ended = done.get();
      } catch (ExecutionException e) {
        throw new ExitException(ExitCodes.FAILED, "the job queue could not be read: " + e.getCause().getMessage());
      } finally {
        waiting.remove(id);
      }
      if (!JobRecord.DONE.equals(ended.status())) {
        throw new ExitException(ExitCodes.FAILED, "worker " + ended.worker() + " could not take sample " + id + ": "
            + ended.result());
      }
      try {
        return JSON.readValue(ended.result(), Sample.class);
      } catch (JsonProcessingException e) {
        throw new ExitException(ExitCodes.FAILED, "worker " + ended.worker() + " returned an unreadable sample for "
            + id + ": " + e.getOriginalMessage());
      }
    };
  }

  /** A run a worker has open: the same context {@code eval} builds, and how many samples use it now. */
  private static final class OpenRun {
    final EvalCommand.Context context;
    final Suite suite;
    int users;

    OpenRun(EvalCommand.Context context, Suite suite) {
      this.context = context;
      this.suite = suite;
    }
  }

  /**
   * {@return the handler of sample jobs}: the run's context (simulators, subjects, sample taker) is built once per
   * run in a directory of this worker's own, from the settings the job carries, and reused for its other samples.
   */
  static Worker.Handler samples(Io io) {
    Path root = Dirs.from(io.env()).runsDir().resolveSibling("worker-eval");
    Map<String, OpenRun> open = new LinkedHashMap<>(16, 0.75f, true);
    return (job, before, worker) -> {
      SampleOrder order;
      try {
        order = JSON.readValue(job.payload(), SampleOrder.class);
      } catch (JsonProcessingException e) {
        return new Worker.Outcome.Failed("not an eval sample: " + e.getOriginalMessage());
      }
      OpenRun run;
      try {
        run = acquire(open, io, root, order);
      } catch (IOException | RuntimeException e) {
        return new Worker.Outcome.Failed("the eval run " + order.runId() + " could not be set up here: "
            + e.getMessage());
      }
      try {
        Subject subject = run.context.subjects().stream().filter(s -> s.name().equals(order.subject())).findFirst()
            .orElse(null);
        EvalTask task = run.suite.tasks().stream().filter(t -> t.id().equals(order.taskId())).findFirst()
            .orElse(null);
        if (subject == null || task == null) {
          return new Worker.Outcome.Failed("the run " + order.runId() + " has no subject " + order.subject()
              + " or task " + order.taskId() + " here");
        }
        Sample sample = run.context.taker().take(subject, task, order.repeat()).withWorker(worker.settings().id());
        return new Worker.Outcome.Done(!sample.available() ? "unavailable" : sample.succeeded() ? "ok" : "failed",
            toJson(sample));
      } finally {
        release(open, run);
      }
    };
  }

  private static OpenRun acquire(Map<String, OpenRun> open, Io io, Path root, SampleOrder order)
      throws IOException {
    synchronized (open) {
      OpenRun run = open.get(order.runId());
      if (run == null) {
        Path dir = root.resolve(order.runId().replaceAll("[^A-Za-z0-9._-]", "_"));
        EvalCommand command = new EvalCommand(io);
        command.restore(order.settings(), dir);
        Suite suite = command.loadSuite();
        run = new OpenRun(command.open(dir, suite, order.runId()), suite);
        open.put(order.runId(), run);
      }
      run.users++;
      return run;
    }
  }

  /** Closes the runs no sample uses beyond the newest few: their simulators and connections are not needed now. */
  private static void release(Map<String, OpenRun> open, OpenRun run) {
    List<OpenRun> closing = new ArrayList<>();
    synchronized (open) {
      run.users--;
      int idle = 0;
      List<Map.Entry<String, OpenRun>> entries = new ArrayList<>(open.entrySet());
      // Access order: the least recently used first.
      for (int i = entries.size() - 1; i >= 0; i--) {
        OpenRun r = entries.get(i).getValue();
        if (r.users > 0) continue;
        if (++idle > IDLE_RUNS_KEPT) {
          open.remove(entries.get(i).getKey());
          closing.add(r);
        }
      }
    }
    for (OpenRun r : closing) r.context.close();
  }

  private static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

}
