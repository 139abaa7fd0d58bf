package dev.spectra.orchestrator.model.provider;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Wakes the reader of an exchange whose deadline has passed, so readers can wait without a timer of their own. A timed
 * wait on a virtual thread schedules a timer task, wakes the timer thread to do it, and cancels the task when the
 * answer comes: on every call, for deadlines of seconds that a short answer never reaches. One thread here looks at
 * the open exchanges every {@link #TICK} instead, and only while there are any; a timeout is reported at most one
 * tick late.
 */
final class DeadlineWatch implements AutoCloseable {
  static final Duration TICK = Duration.ofMillis(5);
  /** How long the thread keeps ticking with nothing open before it sleeps until the next exchange. */
  private static final long IDLE_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

  private final Set<BodyQueue> open = ConcurrentHashMap.newKeySet();
  private final Thread thread;
  private volatile boolean idle;
  private volatile boolean closed;

  DeadlineWatch() {
    // A daemon: an exchange left open never keeps the JVM alive.
    this.thread = Thread.ofPlatform().daemon().name("exchange-deadlines").unstarted(this::loop);
  }

  /**
   * Watches {@code body} until {@link #forget}; starts the thread on first use.
   *
   * @return false once closed: nothing watches any more, so the caller must time its own waits
   */
  boolean watch(BodyQueue body) {
    if (closed) return false;
    open.add(body);
    if (thread.getState() == Thread.State.NEW) {
      synchronized (this) {
        if (thread.getState() == Thread.State.NEW) thread.start();
      }
    }
    // Only a sleeping thread is woken: while exchanges keep coming, adding one costs no wake-up.
    if (idle) LockSupport.unpark(thread);
    return true;
  }

  void forget(BodyQueue body) {
    open.remove(body);
  }

  private void loop() {
    long emptySince = System.nanoTime();
    while (!closed) {
      if (open.isEmpty()) {
        if (System.nanoTime() - emptySince >= IDLE_AFTER_NANOS) {
          idle = true;
          // Checked again after saying so: an exchange added before that point is seen here, one added after it
          // sees the flag and wakes us.
          if (open.isEmpty() && !closed) LockSupport.park(this);
          idle = false;
          emptySince = System.nanoTime();
          continue;
        }
      } else {
        emptySince = System.nanoTime();
      }
      LockSupport.parkNanos(this, TICK.toNanos());
      long now = System.nanoTime();
      for (BodyQueue body : open) body.wakeIfDue(now);
    }
  }

  @Override public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
