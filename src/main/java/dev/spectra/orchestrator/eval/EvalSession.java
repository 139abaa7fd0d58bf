package dev.spectra.orchestrator.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One eval run from its first sample to its reports, with the behaviour the docs promise around it: the run id and
 * the resume command are printed before the first sample; Ctrl-C starts no new sample, gives those in flight a
 * short grace, writes the partial report and prints the resume command before the process exits; a subject that
 * cannot be reached is an "unavailable" row, not an interruption.
 */
public final class EvalSession {
  /** How long the shutdown hook waits for the partial report after Ctrl-C. */
  static final Duration INTERRUPT_GRACE = EvalRunner.IN_FLIGHT_GRACE.plusSeconds(20);

  /** How a session ended. */
  public sealed interface Outcome {
    EvalReport report();

    List<Path> written();

    /** Every sample ran (unavailable subjects count as run). */
    record Finished(EvalReport report, List<Path> written) implements Outcome {}

    /** Stopped by Ctrl-C or a failure to store samples; the reports are partial. */
    record Interrupted(EvalReport report, List<Path> written, String resumeCommand) implements Outcome {}
  }

  /** Called with the report once it is written, before the process may exit (the ledger closes the run's row). */
  @FunctionalInterface
  public interface Finisher {
    void finished(EvalReport report);
  }

  private final EvalRunner runner;
  private final PrintWriter err;

  public EvalSession(EvalRunner runner, PrintWriter err) {
    this.runner = runner;
    this.err = err;
  }

  /** {@return the command that continues run {@code runId} written into {@code dir}} */
  public static String resumeCommand(String runId, Path dir, boolean defaultPlace) {
    return "orchestrator eval --resume " + runId + (defaultPlace ? "" : " --out " + dir);
  }

  /**
   * Runs the samples not in {@code previous} and writes the reports into {@code dir}.
   *
   * @param defaultPlace {@code dir} is {@code eval-results/RUN_ID} under the working directory, where resume looks
   */
  public Outcome run(RunInfo info, Suite suite, List<Subject> subjects, List<Sample> previous, Path dir,
      boolean defaultPlace, Finisher finisher) throws IOException, InterruptedException {
    String resume = resumeCommand(info.runId(), dir, defaultPlace);
    synchronized (err) {
      err.println("Run " + info.runId() + ": reports go to " + dir);
      err.println("  Ctrl-C writes a partial report; continue it with: " + resume);
      err.flush();
    }
    CountDownLatch reported = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread hook = new Thread(() -> {
      interrupted.set(true);
      runner.stop();
      synchronized (err) {
        err.println();
        err.println("Interrupted: finishing the samples in flight (at most "
            + EvalRunner.IN_FLIGHT_GRACE.toSeconds() + " s), then writing the partial report...");
        err.flush();
      }
      try {
        reported.await(INTERRUPT_GRACE.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "eval-interrupt");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      EvalReport report = runner.run(info, suite, subjects, previous, dir.resolve("samples.jsonl"));
      List<Path> written = report.writeTo(dir);
      finisher.finished(report);
      if (report.partial()) {
        // Printed before the hook is released: once it returns, the JVM exits.
        synchronized (err) {
          err.println("The run was interrupted; partial reports are in " + dir + ".");
          err.println("Continue it with: " + resume);
          err.flush();
        }
        return new Outcome.Interrupted(report, written, resume);
      }
      return new Outcome.Finished(report, written);
    } finally {
      reported.countDown();
      if (!interrupted.get()) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // The hook is running; it returns now that the report is written.
        }
      }
    }
  }

  /** {@return a progress printer for {@code err}: one line per sample with counts, cost and ETA} */
  public static EvalRunner.Progress progress(PrintWriter err) {
    return (s, done, total, ok, cost, elapsed, eta) -> {
      int width = 24;
      int filled = total == 0 ? width : (int) ((long) width * done / total);
      String bar = "#".repeat(filled) + ".".repeat(width - filled);
      String outcome = !s.available() ? "unavailable" : s.succeeded() ? "ok" : "failed";
      synchronized (err) {
        err.printf(Locale.ROOT, "[%s] %d/%d  %-28s %-26s %-11s %6s | ok %d | $%s | %s elapsed, ETA %s%n", bar, done,
            total, truncate(s.subject(), 28), truncate(s.taskId(), 26), outcome, ms(s.latencyMs()), ok,
            cost.setScale(4, RoundingMode.HALF_UP).toPlainString(), clock(elapsed), clock(eta));
        err.flush();
      }
    };
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  static String ms(long v) {
    return v >= 10_000 ? String.format(Locale.ROOT, "%.0fs", v / 1000.0) : v + "ms";
  }

  static String clock(Duration d) {
    long s = Math.max(0, d.toSeconds());
    return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
  }
}
