package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Keeps the per-day tables ({@code daily_figures}, {@code daily_builds}) current: every call row added to the ledger
 * is added to its day's figures in the same transaction, so the dashboard reads a few hundred rows instead of a
 * million. Days are UTC days, the same boundaries {@code stats} uses.
 */
final class DailyFigures {
  /** Upper bounds of the latency buckets, in milliseconds; the last bucket has none. */
  static final long[] LATENCY_BOUNDS_MS = {50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200};
  static final int BUCKETS = LATENCY_BOUNDS_MS.length + 1;

  static final String UPSERT_FIGURES;
  static final String UPSERT_BUILD = "INSERT INTO daily_builds (day, build_id, cost_pico) VALUES (?, ?, ?) "
      + "ON CONFLICT (day, build_id) DO UPDATE SET cost_pico = daily_builds.cost_pico + excluded.cost_pico";

  static {
    StringBuilder cols = new StringBuilder("day, model, route, local_model, calls, ok, failed, skipped, fallbacks, "
        + "escalations, unpriced, tokens_in, tokens_out, cost_pico, saved_pico");
    StringBuilder marks = new StringBuilder("?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?");
    StringBuilder sets = new StringBuilder("local_model = excluded.local_model, calls = daily_figures.calls + 1");
    for (String c : new String[] {"ok", "failed", "skipped", "fallbacks", "escalations", "unpriced", "tokens_in", "tokens_out",
        "cost_pico", "saved_pico"}) {
      sets.append(", ").append(c).append(" = daily_figures.").append(c).append(" + excluded.").append(c);
    }
    for (int i = 0; i < BUCKETS; i++) {
      cols.append(", lat_").append(i);
      marks.append(", ?");
      sets.append(", lat_").append(i).append(" = daily_figures.lat_").append(i).append(" + excluded.lat_").append(i);
    }
    // ON CONFLICT ... DO UPDATE is understood by SQLite (3.24+) and PostgreSQL (9.5+) alike.
    UPSERT_FIGURES = "INSERT INTO daily_figures (" + cols + ") VALUES (" + marks + ") ON CONFLICT (day, model, route) "
        + "DO UPDATE SET " + sets;
  }

  private DailyFigures() {}

  /** Adds one call to its day's figures (and its build's, when it belongs to one). */
  static void add(CallRecord c, PreparedStatement figures, PreparedStatement builds) throws SQLException {
    String day = day(c.started());
    long cost = c.cost() == null ? 0 : pico(c.cost());
    int i = 1;
    figures.setString(i++, day);
    figures.setString(i++, c.model());
    figures.setString(i++, c.route() == null ? "" : c.route());
    figures.setInt(i++, c.local() ? 1 : 0);
    figures.setLong(i++, c.succeeded() ? 1 : 0);
    figures.setLong(i++, "skipped".equals(c.outcome()) || c.succeeded() ? 0 : 1);
    figures.setLong(i++, "skipped".equals(c.outcome()) ? 1 : 0);
    // The same definitions as StatsCalculator: a fallback is a successful answer from a route other than the first;
    // an unpriced call is a successful paid call without a price.
    figures.setLong(i++, c.succeeded() && c.tier() > 0 ? 1 : 0);
    figures.setLong(i++, !c.succeeded() && ("next-route".equals(c.decision())
        || "larger-window".equals(c.decision())) ? 1 : 0);
    figures.setLong(i++, c.cost() == null && c.succeeded() && !c.local() ? 1 : 0);
    figures.setLong(i++, c.tokensIn());
    figures.setLong(i++, c.tokensOut());
    figures.setLong(i++, cost);
    figures.setLong(i++, pico(c.saved()));
    int bucket = bucket(c.latency());
    for (int b = 0; b < BUCKETS; b++) figures.setLong(i++, b == bucket ? 1 : 0);
    figures.executeUpdate();
    if (c.buildId() != null) {
      builds.setString(1, day);
      builds.setString(2, c.buildId());
      builds.setLong(3, cost);
      builds.executeUpdate();
    }
  }

  static String day(Instant t) {
    return LocalDate.ofInstant(t, ZoneOffset.UTC).toString();
  }

  /** {@return the bucket of a latency, or -1 when the call has none} */
  static int bucket(Duration latency) {
    if (latency == null) return -1;
    long ms = latency.toMillis();
    for (int b = 0; b < LATENCY_BOUNDS_MS.length; b++) if (ms <= LATENCY_BOUNDS_MS[b]) return b;
    return LATENCY_BOUNDS_MS.length;
  }

  /** Dollars to pico-dollars; catalog prices per million tokens have at most six decimals, so this is exact. */
  static long pico(Money m) {
    return m.usd().movePointRight(12).setScale(0, RoundingMode.HALF_UP).longValueExact();
  }

  static Money money(long pico) {
    return new Money(BigDecimal.valueOf(pico, 12).stripTrailingZeros());
  }
}
