package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The reads behind the dashboard, on the database's connection pool (they never queue behind the ledger's writer):
 * per-day figures kept by every insert, one page of calls at a time by keyset, a request's attempts. Money is exact:
 * pico-dollars added up in the database, the same sums {@code stats} makes in Java.
 */
public final class LedgerQueries {
  private static final String FIGURE_COLUMNS;

  static {
    StringBuilder b = new StringBuilder("day, model, route, local_model, calls, ok, failed, skipped, fallbacks, "
        + "escalations, unpriced, tokens_in, tokens_out, cost_pico, saved_pico");
    for (int i = 0; i < DailyFigures.BUCKETS; i++) b.append(", lat_").append(i);
    FIGURE_COLUMNS = b.toString();
  }

  private final Database db;

  public LedgerQueries(Database db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  /** {@return the upper bounds of the latency buckets of {@link DayFigures#latency}, in ms; the last is unbounded} */
  public static long[] latencyBoundsMs() { return DailyFigures.LATENCY_BOUNDS_MS.clone(); }

  /**
   * One UTC day's figures for one model and route.
   *
   * @param route the policy route, {@code ""} when the call had none
   * @param escalations failed attempts that moved their request to another route (fallbacks this model caused)
   * @param latency calls per latency bucket ({@link #latencyBoundsMs()})
   */
  public record DayFigures(LocalDate day, String model, String route, boolean local, long calls, long ok, long failed,
      long skipped, long fallbacks, long escalations, long unpriced, long tokensIn, long tokensOut, Money cost, Money saved,
      long[] latency) {}

  /** {@return the figures of the UTC days {@code from} to {@code to}, both included, oldest first} */
  public List<DayFigures> days(LocalDate from, LocalDate to) {
    return read("read daily figures", c -> {
      List<DayFigures> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT " + FIGURE_COLUMNS + " FROM daily_figures "
          + "WHERE day >= ? AND day <= ? ORDER BY day, model, route")) {
        p.setString(1, from.toString());
        p.setString(2, to.toString());
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            long[] lat = new long[DailyFigures.BUCKETS];
            for (int i = 0; i < lat.length; i++) lat[i] = rs.getLong(16 + i);
            out.add(new DayFigures(LocalDate.parse(rs.getString(1)), rs.getString(2), rs.getString(3),
                rs.getInt(4) != 0, rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(9),
                rs.getLong(10), rs.getLong(11), rs.getLong(12), rs.getLong(13), DailyFigures.money(rs.getLong(14)),
                DailyFigures.money(rs.getLong(15)), lat));
          }
        }
      }
      return out;
    });
  }

  /** {@return build id -> the cost of its calls made on the UTC days {@code from} to {@code to}} */
  public Map<String, Money> buildCosts(LocalDate from, LocalDate to) {
    return read("read build costs", c -> {
      Map<String, Money> out = new LinkedHashMap<>();
      try (PreparedStatement p = c.prepareStatement("SELECT build_id, SUM(cost_pico) FROM daily_builds "
          + "WHERE day >= ? AND day <= ? GROUP BY build_id")) {
        p.setString(1, from.toString());
        p.setString(2, to.toString());
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) out.put(rs.getString(1), DailyFigures.money(rs.getLong(2)));
        }
      }
      return out;
    });
  }

  /**
   * The figures {@code stats --since FROM} shows for whole UTC days from {@code from} to the day of {@code now}:
   * computed from the daily tables, with {@code stats}' own definitions (cost per build, month projection).
   */
  public Summary summary(LocalDate from, Instant now, int buildsPerMonth) {
    LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
    List<DayFigures> days = days(from, today);
    Map<String, Money> builds = buildCosts(from, today);
    LocalDate monthStartDay = today.withDayOfMonth(1);
    Money monthToDate = Money.ZERO;
    long calls = 0, ok = 0, failed = 0, skipped = 0, fallbacks = 0, unpriced = 0;
    Money cost = Money.ZERO;
    Money saved = Money.ZERO;
    for (DayFigures d : days) {
      calls += d.calls();
      ok += d.ok();
      failed += d.failed();
      skipped += d.skipped();
      fallbacks += d.fallbacks();
      unpriced += d.unpriced();
      cost = cost.plus(d.cost());
      saved = saved.plus(d.saved());
    }
    if (!from.isAfter(monthStartDay)) {
      for (DayFigures d : days) if (!d.day().isBefore(monthStartDay)) monthToDate = monthToDate.plus(d.cost());
    } else {
      for (DayFigures d : days(monthStartDay, today)) monthToDate = monthToDate.plus(d.cost());
    }
    List<Money> units = new ArrayList<>(builds.values());
    units.sort(Comparator.naturalOrder());
    Money mean = Money.ZERO;
    if (!units.isEmpty()) {
      Money sum = Money.ZERO;
      for (Money m : units) sum = sum.plus(m);
      mean = new Money(sum.usd().divide(BigDecimal.valueOf(units.size()), MathContext.DECIMAL64));
    }
    Instant monthStart = monthStartDay.atStartOfDay(ZoneOffset.UTC).toInstant();
    return new Summary(from, calls, ok, failed, skipped, fallbacks, unpriced, cost, saved, monthToDate,
        StatsCalculator.projectMonth(monthToDate, monthStart, now), units.size(), mean,
        StatsCalculator.percentile(units, 50), StatsCalculator.percentile(units, 95), buildsPerMonth,
        mean.times(buildsPerMonth), days);
  }

  /**
   * What the overview shows for a period; each figure is the one {@code stats --since} gives for it.
   *
   * @param builds builds with calls in the period ({@code stats}' {@code costPerBuild.count})
   * @param days the rows the figures were summed from, for per-model and per-day views
   */
  public record Summary(LocalDate from, long calls, long ok, long failed, long skipped, long fallbacks,
      long unpriced, Money cost, Money saved, Money monthToDate, Money monthProjection, int builds,
      Money costPerBuildMean, Money costPerBuildP50, Money costPerBuildP95, int buildsPerMonth,
      Money projectionForBuilds, List<DayFigures> days) {
    /** {@return successful answers served by a fallback route, as a share of successful answers} */
    public double fallbackRate() { return ok == 0 ? 0 : (double) fallbacks / ok; }
  }

  /**
   * Which calls to list, newest first. Null fields match everything.
   *
   * @param outcome {@code ok}, {@code failed} or {@code skipped}
   * @param before the keyset cursor of the previous page ({@link CallPage#next}), or null for the first page
   */
  public record CallQuery(String model, String route, String keyId, String outcome, Instant from, Instant to,
      String before, int limit) {
    public CallQuery {
      if (limit <= 0 || limit > 500) throw new IllegalArgumentException("limit must be 1..500, got " + limit);
    }
  }

  /** One page of calls, and the cursor of the next page (null on the last). */
  public record CallPage(List<CallRecord> calls, String next) {}

  /** {@return one page of calls; each page is one indexed range read, however many rows the ledger holds} */
  public CallPage calls(CallQuery q) {
    return read("read calls", c -> {
      StringBuilder sql = new StringBuilder("SELECT " + Ledger.CALL_COLUMNS + " FROM calls WHERE 1 = 1");
      List<Object> args = new ArrayList<>();
      if (q.model() != null) { sql.append(" AND model = ?"); args.add(q.model()); }
      if (q.route() != null) { sql.append(" AND route = ?"); args.add(q.route()); }
      if (q.keyId() != null) { sql.append(" AND key_id = ?"); args.add(q.keyId()); }
      if (q.outcome() != null) { sql.append(" AND outcome = ?"); args.add(q.outcome()); }
      if (q.from() != null) { sql.append(" AND started_at >= ?"); args.add(q.from().toEpochMilli()); }
      if (q.to() != null) { sql.append(" AND started_at < ?"); args.add(q.to().toEpochMilli()); }
      if (q.before() != null) {
        int sep = q.before().indexOf('~');
        long at;
        try {
          at = Long.parseLong(q.before().substring(0, Math.max(sep, 0)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("not a page cursor: " + q.before());
        }
        // The range on started_at alone lets the index bound the scan; an OR at the top would make it read all.
        sql.append(" AND started_at <= ? AND (started_at < ? OR id < ?)");
        args.add(at);
        args.add(at);
        args.add(q.before().substring(sep + 1));
      }
      sql.append(" ORDER BY started_at DESC, id DESC LIMIT ?");
      args.add(q.limit() + 1);
      List<CallRecord> out = new ArrayList<>();
      try (PreparedStatement p = prepare(c, sql.toString(), args); ResultSet rs = p.executeQuery()) {
        while (rs.next()) out.add(Ledger.call(rs));
      }
      String next = null;
      if (out.size() > q.limit()) {
        out = out.subList(0, q.limit());
        CallRecord last = out.get(out.size() - 1);
        next = last.started().toEpochMilli() + "~" + last.id();
      }
      return new CallPage(List.copyOf(out), next);
    });
  }

  /** {@return every attempt of one request, in the order they were made} */
  public List<CallRecord> request(String requestId) {
    return read("read a request", c -> {
      List<CallRecord> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT " + Ledger.CALL_COLUMNS + " FROM calls "
          + "WHERE request_id = ? ORDER BY started_at, id LIMIT 200")) {
        p.setString(1, requestId);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) out.add(Ledger.call(rs));
        }
      }
      return out;
    });
  }

  /** {@return models and routes that ever had calls (from the daily figures), for the filters} */
  public List<List<String>> modelsAndRoutes() {
    return read("read models", c -> {
      TreeSet<String> models = new TreeSet<>();
      TreeSet<String> routes = new TreeSet<>();
      try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT model, route FROM daily_figures");
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          models.add(rs.getString(1));
          if (!rs.getString(2).isEmpty()) routes.add(rs.getString(2));
        }
      }
      return List.of(List.copyOf(models), List.copyOf(routes));
    });
  }

  /** {@return builds, newest first, one page at a time} */
  public List<BuildRecord> builds(int limit, Instant before) {
    return read("read builds", c -> {
      List<BuildRecord> out = new ArrayList<>();
      try (PreparedStatement p = c.prepareStatement("SELECT id, kind, request, started_at, finished_at, outcome, "
          + "out_dir, staging_dir, calls, tokens_in, tokens_out, cost_usd, saved_usd FROM builds "
          + "WHERE started_at < ? ORDER BY started_at DESC, id DESC LIMIT ?")) {
        p.setLong(1, before == null ? Long.MAX_VALUE : before.toEpochMilli());
        p.setInt(2, limit);
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            long fin = rs.getLong(5);
            Instant finished = rs.wasNull() ? null : Instant.ofEpochMilli(fin);
            String cost = rs.getString(12);
            String saved = rs.getString(13);
            out.add(new BuildRecord(rs.getString(1), BuildRecord.Kind.fromWire(rs.getString(2)), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), finished, rs.getString(6), rs.getString(7), rs.getString(8),
                finished == null ? -1 : rs.getInt(9), rs.getLong(10), rs.getLong(11),
                cost == null ? null : Money.usd(cost), saved == null ? null : Money.usd(saved)));
          }
        }
      }
      return out;
    });
  }

  @FunctionalInterface
  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(String what, Query<T> q) {
    try (Connection c = db.connection()) {
      return q.run(c);
    } catch (SQLException e) {
      throw new LedgerException("cannot " + what + " from " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /** A statement with {@code args} bound in order: the filters of the call listings here and in {@link Ledger}. */
  static PreparedStatement prepare(Connection c, String sql, List<Object> args) throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    for (int i = 0; i < args.size(); i++) {
      Object a = args.get(i);
      if (a instanceof Long l) p.setLong(i + 1, l);
      else if (a instanceof Integer n) p.setInt(i + 1, n);
      else p.setString(i + 1, (String) a);
    }
    return p;
  }
}
