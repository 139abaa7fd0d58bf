package dev.spectra.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spectra.orchestrator.dashboard.LedgerSeed;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard reads the ledger through {@link LedgerQueries} whichever database holds it: the same calls recorded
 * in SQLite and in PostgreSQL give the same daily figures, summary, call pages and builds (skipped with a message
 * where no PostgreSQL server binaries are installed).
 */
class LedgerQueriesEnginesTest {
  private static TestPostgres postgres;
  @TempDir Path dir;

  @BeforeAll static void startPostgres() {
    postgres = TestPostgres.start().orElse(null);
  }

  @AfterAll static void stopPostgres() {
    if (postgres != null) postgres.close();
  }

  @Test
  void theDashboardsQueriesAnswerTheSameOnPostgresqlAsOnSqlite() throws Exception {
    assumeTrue(postgres != null, TestPostgres.unavailable());
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    try (Ledger sqlite = Ledger.open("jdbc:sqlite:" + dir.resolve("ledger.db"), Clock.systemUTC());
         Ledger pg = Ledger.open(postgres.newDatabase("dashboard_queries"), Clock.systemUTC())) {
      LedgerSeed.seed(sqlite, 600, 11, now);
      LedgerSeed.seed(pg, 600, 11, now);
      LedgerQueries a = new LedgerQueries(sqlite.database());
      LedgerQueries b = new LedgerQueries(pg.database());

      LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
      LocalDate monthStart = today.withDayOfMonth(1);
      assertThat(days(b, monthStart.minusDays(40), today)).isNotEmpty()
          .isEqualTo(days(a, monthStart.minusDays(40), today));
      LedgerQueries.Summary sa = a.summary(monthStart, now, 100);
      LedgerQueries.Summary sb = b.summary(monthStart, now, 100);
      assertThat(sb.calls()).isPositive().isEqualTo(sa.calls());
      assertThat(sb.cost()).isEqualTo(sa.cost());
      assertThat(sb.saved()).isEqualTo(sa.saved());
      assertThat(sb.fallbacks()).isEqualTo(sa.fallbacks());
      assertThat(sb.costPerBuildMean()).isEqualTo(sa.costPerBuildMean());
      assertThat(b.modelsAndRoutes()).isEqualTo(a.modelsAndRoutes());

      // Every page of a filtered listing, followed through its cursor, holds the same calls in the same order.
      for (String outcome : new String[] {null, "ok", "failed"}) {
        assertThat(ids(b, outcome)).isNotEmpty().isEqualTo(ids(a, outcome));
      }
      // Builds started in the same instant (the seed starts five at once) are listed in the same order too.
      assertThat(b.builds(50, null).stream().map(BuildRecord::id).toList())
          .isEqualTo(a.builds(50, null).stream().map(BuildRecord::id).toList());
    }
  }

  /** A day's figures as text: the record holds an array, which records compare by identity. */
  private static List<String> days(LedgerQueries q, LocalDate from, LocalDate to) {
    return q.days(from, to).stream()
        .map(d -> d.toString().replaceAll("\\[J@\\p{XDigit}+", java.util.Arrays.toString(d.latency()))).toList();
  }

  private static List<String> ids(LedgerQueries q, String outcome) {
    List<String> out = new java.util.ArrayList<>();
    String cursor = null;
    do {
      LedgerQueries.CallPage page = q.calls(new LedgerQueries.CallQuery(LedgerSeed.MODELS[1], null, null, outcome,
          null, null, cursor, 37));
      page.calls().forEach(c -> out.add(c.id()));
      cursor = page.next();
    } while (cursor != null);
    return out;
  }
}
