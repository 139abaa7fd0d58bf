package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.Workers;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.queue.Job;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JobRecord;
import dev.spectra.orchestrator.queue.QueueException;
import dev.spectra.orchestrator.queue.Worker;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator worker}: claims submitted builds and eval samples from the queue until stopped. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = {"Claims builds (run --submit) and eval samples (eval --workers) from the job queue in the "
        + "PostgreSQL database of ORCHESTRATOR_DB_URL and runs them, until Ctrl-C or SIGTERM.",
        "Stopping drains: nothing new is claimed, running jobs get --drain seconds, then go back to the queue "
        + "and resume on another worker. A killed worker's jobs are taken over once its heartbeats stop."})
public final class WorkerCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Io io;

  @Option(names = "--id", paramLabel = "NAME", description = "This worker's name in the queue, builds and reports "
      + "(default: hostname-pid).")
  String id;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "1",
      description = "Jobs run at once (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--heartbeat", paramLabel = "SECONDS", defaultValue = "10",
      description = "How often this worker tells the database it is alive (default: ${DEFAULT-VALUE}).")
  BigDecimal heartbeat;

  @Option(names = "--missed-heartbeats", paramLabel = "N", defaultValue = "6",
      description = "Heartbeats a worker may miss before its jobs go to another worker (at least 4; default: "
          + "${DEFAULT-VALUE}).")
  int missedHeartbeats;

  @Option(names = "--poll", paramLabel = "SECONDS", defaultValue = "2",
      description = "How often to look for new jobs (default: ${DEFAULT-VALUE}).")
  BigDecimal poll;

  @Option(names = "--drain", paramLabel = "SECONDS", defaultValue = "10",
      description = "On Ctrl-C or SIGTERM, how long running jobs may still finish before they are released to the "
          + "queue (default: ${DEFAULT-VALUE}).")
  BigDecimal drain;

  @Option(names = "--unsafe-no-sandbox", description = "Allow submitted builds that asked for "
      + "--unsafe-no-sandbox to run generated code without a sandbox here; without this flag they get the sandbox.")
  boolean unsafeNoSandbox;

  @Option(names = "--json", description = "One JSON object per line on stdout for every event (claimed, progress, "
      + "finished) instead of text on stderr.")
  boolean json;

  public WorkerCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws Exception {
    Worker.Settings settings;
    try {
      settings = new Worker.Settings(id != null ? id : defaultId(), concurrency, seconds("--heartbeat", heartbeat),
          missedHeartbeats, seconds("--poll", poll), seconds("--drain", drain));
    } catch (IllegalArgumentException e) {
      throw ExitException.usage(e.getMessage());
    }
    Config config = RunCommand.config(io);
    try (Ledgers.Handle handle = Ledgers.open(config, io.env(), io.err())) {
      Ledger ledger = handle.ledger();
      JobQueue queue;
      try {
        queue = JobQueue.in(ledger.database(), Clock.systemUTC());
      } catch (QueueException e) {
        throw ExitException.usage(e.getMessage());
      }
      Map<Job.Kind, Worker.Handler> handlers = new EnumMap<>(Job.Kind.class);
      handlers.put(Job.Kind.BUILD, Workers.builds(config, ledger, queue, io.env(), io.cwd(), unsafeNoSandbox,
          this::progressFor, io.err()));
      handlers.put(Job.Kind.SAMPLE, EvalWorkers.samples(io));
      Worker worker = new Worker(ledger.database(), queue, settings, handlers, listener(settings.id()),
          Clock.systemUTC());
      event(JSON.createObjectNode().put("event", "started").put("worker", settings.id())
              .put("concurrency", settings.concurrency()).put("database", ledger.location()),
          "worker " + settings.id() + ": claiming builds and eval samples from " + ledger.location() + " ("
              + settings.concurrency() + " at a time; Ctrl-C drains and stops)");
      worker.start();
      try {
        // Runs until Ctrl-C or SIGTERM, which interrupt this thread (see Interrupts).
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        event(JSON.createObjectNode().put("event", "stopping").put("worker", settings.id()),
            "worker " + settings.id() + ": stopping; running jobs get " + settings.drain().toSeconds()
                + " s, then go back to the queue");
        worker.stop();
      }
      event(JSON.createObjectNode().put("event", "stopped").put("worker", settings.id()),
          "worker " + settings.id() + ": stopped");
      return ExitCodes.OK;
    }
  }

  private static Duration seconds(String flag, BigDecimal value) {
    if (value.signum() < 0) throw new IllegalArgumentException(flag + " must be 0 or more, got " + value);
    return Duration.ofMillis(value.movePointRight(3).longValue());
  }

  /** hostname-pid: unique on a machine, and says which machine. */
  private static String defaultId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    return host + "-" + ProcessHandle.current().pid();
  }

  private Worker.Listener listener(String workerId) {
    return new Worker.Listener() {
      @Override public void claimed(JobRecord job, int attempt) {
        event(JSON.createObjectNode().put("event", "claimed").put("worker", workerId).put("job", job.id())
                .put("kind", job.kind().wire()).put("attempt", attempt),
            "[" + job.id() + "] claimed by " + workerId + (attempt > 1 ? " (attempt " + attempt + ", earlier: "
                + String.join(", ", job.workers()) + "; resuming from its journal)" : ""));
      }

      @Override public void ended(JobRecord job, Worker.Outcome outcome, Duration elapsed) {
        ObjectNode node = JSON.createObjectNode().put("event", "finished").put("worker", workerId)
            .put("job", job.id()).put("kind", job.kind().wire()).put("elapsed_ms", elapsed.toMillis());
        String text = switch (outcome) {
          case Worker.Outcome.Done d -> {
            node.put("status", JobRecord.DONE).put("outcome", d.outcome());
            yield d.outcome();
          }
          case Worker.Outcome.Failed f -> {
            node.put("status", JobRecord.FAILED).put("error", f.message());
            yield "failed: " + f.message();
          }
          case Worker.Outcome.Released r -> {
            node.put("status", JobRecord.QUEUED).put("released", r.reason());
            yield "released to the queue (" + r.reason() + ")";
          }
        };
        event(node, "[" + job.id() + "] " + text + " after " + elapsed.toSeconds() + " s");
      }
    };
  }

  /** Progress of one job: each line of the pipeline's progress, named by the job. */
  private PrintWriter progressFor(String jobId) {
    return new PrintWriter(new LineWriter(line -> event(JSON.createObjectNode().put("event", "progress")
        .put("job", jobId).put("line", line), "[" + jobId + "] " + line)), true);
  }

  private void event(ObjectNode node, String text) {
    if (json) {
      synchronized (io.out()) {
        io.out().println(node.toString());
        io.out().flush();
      }
    } else {
      synchronized (io.err()) {
        io.err().println(text);
        io.err().flush();
      }
    }
  }

  /** Hands on complete lines; the pipeline's progress writes a line in several prints. */
  private static final class LineWriter extends Writer {
    private final Consumer<String> lines;
    private final StringBuilder line = new StringBuilder();

    LineWriter(Consumer<String> lines) {
      this.lines = lines;
    }

    @Override public synchronized void write(char[] buf, int off, int len) {
      for (int i = off; i < off + len; i++) {
        char c = buf[i];
        if (c == '\n') {
          lines.accept(line.toString().stripTrailing());
          line.setLength(0);
        } else if (c != '\r') {
          line.append(c);
        }
      }
    }

    @Override public void flush() {}

    @Override public void close() {}
  }
}
