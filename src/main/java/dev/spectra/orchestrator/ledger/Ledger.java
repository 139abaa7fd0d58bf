package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The record of every model call, build and build step: what was asked, which model served, what it cost and
 * what it saved. Embedded SQLite by default ({@code $XDG_DATA_HOME/orchestrator/ledger.db}); any JDBC URL in
 * {@code ORCHESTRATOR_DB_URL} instead (the SQL is portable to PostgreSQL). Which one is the application's choice.
 *
 * <p>Writes are asynchronous (one writer thread, batched transactions): recording costs the caller a queue
 * insertion. Reads see every write made before them. {@link #close()} commits everything queued; a shutdown
 * hook that calls it keeps rows on Ctrl-C. Thread-safe.
 */
public final class Ledger implements AutoCloseable {
  /** Environment variable holding a JDBC URL that replaces the default SQLite file. */
  public static final String DB_URL_ENV = "ORCHESTRATOR_DB_URL";

  static final String CALL_COLUMNS = "id, started_at, request_id, build_id, step, requested_as, route, tier, "
      + "model, served_model_id, local_model, tokens_in, tokens_out, tokens_estimated, ttft_ms, latency_ms, outcome, "
      + "failure_type, failure_message, decision, json_stage, repairs, reasks, cost_usd, saved_usd, catalog_version, key_id";
  private static final String BUILD_COLUMNS = "id, kind, request, started_at, finished_at, outcome, out_dir, "
      + "staging_dir, calls, tokens_in, tokens_out, cost_usd, saved_usd";

  private static final String INSERT_CALL = "INSERT INTO calls (" + CALL_COLUMNS + ") VALUES "
      + "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private final String where;
  private final Clock clock;
  private final BatchWriter writer;
  private final Database database;
  private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<CallRecord>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private Ledger(String where, Clock clock, BatchWriter writer, Database database) {
    this.where = where;
    this.clock = clock;
    this.writer = writer;
    this.database = database;
  }

  /** Opens (creating when absent) a SQLite ledger file. An existing file that is not a ledger is never replaced. */
  public static Ledger openFile(Path file, Clock clock) {
    Path abs = file.toAbsolutePath().normalize();
    if (Files.isDirectory(abs)) {
      throw new LedgerException("ledger file " + abs + " is a directory; point " + DB_URL_ENV
          + " at a file (jdbc:sqlite:/path/ledger.db)");
    }
    try {
      Files.createDirectories(abs.getParent());
    } catch (java.io.IOException e) {
      throw new LedgerException("cannot create the directory of ledger file " + abs + ": " + e.getMessage(), e);
    }
    return open("jdbc:sqlite:" + abs, clock);
  }

  /** Opens a ledger at a JDBC URL and brings its schema up to date. */
  public static Ledger open(String jdbcUrl, Clock clock) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Database db = Database.open(jdbcUrl);
    Connection c;
    try {
      c = DriverManager.getConnection(jdbcUrl);
      db.dialect().onOpen(c);
    } catch (SQLException e) {
      db.close();
      throw failure(db.location(), "cannot open", e);
    }
    return new Ledger(db.location(), clock, new BatchWriter(c, db.location()), db);
  }

  /**
   * {@return the database under this ledger, for what must be shared synchronously across processes: gateway
   * keys, budget reservations, rate limits}
   */
  public Database database() { return database; }

  /** {@return where the ledger lives, for messages: a file path or a URL without credentials} */
  public String location() { return where; }

  // ---- writes (asynchronous) ----

  /** Queues one call row. Returns at once. */
  public void record(CallRecord call) {
    Objects.requireNonNull(call, "call");
    writer.write((c, st) -> {
      PreparedStatement p = st.get(INSERT_CALL);
      {
        int i = 1;
        p.setString(i++, call.id());
        p.setLong(i++, call.started().toEpochMilli());
        p.setString(i++, call.requestId());
        p.setString(i++, call.buildId());
        p.setString(i++, call.step());
        p.setString(i++, call.requestedAs());
        p.setString(i++, call.route());
        p.setInt(i++, call.tier());
        p.setString(i++, call.model());
        p.setString(i++, call.servedModelId());
        p.setInt(i++, call.local() ? 1 : 0);
        p.setInt(i++, call.tokensIn());
        p.setInt(i++, call.tokensOut());
        p.setInt(i++, call.estimated() ? 1 : 0);
        setMillis(p, i++, call.timeToFirstToken());
        setMillis(p, i++, call.latency());
        p.setString(i++, call.outcome());
        p.setString(i++, call.failureType());
        p.setString(i++, clip(call.failureMessage(), 1000));
        p.setString(i++, call.decision());
        p.setString(i++, call.jsonStage());
        p.setString(i++, clipList(call.repairs(), 1000));
        p.setInt(i++, call.reasks());
        p.setString(i++, call.cost() == null ? null : call.cost().usd().toPlainString());
        p.setString(i++, call.saved().usd().toPlainString());
        p.setString(i++, call.catalogVersion());
        p.setString(i, call.keyId());
        p.executeUpdate();
      }
      DailyFigures.add(call, st.get(DailyFigures.UPSERT_FIGURES), st.get(DailyFigures.UPSERT_BUILD));
    });
    for (var l : listeners) l.accept(call);
  }

  /**
   * Tells {@code listener} about every call recorded by this process from now on, on the recording thread, as it is
   * queued: a live view stays current without reading the database. The listener must return at once.
   */
  public void addCallListener(java.util.function.Consumer<CallRecord> listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public void removeCallListener(java.util.function.Consumer<CallRecord> listener) {
    listeners.remove(listener);
  }

  /** Records that a build started. Ids are chosen by the caller and must be unique. */
  public void buildStarted(String id, BuildRecord.Kind kind, String request, Path outDir, Path stagingDir) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    long now = clock.millis();
    writer.write((c, st) -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO builds (id, kind, request, started_at, out_dir, staging_dir) VALUES (?, ?, ?, ?, ?, ?)")) {
        p.setString(1, id);
        p.setString(2, kind.wire());
        p.setString(3, request);
        p.setLong(4, now);
        p.setString(5, outDir == null ? null : outDir.toString());
        p.setString(6, stagingDir == null ? null : stagingDir.toString());
        p.executeUpdate();
      }
    });
  }

  public void buildStarted(String id, BuildRecord.Kind kind, String request) {
    buildStarted(id, kind, request, null, null);
  }

  /**
   * Records how a build ended and stores its totals, summed from its calls.
   *
   * @param outcome e.g. {@code verified}, {@code failed}, {@code interrupted}
   * @param outDir where the result was moved, or {@code null} to keep what {@link #buildStarted} said
   */
  public void buildFinished(String id, String outcome, Path outDir) {
    Objects.requireNonNull(id, "id");
    long now = clock.millis();
    writer.write((c, st) -> {
      Totals t = totals(c, id);
      try (PreparedStatement p = c.prepareStatement("UPDATE builds SET finished_at = ?, outcome = ?, "
          + "out_dir = COALESCE(?, out_dir), calls = ?, tokens_in = ?, tokens_out = ?, cost_usd = ?, saved_usd = ? "
          + "WHERE id = ?")) {
        p.setLong(1, now);
        p.setString(2, outcome);
        p.setString(3, outDir == null ? null : outDir.toString());
        p.setInt(4, t.calls);
        p.setLong(5, t.tokensIn);
        p.setLong(6, t.tokensOut);
        p.setString(7, t.cost.usd().toPlainString());
        p.setString(8, t.saved.usd().toPlainString());
        p.setString(9, id);
        p.executeUpdate();
      }
    });
  }

  public void buildFinished(String id, String outcome) {
    buildFinished(id, outcome, null);
  }

  /** Records that a step started (again, after a resume: the row is reset). */
  public void stepStarted(String buildId, String step) {
    long now = clock.millis();
    writer.write((c, st) -> {
      // ON CONFLICT ... DO UPDATE is understood by SQLite (3.24+) and PostgreSQL (9.5+) alike.
      // seq orders steps even when the clock does not move; a re-run step moves to the end.
      try (PreparedStatement p = c.prepareStatement("INSERT INTO steps (build_id, step, seq, status, started_at) "
          + "VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE build_id = ?), ?, ?) "
          + "ON CONFLICT (build_id, step) DO UPDATE SET seq = excluded.seq, status = excluded.status, "
          + "started_at = excluded.started_at, finished_at = NULL, detail = NULL")) {
        p.setString(1, buildId);
        p.setString(2, step);
        p.setString(3, buildId);
        p.setString(4, StepRecord.RUNNING);
        p.setLong(5, now);
        p.executeUpdate();
      }
    });
  }

  /**
   * Records how a step ended. A step never started is recorded as started now.
   *
   * @param status {@link StepRecord#DONE}, {@link StepRecord#FAILED} or {@link StepRecord#SKIPPED}
   * @param detailJson JSON the step wants kept, or {@code null}
   */
  public void stepFinished(String buildId, String step, String status, String detailJson) {
    long now = clock.millis();
    writer.write((c, st) -> {
      try (PreparedStatement p = c.prepareStatement("INSERT INTO steps (build_id, step, seq, status, started_at, "
          + "finished_at, detail) VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM steps WHERE build_id = ?), "
          + "?, ?, ?, ?) ON CONFLICT (build_id, step) DO UPDATE SET "
          + "status = excluded.status, finished_at = excluded.finished_at, detail = excluded.detail")) {
        p.setString(1, buildId);
        p.setString(2, step);
        p.setString(3, buildId);
        p.setString(4, status);
        p.setLong(5, now);
        p.setLong(6, now);
        p.setString(7, detailJson);
        p.executeUpdate();
      }
    });
  }

  // ---- reads (see every write queued before them) ----

  /** {@return the last step (in start order) of a build that finished {@code done}, for resume} */
  public Optional<String> lastCompletedStep(String buildId) {
    List<StepRecord> done = steps(buildId).stream().filter(s -> StepRecord.DONE.equals(s.status())).toList();
    return done.isEmpty() ? Optional.empty() : Optional.of(done.get(done.size() - 1).step());
  }

  /** {@return a build's steps in the order they (last) started} */
  public List<StepRecord> steps(String buildId) {
    return writer.read(c -> {
      List<StepRecord> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT build_id, step, status, started_at, finished_at, detail "
          + "FROM steps WHERE build_id = ? ORDER BY seq")) {
        p.setString(1, buildId);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(new StepRecord(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4),
                instant(rs, 5), rs.getString(6)));
          }
        }
      }
      return out;
    });
  }

  public Optional<BuildRecord> build(String id) {
    return builds(new BuildFilter(null, null, id, false, 1)).stream().findFirst();
  }

  /** {@return builds matching the filter, newest first; totals of unfinished builds are summed live} */
  public List<BuildRecord> builds(BuildFilter filter) {
    return writer.read(c -> {
      StringBuilder sql = new StringBuilder("SELECT " + BUILD_COLUMNS + " FROM builds WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      if (filter.kind() != null) { sql.append(" AND kind = ?"); args.add(filter.kind().wire()); }
      if (filter.since() != null) { sql.append(" AND started_at >= ?"); args.add(filter.since().toEpochMilli()); }
      if (filter.id() != null) { sql.append(" AND id = ?"); args.add(filter.id()); }
      if (filter.unfinishedOnly()) sql.append(" AND finished_at IS NULL");
      sql.append(" ORDER BY started_at DESC LIMIT ?");
      args.add(filter.limit());
      List<BuildRecord> out = new ArrayList<>();
      try (PreparedStatement p = LedgerQueries.prepare(c, sql.toString(), args); ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          String id = rs.getString(1);
          Instant finished = instant(rs, 5);
          Totals t = finished == null
              ? null
              : new Totals(rs.getInt(9), rs.getLong(10), rs.getLong(11), money(rs.getString(12)),
                  money(rs.getString(13)));
          out.add(new BuildRecord(id, BuildRecord.Kind.fromWire(rs.getString(2)), rs.getString(3), instant(rs, 4),
              finished, rs.getString(6), rs.getString(7), rs.getString(8), t == null ? -1 : t.calls,
              t == null ? 0 : t.tokensIn, t == null ? 0 : t.tokensOut, t == null ? null : t.cost,
              t == null ? null : t.saved));
        }
      }
      // Unfinished builds (running, or crashed): sum their calls now.
      List<BuildRecord> withTotals = new ArrayList<>(out.size());
      for (BuildRecord b : out) {
        if (b.calls() >= 0) { withTotals.add(b); continue; }
        Totals t = totals(c, b.id());
        withTotals.add(new BuildRecord(b.id(), b.kind(), b.request(), b.started(), b.finished(), b.outcome(),
            b.outDir(), b.stagingDir(), t.calls, t.tokensIn, t.tokensOut, t.cost, t.saved));
      }
      return withTotals;
    });
  }

  /** {@return calls matching the filter, newest first} */
  public List<CallRecord> calls(CallFilter filter) {
    return writer.read(c -> {
      StringBuilder sql = new StringBuilder("SELECT " + CALL_COLUMNS + " FROM calls WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      if (filter.model() != null) {
        sql.append(" AND (model = ? OR requested_as = ?)");
        args.add(filter.model());
        args.add(filter.model());
      }
      if (filter.buildId() != null) {
        sql.append(" AND " + BUILD_OR_PARTS);
        args.add(filter.buildId());
        args.add(partsPattern(filter.buildId()));
      }
      if (filter.requestId() != null) { sql.append(" AND request_id = ?"); args.add(filter.requestId()); }
      if (filter.failedOnly()) sql.append(" AND outcome <> 'ok'");
      if (filter.since() != null) { sql.append(" AND started_at >= ?"); args.add(filter.since().toEpochMilli()); }
      sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
      args.add(filter.limit());
      List<CallRecord> out = new ArrayList<>();
      try (PreparedStatement p = LedgerQueries.prepare(c, sql.toString(), args); ResultSet rs = p.executeQuery()) {
        while (rs.next()) out.add(call(rs));
      }
      return out;
    });
  }

  /** {@return the sum of priced call costs since {@code since}} */
  public Money spentSince(Instant since) {
    return writer.read(c -> {
      Money sum = Money.ZERO;
      try (PreparedStatement p = c.prepareStatement(
          "SELECT cost_usd FROM calls WHERE started_at >= ? AND cost_usd IS NOT NULL")) {
        p.setLong(1, since.toEpochMilli());
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) sum = sum.plus(money(rs.getString(1)));
        }
      }
      return sum;
    });
  }

  /**
   * {@return per model, the calls that were made since {@code since} and how many failed} Skipped attempts
   * (circuit open, budget) are not counted: they say nothing about the model.
   */
  public Map<String, Health> health(Instant since) {
    return writer.read(c -> {
      Map<String, Health> out = new LinkedHashMap<>();
      try (PreparedStatement p = c.prepareStatement(
          "SELECT model, outcome, COUNT(*) FROM calls WHERE started_at >= ? AND outcome <> 'skipped' "
              + "GROUP BY model, outcome")) {
        p.setLong(1, since.toEpochMilli());
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            Health h = out.getOrDefault(rs.getString(1), new Health(0, 0));
            int n = rs.getInt(3);
            out.put(rs.getString(1), "ok".equals(rs.getString(2))
                ? new Health(h.calls() + n, h.failures()) : new Health(h.calls() + n, h.failures() + n));
          }
        }
      }
      return out;
    });
  }

  /** {@return statistics over the calls since {@code since}, with projections for {@code buildsPerMonth}} */
  public LedgerStats stats(Instant since, int buildsPerMonth) {
    return stats(since, buildsPerMonth, null);
  }

  /**
   * {@return statistics over the calls since {@code since} of one build and its parts (an eval run and its
   * samples), or of every call when {@code buildId} is null}
   */
  public LedgerStats stats(Instant since, int buildsPerMonth, String buildId) {
    Instant now = clock.instant();
    ZonedDateTime utc = now.atZone(ZoneOffset.UTC);
    Instant monthStart = utc.withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
    List<CallRecord> all = calls(new CallFilter(null, buildId, null, false, since, Integer.MAX_VALUE));
    Money monthToDate = spentSince(monthStart);
    return StatsCalculator.compute(all, since, now, monthStart, monthToDate, buildsPerMonth);
  }

  /** Waits until every queued write is committed. */
  public void flush() { writer.flush(); }

  /**
   * Commits every queued write and closes the database. Safe to call twice.
   *
   * @throws LedgerException when some rows could not be written (the message says how many and why)
   */
  @Override public void close() {
    try {
      writer.close();
    } finally {
      database.close();
    }
  }

  // ---- filters and small values ----

  /**
   * Which calls to list. Null fields match everything.
   *
   * @param model a catalog model name or the name it was requested as (a policy)
   */
  public record CallFilter(String model, String buildId, String requestId, boolean failedOnly, Instant since,
      int limit) {
    public CallFilter {
      if (limit <= 0) throw new IllegalArgumentException("limit must be > 0, got " + limit);
    }

    public static CallFilter latest(int limit) { return new CallFilter(null, null, null, false, null, limit); }
  }

  /** Which builds to list. Null fields match everything. */
  public record BuildFilter(BuildRecord.Kind kind, Instant since, String id, boolean unfinishedOnly, int limit) {
    public BuildFilter {
      if (limit <= 0) throw new IllegalArgumentException("limit must be > 0, got " + limit);
    }

    public static BuildFilter latest(int limit) { return new BuildFilter(null, null, null, false, limit); }
  }

  /** Calls made and how many failed, for routing away from models that fail. */
  public record Health(int calls, int failures) {
    public double failureRatio() { return calls == 0 ? 0 : (double) failures / calls; }
  }

  /**
   * A build and its parts: an eval run names each sample's build {@code RUN_ID.<subject>.<task>.<repeat>-<n>}, so
   * the run's id selects every call of every sample, and the run's totals are the sum of its samples.
   */
  private static final String BUILD_OR_PARTS = "(build_id = ? OR build_id LIKE ? ESCAPE '!')";

  private static String partsPattern(String buildId) {
    return buildId.replace("!", "!!").replace("%", "!%").replace("_", "!_") + ".%";
  }

  private record Totals(int calls, long tokensIn, long tokensOut, Money cost, Money saved) {}

  private static Totals totals(Connection c, String buildId) throws SQLException {
    int calls = 0;
    long in = 0;
    long out = 0;
    Money cost = Money.ZERO;
    Money saved = Money.ZERO;
    try (PreparedStatement p = c.prepareStatement(
        "SELECT tokens_in, tokens_out, cost_usd, saved_usd FROM calls WHERE " + BUILD_OR_PARTS)) {
      p.setString(1, buildId);
      p.setString(2, partsPattern(buildId));
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          calls++;
          in += rs.getLong(1);
          out += rs.getLong(2);
          String cost1 = rs.getString(3);
          if (cost1 != null) cost = cost.plus(money(cost1));
          saved = saved.plus(money(rs.getString(4)));
        }
      }
    }
    return new Totals(calls, in, out, cost, saved);
  }

  static CallRecord call(ResultSet rs) throws SQLException {
    return new CallRecord(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getString(9), rs.getString(10),
        rs.getInt(11) != 0, rs.getInt(12), rs.getInt(13), rs.getInt(14) != 0, millis(rs, 15), millis(rs, 16),
        rs.getString(17), rs.getString(18), rs.getString(19), rs.getString(20), rs.getString(21), rs.getString(22),
        rs.getInt(23), rs.getString(24) == null ? null : money(rs.getString(24)), money(rs.getString(25)),
        rs.getString(26), rs.getString(27));
  }

  private static Money money(String s) {
    return s == null ? Money.ZERO : Money.usd(s);
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Instant.ofEpochMilli(v);
  }

  private static Duration millis(ResultSet rs, int column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : Duration.ofMillis(v);
  }

  private static void setMillis(PreparedStatement p, int i, Duration d) throws SQLException {
    if (d == null) p.setNull(i, Types.BIGINT);
    else p.setLong(i, d.toMillis());
  }

  /**
   * A comma-separated list clipped at a whole entry, ending with how many entries were left out
   * ({@code ...,+12 more}): a reader of the ledger must see that a list of lenient guesses went on.
   */
  static String clipList(String s, int max) {
    if (s == null || s.length() <= max) return s;
    int total = s.split(",", -1).length;
    String suffix = ",+" + total + " more";
    int cut = s.lastIndexOf(',', max - suffix.length());
    if (cut < 0) return clip(s, max);
    String kept = s.substring(0, cut);
    int left = total - kept.split(",", -1).length;
    return kept + ",+" + left + " more";
  }

  private static String clip(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max);
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // Already failing with a better message.
    }
  }

  /** Turns a JDBC failure at open into a message that names the file and says what to do. */
  static LedgerException failure(String where, String verb, SQLException e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.contains("SQLITE_NOTADB") || msg.contains("SQLITE_CORRUPT") || msg.contains("not a database")
        || msg.contains("malformed")) {
      return new LedgerException("ledger file " + where + " is corrupt or not a SQLite database; it was left "
          + "untouched. Move it aside (a new ledger is then created) or set " + DB_URL_ENV + " to another file", e);
    }
    if (msg.contains("SQLITE_BUSY") || msg.contains("locked")) {
      return new LedgerException("ledger file " + where + " is locked by another process (waited "
          + Dialect.BUSY_TIMEOUT_MS / 1000 + " s); wait for it to finish or set " + DB_URL_ENV + " to another file", e);
    }
    if (msg.contains("No suitable driver")) {
      return new LedgerException("no JDBC driver for ledger URL " + where + "; use jdbc:sqlite:PATH or "
          + "jdbc:postgresql://HOST/DB in " + DB_URL_ENV, e);
    }
    return new LedgerException(verb + " ledger " + where + ": " + msg, e);
  }

  /** The location for messages: the file of a SQLite URL, or the URL without user, password or parameters. */
  static String describe(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) {
      String rest = jdbcUrl.substring("jdbc:sqlite:".length());
      int q = rest.indexOf('?');
      return q < 0 ? rest : rest.substring(0, q);
    }
    String s = jdbcUrl;
    int q = s.indexOf('?');
    if (q >= 0) s = s.substring(0, q);
    int scheme = s.indexOf("//");
    int at = s.indexOf('@');
    if (scheme >= 0 && at > scheme) s = s.substring(0, scheme + 2) + s.substring(at + 1);
    return s;
  }
}
