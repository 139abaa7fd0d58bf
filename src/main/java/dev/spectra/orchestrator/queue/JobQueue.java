package dev.spectra.orchestrator.queue;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import dev.spectra.orchestrator.ledger.Database;
import dev.spectra.orchestrator.ledger.Ledger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The queue in the shared database: jobs are scheduled as db-scheduler executions (which a worker picks, keeps alive
 * with heartbeats, and which another worker revives when the heartbeats stop), and described in {@code queue_jobs}
 * (what was asked, who ran it, what came of it, the journal of a build).
 */
public final class JobQueue {
  /** db-scheduler's task names; the execution's instance id is the job id. */
  static final String BUILD_TASK = "orchestrator-build";
  static final String SAMPLE_TASK = "orchestrator-sample";

  private static final String COLUMNS = "id, kind, run_id, payload, status, worker, workers, attempts, submitted_at, "
      + "started_at, finished_at, outcome, result, journal_step";

  private final Database database;
  private final Clock clock;
  private final SchedulerClient client;

  private JobQueue(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
    this.client = SchedulerClient.Builder.create(database.dataSource(), QueueTasks.all(QueueTasks.UNUSED)).build();
  }

  /**
   * {@return the queue in {@code database}}
   *
   * @throws QueueException when the database is not PostgreSQL: db-scheduler does not support SQLite, and workers on
   *     other machines could not reach a file anyway
   */
  public static JobQueue in(Database database, Clock clock) {
    if (!database.shared()) {
      throw new QueueException("workers and submitted jobs need a PostgreSQL database shared by every worker: set "
          + Ledger.DB_URL_ENV + "=jdbc:postgresql://HOST:5432/DB?user=USER (the ledger in use is "
          + database.location() + ", which the job queue does not support)");
    }
    return new JobQueue(database, clock);
  }

  /** {@return whether {@code database} can hold the queue (PostgreSQL)} */
  public static boolean supported(Database database) {
    return database.shared();
  }

  /**
   * Adds a job: its row first, then the execution a worker picks up.
   *
   * @throws QueueException when a job with the same id exists
   */
  public void submit(Job job) {
    try (Connection c = database.connection();
        PreparedStatement p = c.prepareStatement("INSERT INTO queue_jobs (id, kind, run_id, payload, status, "
            + "attempts, submitted_at) VALUES (?, ?, ?, ?, ?, 0, ?)")) {
      p.setString(1, job.id());
      p.setString(2, job.kind().wire());
      p.setString(3, job.runId());
      p.setString(4, job.payload());
      p.setString(5, JobRecord.QUEUED);
      p.setLong(6, clock.millis());
      p.executeUpdate();
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) throw new QueueException("a job with id " + job.id() + " is already queued");
      throw failure("cannot queue job " + job.id(), e);
    }
    client.schedule(new TaskInstance<Void>(taskName(job.kind()), job.id()), clock.instant());
  }

  /** {@return the job with this id} */
  public Optional<JobRecord> job(String id) {
    List<JobRecord> found = select(" WHERE id = ?", id);
    return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
  }

  /** {@return the jobs of an eval run, in submission order} */
  public List<JobRecord> jobsOfRun(String runId) {
    return select(" WHERE run_id = ? ORDER BY submitted_at, id", runId);
  }

  /** {@return the newest build jobs, newest first} */
  public List<JobRecord> builds(int limit) {
    return select(" WHERE kind = ? ORDER BY submitted_at DESC LIMIT " + Math.max(1, limit), Job.Kind.BUILD.wire());
  }

  /**
   * What the queue holds now, for {@code doctor}.
   *
   * @param queued jobs waiting for a worker
   * @param running jobs a worker holds
   * @param workers the workers holding them, by name
   */
  public record Summary(int queued, int running, List<String> workers) {
    public Summary {
      workers = List.copyOf(workers);
    }
  }

  /** {@return how many jobs wait and run, and which workers run them} */
  public Summary summary() {
    int queued = 0;
    int running = 0;
    java.util.TreeSet<String> workers = new java.util.TreeSet<>();
    try (Connection c = database.connection();
        PreparedStatement p = c.prepareStatement("SELECT status, worker, COUNT(*) FROM queue_jobs WHERE status IN (?, ?) "
            + "GROUP BY status, worker")) {
      p.setString(1, JobRecord.QUEUED);
      p.setString(2, JobRecord.RUNNING);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          if (JobRecord.QUEUED.equals(rs.getString(1))) {
            queued += rs.getInt(3);
          } else {
            running += rs.getInt(3);
            if (rs.getString(2) != null) workers.add(rs.getString(2));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("cannot read the job queue", e);
    }
    return new Summary(queued, running, new ArrayList<>(workers));
  }

  /** Records that {@code worker} starts the job (again). */
  void claimed(String id, String worker) {
    update("UPDATE queue_jobs SET status = ?, worker = ?, workers = CASE WHEN workers IS NULL THEN ? ELSE workers "
        + "|| ',' || ? END, attempts = attempts + 1, started_at = ? WHERE id = ?", JobRecord.RUNNING, worker, worker,
        worker, clock.millis(), id);
  }

  /** Records how a job ended. */
  void ended(String id, String status, String outcome, String result) {
    update("UPDATE queue_jobs SET status = ?, outcome = ?, result = ?, finished_at = ? WHERE id = ?", status, outcome,
        result, clock.millis(), id);
  }

  /** Puts a job back as waiting: a stopping worker gave it up. */
  void released(String id) {
    update("UPDATE queue_jobs SET status = ? WHERE id = ?", JobRecord.QUEUED, id);
  }

  /**
   * Keeps a build's journal (its staging directory after {@code step}) in the database, replacing the one before.
   *
   * @param archive from {@link JournalArchive#capture}
   */
  public void keepJournal(String id, String step, String archive) {
    update("UPDATE queue_jobs SET journal = ?, journal_step = ? WHERE id = ?", archive, step, id);
  }

  /** {@return the journal last kept for the job, from {@link JournalArchive#capture}} */
  public Optional<String> journal(String id) {
    try (Connection c = database.connection();
        PreparedStatement p = c.prepareStatement("SELECT journal FROM queue_jobs WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw failure("cannot read the journal of job " + id, e);
    }
  }

  static String taskName(Job.Kind kind) {
    return kind == Job.Kind.BUILD ? BUILD_TASK : SAMPLE_TASK;
  }

  private void update(String sql, Object... args) {
    try (Connection c = database.connection(); PreparedStatement p = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        Object a = args[i];
        if (a == null) p.setNull(i + 1, Types.VARCHAR);
        else if (a instanceof Long l) p.setLong(i + 1, l);
        else p.setString(i + 1, a.toString());
      }
      p.executeUpdate();
    } catch (SQLException e) {
      throw failure("cannot update the job queue", e);
    }
  }

  private List<JobRecord> select(String where, String arg) {
    try (Connection c = database.connection();
        PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM queue_jobs" + where)) {
      p.setString(1, arg);
      List<JobRecord> out = new ArrayList<>();
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String workers = rs.getString(7);
          out.add(new JobRecord(rs.getString(1), Job.Kind.fromWire(rs.getString(2)), rs.getString(3),
              rs.getString(4), rs.getString(5), rs.getString(6),
              workers == null ? List.of() : Arrays.asList(workers.split(",")), rs.getInt(8), instant(rs, 9),
              instant(rs, 10), instant(rs, 11), rs.getString(12), rs.getString(13), rs.getString(14)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("cannot read the job queue", e);
    }
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private QueueException failure(String what, SQLException e) {
    return new QueueException(what + " in " + database.location() + ": " + e.getMessage(), e);
  }
}
