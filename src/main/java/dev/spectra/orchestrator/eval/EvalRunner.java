package dev.spectra.orchestrator.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs every task of a suite on every subject, {@code repeat} times, with at most {@code concurrency} samples in
 * flight overall and at most each subject's own limit per subject. Samples are stored as they finish; a stopped
 * run (Ctrl-C) returns what it has, marked partial.
 */
public final class EvalRunner {

  /** Takes one sample: runs one task once on one subject through the real pipeline. */
  @FunctionalInterface
  public interface SampleTaker {
    Sample take(Subject subject, EvalTask task, int repeat) throws InterruptedException;
  }

  /** Receives progress: after every sample, the counts so far and an ETA from the mean sample rate. */
  @FunctionalInterface
  public interface Progress {
    Progress NONE = (s, done, total, ok, cost, elapsed, eta) -> {};

    void sampleDone(Sample sample, int done, int total, int succeeded, java.math.BigDecimal costUsd,
        Duration elapsed, Duration eta);
  }

  public record Options(String mode, int repeat, int concurrency, int buildsPerMonth, Scorecard.Weights weights,
      int maxIterations) {
    public Options {
      if (repeat <= 0) throw new IllegalArgumentException("--repeat must be at least 1");
      if (concurrency <= 0) throw new IllegalArgumentException("--concurrency must be at least 1");
      if (buildsPerMonth < 0) throw new IllegalArgumentException("--builds-per-month must be >= 0");
    }
  }

  private final SampleTaker taker;
  private final Options options;
  private final Progress progress;
  private final Clock clock;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile Instant stoppedAt;
  private Duration inFlightGrace = IN_FLIGHT_GRACE;

  public EvalRunner(SampleTaker taker, Options options, Progress progress, Clock clock) {
    this.taker = taker;
    this.options = options;
    this.progress = progress;
    this.clock = clock;
  }

  /** {@return this runner, giving samples in flight {@code grace} after a stop (tests use a short one)} */
  public EvalRunner inFlightGrace(Duration grace) {
    this.inFlightGrace = grace;
    return this;
  }

  /** {@return the samples of an earlier run stored in {@code samplesFile}, for {@code eval --resume}} */
  public static List<Sample> readSamples(Path samplesFile) throws IOException {
    return SampleStore.read(samplesFile);
  }

  /**
   * Asks a running {@link #run} to start no new sample; samples in flight get {@link #IN_FLIGHT_GRACE} to finish,
   * then are abandoned (they run again on resume). Safe from any thread.
   */
  public void stop() {
    if (stopping.compareAndSet(false, true)) stoppedAt = clock.instant();
  }

  /** How long samples in flight may still finish after {@link #stop()}. */
  public static final Duration IN_FLIGHT_GRACE = Duration.ofSeconds(10);

  /**
   * Runs the samples not already in {@code previous}, appending each to {@code samplesFile}, and returns the
   * report over previous and new samples.
   */
  public EvalReport run(RunInfo info, Suite suite, List<Subject> subjects, List<Sample> previous, Path samplesFile)
      throws IOException, InterruptedException {
    Set<String> done = new HashSet<>();
    List<Sample> all = Collections.synchronizedList(new ArrayList<>(previous));
    for (Sample s : previous) done.add(s.key());
    Map<String, String> unavailable = new ConcurrentHashMap<>();
    for (Sample s : previous) if (!s.available()) unavailable.put(s.subject(), String.valueOf(s.error()));

    // Interleave subjects so a partial run still compares them on the same tasks.
    List<Object[]> work = new ArrayList<>();
    for (int r = 0; r < options.repeat(); r++) {
      for (EvalTask t : suite.tasks()) {
        for (Subject s : subjects) {
          if (!done.contains(Sample.key(s.name(), t.id(), r))) work.add(new Object[] {s, t, r});
        }
      }
    }
    int total = work.size();
    Semaphore global = new Semaphore(options.concurrency());
    Map<String, Semaphore> perSubject = new HashMap<>();
    for (Subject s : subjects) perSubject.put(s.name(), new Semaphore(Math.min(s.maxConcurrent(), options.concurrency())));
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicInteger succeeded = new AtomicInteger((int) previous.stream().filter(Sample::succeeded).count());
    java.util.concurrent.atomic.AtomicReference<java.math.BigDecimal> cost = new java.util.concurrent.atomic.AtomicReference<>(
        previous.stream().map(Sample::costUsd).reduce(java.math.BigDecimal.ZERO, java.math.BigDecimal::add));
    Instant begin = clock.instant();
    IOException[] storeError = new IOException[1];

    AtomicBoolean abandoned = new AtomicBoolean();
    ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
    try (SampleStore store = new SampleStore(samplesFile)) {
      List<Future<?>> futures = new ArrayList<>();
      for (Object[] w : work) {
        Subject subject = (Subject) w[0];
        EvalTask task = (EvalTask) w[1];
        int repeat = (int) w[2];
        global.acquire();
        if (stopping.get()) {
          global.release();
          break;
        }
        futures.add(pool.submit(() -> {
          Semaphore mine = perSubject.get(subject.name());
          try {
            mine.acquire();
            try {
              if (stopping.get()) return null;
              Sample sample;
              if (unavailable.containsKey(subject.name())) {
                // The endpoint was already found unreachable: the row is marked unavailable, nothing is retried, and
                // the skipped sample counts as done (an outage is a result, not an interruption).
                skipped.incrementAndGet();
                return null;
              }
              sample = taker.take(subject, task, repeat);
              synchronized (all) {
                // A sample that finishes after the run gave up waiting is dropped: it runs again on resume.
                if (abandoned.get()) return null;
                if (!sample.available()) unavailable.putIfAbsent(subject.name(), String.valueOf(sample.error()));
                all.add(sample);
                try {
                  store.append(sample);
                } catch (IOException e) {
                  storeError[0] = e;
                  stop();
                }
              }
              int n = finished.incrementAndGet();
              if (sample.succeeded()) succeeded.incrementAndGet();
              java.math.BigDecimal c = cost.accumulateAndGet(sample.costUsd(), java.math.BigDecimal::add);
              Duration elapsed = Duration.between(begin, clock.instant());
              Duration eta = n == 0 ? Duration.ZERO : elapsed.multipliedBy(Math.max(0, total - n)).dividedBy(n);
              progress.sampleDone(sample, n, total, succeeded.get(), c, elapsed, eta);
            } finally {
              mine.release();
            }
          } finally {
            global.release();
          }
          return null;
        }));
      }
      for (Future<?> f : futures) {
        while (true) {
          try {
            f.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
            break;
          } catch (java.util.concurrent.TimeoutException e) {
            Instant stoppedAt = this.stoppedAt;
            // Ctrl-C: samples in flight get a short grace, then are abandoned so the partial report is written in
            // time; a build can take minutes and the shutdown would not wait for it.
            if (stoppedAt != null && Duration.between(stoppedAt, clock.instant()).compareTo(inFlightGrace) > 0) {
              synchronized (all) {
                abandoned.set(true);
              }
              break;
            }
          } catch (java.util.concurrent.CancellationException e) {
            break;
          } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException) break;
            if (cause instanceof RuntimeException re) throw re;
            if (cause instanceof Error err) throw err;
            throw new IllegalStateException(cause);
          }
        }
        if (abandoned.get()) break;
      }
    } finally {
      // Never wait here for abandoned samples: interrupt them and go on to the report.
      pool.shutdownNow();
    }
    synchronized (all) {
      abandoned.set(true);
      if (storeError[0] != null) throw storeError[0];
    }
    boolean partial = finished.get() + skipped.get() < total;
    List<Sample> taken;
    synchronized (all) {
      taken = new ArrayList<>(all);
    }
    return report(info, suite, subjects, taken, clock.instant(), partial, unavailable);
  }

  /** Builds the report from samples alone (also used to re-render a finished run). */
  public EvalReport report(RunInfo info, Suite suite, List<Subject> subjects, List<Sample> samples, Instant finished,
      boolean partial, Map<String, String> unavailable) {
    Map<String, List<Sample>> bySubject = new LinkedHashMap<>();
    for (Subject s : subjects) bySubject.put(s.name(), new ArrayList<>());
    for (Sample s : samples) bySubject.computeIfAbsent(s.subject(), k -> new ArrayList<>()).add(s);
    Scorecard card = new Scorecard(options.weights(), options.mode().equals("build"), options.maxIterations());
    List<SubjectMetrics> metrics = new ArrayList<>();
    List<Scorecard.Score> scores = new ArrayList<>();
    for (Subject s : subjects) {
      List<Sample> list = bySubject.get(s.name());
      SubjectMetrics m = SubjectMetrics.of(s.name(), s.simulated(), options.mode(), list, options.buildsPerMonth(),
          info.projection(), unavailable.get(s.name()));
      metrics.add(m);
      scores.add(card.score(m));
    }
    List<EvalReport.TaskRef> tasks = suite.tasks().stream().map(t -> new EvalReport.TaskRef(t.id(), t.complexity()))
        .toList();
    return new EvalReport(info, finished, partial, metrics, scores, samples, tasks);
  }
}
