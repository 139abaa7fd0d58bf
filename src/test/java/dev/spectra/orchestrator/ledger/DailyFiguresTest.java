package dev.spectra.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.model.Money;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-day tables the dashboard reads: kept by every insert, and filled for a ledger made before them. */
class DailyFiguresTest {
  @TempDir Path dir;

  static CallRecord call(String id, Instant at, String model, boolean local, String outcome, int tier, String cost,
      String build, long latencyMs, String decision) {
    return new CallRecord(id, at, "r-" + id, build, null, "local-first", "local-first#" + (tier + 1), tier, model,
        null, local, 100, 50, false, null, Duration.ofMillis(latencyMs), outcome, "ok".equals(outcome) ? null
        : "timeout", null, decision, "parsed", "", 0, cost == null ? null : Money.usd(cost),
        local ? Money.usd("0.000123456789") : Money.ZERO, "v1", null);
  }

  @Test
  void everyInsertIsAddedToItsUtcDayWithExactMoneyAndLatencyBuckets() {
    Instant day1 = Instant.parse("2026-11-30T23:59:59.999Z");
    Instant day2 = Instant.parse("2026-12-01T00:00:00Z");
    try (Ledger ledger = Ledger.openFile(dir.resolve("l.db"), Clock.systemUTC())) {
      ledger.record(call("a", day1, "gpt-4o-mini", false, "ok", 1, "0.000000150", "b1", 49, "served"));
      ledger.record(call("b", day2, "gpt-4o-mini", false, "ok", 0, "1.234567891", "b1", 801, "served"));
      ledger.record(call("c", day2, "gpt-4o-mini", false, "ok", 0, null, null, 100_000, "served"));
      ledger.record(call("d", day2, "mistral-7b", true, "failed", 0, null, null, 50, "next-route"));
      ledger.flush();
      LedgerQueries q = new LedgerQueries(ledger.database());
      List<LedgerQueries.DayFigures> days = q.days(LocalDate.parse("2026-11-30"), LocalDate.parse("2026-12-01"));
      assertThat(days).extracting(d -> d.day() + " " + d.model()).containsExactly("2026-11-30 gpt-4o-mini",
          "2026-12-01 gpt-4o-mini", "2026-12-01 mistral-7b");
      LedgerQueries.DayFigures first = days.get(0);
      assertThat(first.fallbacks()).isEqualTo(1);
      assertThat(first.cost().usd()).isEqualByComparingTo("0.00000015");
      assertThat(first.latency()[0]).isEqualTo(1);
      LedgerQueries.DayFigures mini = days.get(1);
      assertThat(mini.calls()).isEqualTo(2);
      assertThat(mini.unpriced()).isEqualTo(1);
      assertThat(mini.cost().usd()).isEqualByComparingTo("1.234567891");
      assertThat(mini.latency()[5]).as("801 ms is in the bucket up to 1600 ms").isEqualTo(1);
      assertThat(mini.latency()[mini.latency().length - 1]).isEqualTo(1);
      LedgerQueries.DayFigures local = days.get(2);
      assertThat(local.failed()).isEqualTo(1);
      assertThat(local.escalations()).isEqualTo(1);
      assertThat(local.saved().usd()).isEqualByComparingTo("0.000123456789");
      assertThat(q.buildCosts(LocalDate.parse("2026-11-30"), LocalDate.parse("2026-12-01")).get("b1").usd())
          .isEqualByComparingTo("1.234568041");
    }
  }

  @Test
  void aLedgerMadeBeforeTheDailyTablesGetsThemFilledFromItsCalls() throws Exception {
    String url = "jdbc:sqlite:" + dir.resolve("old.db");
    Flyway.configure(Migrations.class.getClassLoader()).dataSource(url, null, null).locations(Migrations.LOCATION)
        .target("2").load().migrate();
    try (Connection c = DriverManager.getConnection(url); PreparedStatement p = c.prepareStatement("INSERT INTO calls "
        + "(id, started_at, tier, model, local_model, tokens_in, tokens_out, tokens_estimated, outcome, reasks, "
        + "cost_usd, saved_usd, latency_ms) VALUES (?, ?, 0, 'gpt-4o-mini', 0, 10, 5, 0, 'ok', 0, ?, '0', 120)")) {
      for (int i = 0; i < 3; i++) {
        p.setString(1, "old-" + i);
        p.setLong(2, Instant.parse("2026-10-05T12:00:00Z").toEpochMilli() + i);
        p.setString(3, "0.10000000" + i);
        p.executeUpdate();
      }
    }
    try (Ledger ledger = Ledger.open(url, Clock.systemUTC())) {
      List<LedgerQueries.DayFigures> days = new LedgerQueries(ledger.database())
          .days(LocalDate.parse("2026-10-05"), LocalDate.parse("2026-10-05"));
      assertThat(days).hasSize(1);
      assertThat(days.get(0).calls()).isEqualTo(3);
      assertThat(days.get(0).cost().usd()).isEqualByComparingTo("0.300000003");
      assertThat(ledger.stats(LocalDate.parse("2026-10-05").atStartOfDay(ZoneOffset.UTC).toInstant(), 10)
          .totalCost().usd()).isEqualByComparingTo(days.get(0).cost().usd());
    }
  }
}
