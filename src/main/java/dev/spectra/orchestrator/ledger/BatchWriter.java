package dev.spectra.orchestrator.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Owns the ledger's one connection on one thread. Writes queue up and are committed in batches (one transaction
 * per batch: a crash loses at most the uncommitted batch, never leaves half a row); reads queue behind the writes
 * before them, so a caller always reads its own writes. Callers never wait for a write: recording a call costs a
 * queue insertion.
 */
final class BatchWriter implements AutoCloseable {
  /** Most rows per transaction: large enough to amortise the commit, small enough to keep the lock short. */
  private static final int MAX_BATCH = 512;
  /**
   * How long the idle writer sleeps before looking at the queue again. Writers do not wake it (a wake-up costs the
   * calling thread more than the insertion); reads, flushes, close and a full batch do.
   */
  private static final long IDLE_PARK_NANOS = 2_000_000;

  @FunctionalInterface interface Write { void apply(Connection c, Statements st) throws SQLException; }

  /** Prepared statements reused across writes (preparing costs more than executing a one-row insert). */
  static final class Statements {
    private final Connection connection;
    private final java.util.Map<String, java.sql.PreparedStatement> cache = new java.util.HashMap<>();

    Statements(Connection connection) { this.connection = connection; }

    java.sql.PreparedStatement get(String sql) throws SQLException {
      java.sql.PreparedStatement p = cache.get(sql);
      if (p == null) {
        p = connection.prepareStatement(sql);
        cache.put(sql, p);
      }
      return p;
    }

    void close() {
      for (var p : cache.values()) {
        try {
          p.close();
        } catch (SQLException ignored) {
          // Closing the connection follows.
        }
      }
      cache.clear();
    }
  }
  @FunctionalInterface interface Read<T> { T apply(Connection c) throws SQLException; }

  private sealed interface Op {}
  private record WriteOp(Write write) implements Op {}
  private record ReadOp(Read<?> read, CompletableFuture<Object> result) implements Op {}
  private record StopOp() implements Op {}

  private final Connection connection;
  private final Statements statements;
  private final String where;
  private final Queue<Op> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final Thread thread;
  private final AtomicInteger failedWrites = new AtomicInteger();
  private volatile SQLException firstFailure;
  private volatile boolean closed;

  BatchWriter(Connection connection, String where) {
    this.connection = connection;
    this.statements = new Statements(connection);
    this.where = where;
    // A daemon so a caller that forgets close() cannot hang the JVM; commands close it (and a shutdown hook does).
    this.thread = Thread.ofPlatform().daemon().name("ledger-writer").start(this::loop);
  }

  void write(Write write) {
    if (closed) throw new LedgerException("ledger " + where + " is closed; nothing more can be recorded");
    queue.add(new WriteOp(write));
    if (queued.incrementAndGet() >= MAX_BATCH) LockSupport.unpark(thread);
  }

  @SuppressWarnings("unchecked")
  <T> T read(Read<T> read) {
    if (closed) throw new LedgerException("ledger " + where + " is closed");
    CompletableFuture<Object> result = new CompletableFuture<>();
    queue.add(new ReadOp(read, result));
    queued.incrementAndGet();
    LockSupport.unpark(thread);
    try {
      return (T) result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LedgerException("interrupted while reading ledger " + where, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LedgerException le) throw le;
      throw new LedgerException("cannot read ledger " + where + ": " + cause.getMessage(), cause);
    }
  }

  /** Waits until every write queued so far is committed. */
  void flush() {
    read(c -> null);
  }

  int failedWrites() { return failedWrites.get(); }

  private void loop() {
    List<Op> batch = new ArrayList<>(MAX_BATCH);
    List<Write> pending = new ArrayList<>(MAX_BATCH);
    boolean stop = false;
    while (!stop) {
      batch.clear();
      Op next;
      while (batch.size() < MAX_BATCH && (next = queue.poll()) != null) batch.add(next);
      if (batch.isEmpty()) {
        LockSupport.parkNanos(this, IDLE_PARK_NANOS);
        // Only close() stops us: an interrupt from elsewhere must not drop queued rows.
        Thread.interrupted();
        continue;
      }
      queued.addAndGet(-batch.size());
      for (Op op : batch) {
        switch (op) {
          case WriteOp w -> pending.add(w.write());
          case ReadOp r -> {
            commit(pending);
            try {
              r.result().complete(r.read().apply(connection));
            } catch (SQLException | RuntimeException e) {
              r.result().completeExceptionally(e);
            }
          }
          case StopOp s -> stop = true;
        }
      }
      commit(pending);
    }
    statements.close();
  }

  private void commit(List<Write> pending) {
    if (pending.isEmpty()) return;
    try {
      applyInTransaction(pending);
    } catch (SQLException batchFailure) {
      // One bad row must not cost the others: replay one by one, each in its own transaction.
      for (Write w : pending) {
        try {
          applyInTransaction(List.of(w));
        } catch (SQLException e) {
          failedWrites.incrementAndGet();
          if (firstFailure == null) firstFailure = e;
        }
      }
    } finally {
      pending.clear();
    }
  }

  private void applyInTransaction(List<Write> writes) throws SQLException {
    connection.setAutoCommit(false);
    try {
      for (Write w : writes) w.apply(connection, statements);
      connection.commit();
    } catch (SQLException | RuntimeException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // The original failure is the one worth reporting.
      }
      if (e instanceof SQLException se) throw se;
      throw new SQLException(e);
    } finally {
      // Reads run outside any transaction, so PostgreSQL never holds one open between batches.
      connection.setAutoCommit(true);
    }
  }

  /** Commits everything queued, stops the thread and closes the connection. Safe to call twice. */
  @Override public void close() {
    if (closed) return;
    closed = true;
    queue.add(new StopOp());
    LockSupport.unpark(thread);
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;  // keep waiting: returning early would lose rows
      }
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Everything is committed; a failing close has nothing left to lose.
    }
    if (interrupted) Thread.currentThread().interrupt();
    if (failedWrites.get() > 0) {
      throw new LedgerException(failedWrites.get() + " ledger row(s) could not be written to " + where + ": "
          + (firstFailure == null ? "unknown error" : firstFailure.getMessage()), firstFailure);
    }
  }
}
