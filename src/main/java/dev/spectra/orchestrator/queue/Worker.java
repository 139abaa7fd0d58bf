package dev.spectra.orchestrator.queue;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.ExecutionHandler;
import dev.spectra.orchestrator.ledger.Database;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Claims jobs from the queue and runs them with the handler of their kind, {@code concurrency} at a time. A job
 * stays claimed while this worker's heartbeats reach the database; when they stop (the process was killed), any
 * other worker revives it after {@code heartbeat × missedHeartbeats}. {@link #stop} drains: nothing new is claimed,
 * running jobs get {@code drain} to finish, then are interrupted and released to the queue.
 */
public final class Worker implements AutoCloseable {
  /**
   * How a worker runs.
   *
   * @param id the worker's name in the queue and in reports (default: hostname-pid)
   * @param heartbeat how often the worker tells the database it is alive
   * @param missedHeartbeats heartbeats missed before another worker takes the job over (at least 4, db-scheduler's
   *     lower bound)
   * @param polling how often the worker looks for new jobs
   * @param drain how long running jobs may still finish after {@link #stop}
   */
  public record Settings(String id, int concurrency, Duration heartbeat, int missedHeartbeats, Duration polling,
      Duration drain) {
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    public static final int DEFAULT_MISSED_HEARTBEATS = 6;
    public static final Duration DEFAULT_POLLING = Duration.ofSeconds(2);
    public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(10);

    public Settings {
      Objects.requireNonNull(id, "id");
      if (id.isBlank() || id.length() > 200) throw new IllegalArgumentException("--id must be 1 to 200 characters");
      if (concurrency < 1) throw new IllegalArgumentException("--concurrency must be at least 1, got " + concurrency);
      if (missedHeartbeats < 4) {
        throw new IllegalArgumentException("--missed-heartbeats must be at least 4, got " + missedHeartbeats);
      }
      if (heartbeat.isNegative() || heartbeat.isZero()) throw new IllegalArgumentException("--heartbeat must be > 0");
      if (polling.isNegative() || polling.isZero()) throw new IllegalArgumentException("--poll must be > 0");
      if (drain.isNegative()) throw new IllegalArgumentException("--drain must be >= 0");
    }

    /** {@return how long after its last heartbeat a job is taken over by another worker} */
    public Duration deadAfter() {
      return heartbeat.multipliedBy(missedHeartbeats);
    }
  }

  /** Runs one job. */
  @FunctionalInterface
  public interface Handler {
    /**
     * @param job what to run
     * @param before the job as it was before this worker claimed it: {@code attempts() > 0} means an earlier worker
     *     started it (resume, do not restart)
     * @throws InterruptedException when the worker is stopping and the job was given up: it goes back to the queue
     */
    Outcome run(Job job, JobRecord before, Worker worker) throws InterruptedException;
  }

  /** How running a job ended. */
  public sealed interface Outcome {
    /** The job ran to an outcome (a failed build is one); {@code result} is JSON or null. */
    record Done(String outcome, String result) implements Outcome {}

    /** The job could not be run at all (bad payload, broken setup); it is not tried again. */
    record Failed(String message) implements Outcome {}

    /** The worker gave the job up (it is stopping); another worker continues it. */
    record Released(String reason) implements Outcome {}
  }

  /** Hears what the worker does, for progress. */
  public interface Listener {
    void claimed(JobRecord job, int attempt);

    void ended(JobRecord job, Outcome outcome, Duration elapsed);
  }

  private final JobQueue queue;
  private final Settings settings;
  private final Map<Job.Kind, Handler> handlers;
  private final Listener listener;
  private final Clock clock;
  private final Scheduler scheduler;
  private final AtomicBoolean stopping = new AtomicBoolean();
  /** Threads running a job now, until its completion is written: drained by {@link #stop}. */
  private final Set<Thread> running = ConcurrentHashMap.newKeySet();
  private final Object drained = new Object();

  public Worker(Database database, JobQueue queue, Settings settings, Map<Job.Kind, Handler> handlers,
      Listener listener, Clock clock) {
    this.queue = queue;
    this.settings = settings;
    this.handlers = Map.copyOf(handlers);
    this.listener = listener;
    this.clock = clock;
    ExecutionHandler<Void> run = (instance, context) -> runJob(instance.getId());
    this.scheduler = Scheduler.create(database.dataSource(), QueueTasks.all(run))
        .schedulerName(new SchedulerName.Fixed(settings.id()))
        .threads(settings.concurrency())
        .pollingInterval(settings.polling())
        .heartbeatInterval(settings.heartbeat())
        .missedHeartbeatsLimit(settings.missedHeartbeats())
        // stop() drains the jobs itself; the scheduler then has nothing left to wait for.
        .shutdownMaxWait(Duration.ofSeconds(5))
        .build();
  }

  /** Starts claiming jobs. */
  public void start() {
    scheduler.start();
  }

  /** {@return this worker's settings} */
  public Settings settings() {
    return settings;
  }

  /** {@return whether {@link #stop} was called: a job that ends now because it was interrupted is released} */
  public boolean stopping() {
    return stopping.get();
  }

  /**
   * Claims nothing more; waits up to {@code drain} for running jobs, then interrupts them (their handlers release
   * them to the queue) and waits for that to be written.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) return;
    scheduler.pause();
    try {
      if (!awaitIdle(settings.drain())) {
        for (Thread t : running) t.interrupt();
        awaitIdle(RELEASE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    scheduler.stop();
  }

  /** How long interrupted jobs get to record that they were released. */
  private static final Duration RELEASE_WAIT = Duration.ofSeconds(30);

  private boolean awaitIdle(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (drained) {
      while (!running.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        drained.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }

  private void done(Thread t) {
    synchronized (drained) {
      running.remove(t);
      drained.notifyAll();
    }
  }

  @Override public void close() {
    stop();
  }

  private CompletionHandler<Void> runJob(String id) {
    Thread self = Thread.currentThread();
    running.add(self);
    boolean handedOver = false;
    try {
      CompletionHandler<Void> completion = runJob(id, self);
      handedOver = true;
      // The job counts as running until its completion (remove, or put back in the queue) is written.
      return (complete, ops) -> {
        try {
          completion.complete(complete, ops);
        } finally {
          done(self);
        }
      };
    } finally {
      if (!handedOver) done(self);
    }
  }

  private CompletionHandler<Void> runJob(String id, Thread self) {
    // A job claimed while the worker began to stop is put back at once.
    if (stopping.get()) return (complete, ops) -> ops.reschedule(complete, clock.instant());
    Optional<JobRecord> found = queue.job(id);
    // A job without its row (removed by hand) or already ended (a revived execution of a job that finished just
    // before its worker died) has nothing left to run.
    if (found.isEmpty() || found.get().ended()) return (complete, ops) -> ops.remove();
    JobRecord before = found.get();
    Handler handler = handlers.get(before.kind());
    if (handler == null) {
      // Another worker handles this kind: put it back for it, a little later so this worker does not spin on it.
      return (complete, ops) -> ops.reschedule(complete, clock.instant().plus(settings.polling()));
    }
    queue.claimed(id, settings.id());
    listener.claimed(before, before.attempts() + 1);
    Instant start = clock.instant();
    Outcome outcome;
    try {
      outcome = handler.run(new Job(before.id(), before.kind(), before.runId(), before.payload()), before, this);
    } catch (InterruptedException e) {
      outcome = new Outcome.Released("the worker stopped");
    } catch (RuntimeException e) {
      outcome = new Outcome.Failed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
    // The queue is written below: an interruption meant for the job must not fail those statements.
    Thread.interrupted();
    if (outcome instanceof Outcome.Released && !stopping.get()) {
      // Only a stopping worker gives jobs up; anything else that ends a job early is its outcome.
      outcome = new Outcome.Failed("interrupted");
    }
    Duration elapsed = Duration.between(start, clock.instant());
    Outcome ended = outcome;
    switch (outcome) {
      case Outcome.Done d -> queue.ended(id, JobRecord.DONE, d.outcome(), d.result());
      case Outcome.Failed f -> queue.ended(id, JobRecord.FAILED, "error", f.message());
      case Outcome.Released r -> queue.released(id);
    }
    listener.ended(before, ended, elapsed);
    if (outcome instanceof Outcome.Released) return (complete, ops) -> ops.reschedule(complete, clock.instant());
    return (complete, ops) -> ops.remove();
  }
}
