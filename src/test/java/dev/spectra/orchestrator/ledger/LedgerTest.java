package dev.spectra.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.orchestrator.model.Money;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTest {
  @TempDir Path dir;
  final Clock clock = Clock.fixed(Instant.parse("2026-03-15T12:00:00Z"), ZoneOffset.UTC);

  static CallRecord call(String id, String build, String model, boolean local, String outcome, int tier,
      String cost, String saved, Instant at) {
    return new CallRecord(id, at, "req-" + id, build, "plan", "local-first", "local-first#" + (tier + 1), tier, model,
        model + "-id", local, 1000, 200, false, Duration.ofMillis(30), Duration.ofMillis(400), outcome,
        "ok".equals(outcome) ? null : "invalid_output", "ok".equals(outcome) ? null : "schema invalid",
        "ok".equals(outcome) ? "served" : "next-route", "repaired", "trailing-comma", 1,
        cost == null ? null : Money.usd(cost), Money.usd(saved), "2026-03");
  }

  @Test
  void recordsCallsAndReadsThemBackWithEveryField() {
    try (Ledger ledger = Ledger.openFile(dir.resolve("l.db"), clock)) {
      CallRecord c = call("c1", "b1", "gpt-4o-mini", false, "ok", 1, "0.00027", "0", clock.instant());
      ledger.record(c);
      assertThat(ledger.calls(Ledger.CallFilter.latest(10))).containsExactly(c);
    }
  }

  @Test
  void aLongListOfRepairsIsClippedAtAWholeEntryAndSaysHowManyWereLeftOut() {
    List<String> guesses = new ArrayList<>();
    for (int i = 1; i <= 200; i++) guesses.add("guess:placeholder@" + i + ":7");
    String all = String.join(",", guesses);

    String kept = Ledger.clipList(all, 1000);

    assertThat(kept.length()).isLessThanOrEqualTo(1000);
    assertThat(kept).endsWith(" more").startsWith("guess:placeholder@1:7,");
    String[] entries = kept.split(",");
    int shown = entries.length - 1;
    assertThat(entries[shown]).isEqualTo("+" + (200 - shown) + " more");
    assertThat(entries[shown - 1]).isEqualTo("guess:placeholder@" + shown + ":7");
    assertThat(Ledger.clipList("trailing-comma,fence", 1000)).isEqualTo("trailing-comma,fence");
  }

  @Test
  void keepsEveryRowQueuedBeforeCloseAndAppliesMigrationsOnce() throws Exception {
    Path file = dir.resolve("l.db");
    try (Ledger ledger = Ledger.openFile(file, clock)) {
      for (int i = 0; i < 5000; i++) {
        ledger.record(call("c" + i, null, "small", true, "ok", 0, "0", "0.0001", clock.instant()));
      }
    }
    try (Ledger again = Ledger.openFile(file, clock)) {
      assertThat(again.calls(Ledger.CallFilter.latest(10_000))).hasSize(5000);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT COUNT(*), MAX(CAST(version AS INTEGER)) FROM flyway_schema_history WHERE success = 1")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.APPLIED);
      assertThat(rs.getInt(2)).isEqualTo(Migrations.LATEST);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void corruptFileIsNamedAndLeftUntouched() throws Exception {
    Path file = dir.resolve("ledger.db");
    byte[] garbage = "this is not a database, but someone's notes ".repeat(200).getBytes();
    Files.write(file, garbage);
    assertThatThrownBy(() -> Ledger.openFile(file, clock))
        .isInstanceOf(LedgerException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("corrupt or not a SQLite database")
        .hasMessageContaining("ORCHESTRATOR_DB_URL");
    assertThat(Files.readAllBytes(file)).isEqualTo(garbage);
  }

  @Test
  void ledgerFromANewerVersionIsRefusedByName() throws Exception {
    Path file = dir.resolve("l.db");
    Ledger.openFile(file, clock).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      c.createStatement().execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, "
          + "script, checksum, installed_by, installed_on, execution_time, success) VALUES (99, '99', 'future', 'SQL', "
          + "'V99__future.sql', 0, 'test', '2030-01-01 00:00:00', 0, 1)");
    }
    assertThatThrownBy(() -> Ledger.openFile(file, clock)).hasMessageContaining("schema version 99")
        .hasMessageContaining(file.toString());
  }

  @Test
  void directoryInsteadOfAFileIsAClearError() {
    assertThatThrownBy(() -> Ledger.openFile(dir, clock)).hasMessageContaining("is a directory");
  }

  @Test
  void describesJdbcUrlsWithoutCredentials() {
    assertThat(Ledger.describe("jdbc:postgresql://bob:secret@db:5432/ledger?password=hunter2"))
        .isEqualTo("jdbc:postgresql://db:5432/ledger").doesNotContain("secret", "hunter2");
    assertThat(Ledger.describe("jdbc:sqlite:/tmp/x.db?journal_mode=WAL")).isEqualTo("/tmp/x.db");
  }

  @Test
  void anEvalRunSelectsTheCallsOfEverySampleBuildAndItsTotalsAreTheirSum() {
    try (Ledger ledger = Ledger.openFile(dir.resolve("l.db"), clock)) {
      String run = "eval-20260315-120000-ab_1";
      ledger.buildStarted(run, BuildRecord.Kind.EVAL, "eval a,b on builtin");
      ledger.record(call("c1", run + ".gpt-4o-mini.01-notes.0-1a2b", "gpt-4o-mini", false, "ok", 0, "0.0003", "0",
          clock.instant()));
      ledger.record(call("c2", run + ".qwen.13-bank.1-ffff", "small", true, "failed", 0, "0", "0.0001",
          clock.instant()));
      ledger.record(call("c3", run + ".qwen.13-bank.1-ffff", "gpt-4o-mini", false, "ok", 1, "0.0002", "0",
          clock.instant()));
      // Another run whose id only looks alike: the '_' of the first run's id is not a wildcard.
      ledger.record(call("c4", "eval-20260315-120000-abX1.gpt-4o-mini.01-notes.0-0000", "gpt-4o-mini", false, "ok", 0,
          "0.5", "0", clock.instant()));
      ledger.record(call("c5", "run-other", "gpt-4o-mini", false, "ok", 0, "0.7", "0", clock.instant()));
      ledger.buildFinished(run, "done", null);

      assertThat(ledger.calls(new Ledger.CallFilter(null, run, null, false, null, 100)))
          .extracting(CallRecord::id).containsExactlyInAnyOrder("c1", "c2", "c3");
      BuildRecord row = ledger.build(run).orElseThrow();
      assertThat(row.calls()).isEqualTo(3);
      assertThat(row.cost().usd()).isEqualByComparingTo("0.0005");
      LedgerStats stats = ledger.stats(Instant.EPOCH, 100, run);
      assertThat(stats.calls()).isEqualTo(3);
      assertThat(stats.totalCost().usd()).isEqualByComparingTo("0.0005");
      assertThat(stats.units()).as("one unit per sample build").isEqualTo(2);
    }
  }

  @Test
  void tracksBuildsAndStepsForResume() {
    try (Ledger ledger = Ledger.openFile(dir.resolve("l.db"), clock)) {
      ledger.buildStarted("b1", BuildRecord.Kind.RUN, "a todo service", dir.resolve("out"), dir.resolve("stage"));
      ledger.stepStarted("b1", "plan");
      ledger.stepFinished("b1", "plan", StepRecord.DONE, "{\"entities\":2}");
      ledger.stepStarted("b1", "scaffold");
      ledger.stepFinished("b1", "scaffold", StepRecord.DONE, null);
      ledger.stepStarted("b1", "implement");
      ledger.record(call("c1", "b1", "gpt-4o-mini", false, "ok", 1, "0.0003", "0", clock.instant()));
      ledger.record(call("c2", "b1", "small", true, "failed", 0, "0", "0.0001", clock.instant()));

      assertThat(ledger.lastCompletedStep("b1")).contains("scaffold");
      BuildRecord running = ledger.build("b1").orElseThrow();
      assertThat(running.finished()).isNull();
      assertThat(running.calls()).isEqualTo(2);
      assertThat(running.cost().usd()).isEqualByComparingTo("0.0003");
      assertThat(ledger.builds(new Ledger.BuildFilter(null, null, null, true, 10))).hasSize(1);

      ledger.stepFinished("b1", "implement", StepRecord.FAILED, null);
      ledger.buildFinished("b1", "failed");
      BuildRecord done = ledger.build("b1").orElseThrow();
      assertThat(done.outcome()).isEqualTo("failed");
      assertThat(done.tokensIn()).isEqualTo(2000);
      assertThat(done.saved().usd()).isEqualByComparingTo("0.0001");
      assertThat(done.outDir()).isEqualTo(dir.resolve("out").toString());
      assertThat(ledger.steps("b1")).extracting(StepRecord::step).containsExactly("plan", "scaffold", "implement");
      assertThat(ledger.lastCompletedStep("b1")).contains("scaffold");
    }
  }

  @Test
  void filtersCallsByModelBuildAndFailure() {
    try (Ledger ledger = Ledger.openFile(dir.resolve("l.db"), clock)) {
      ledger.record(call("a", "b1", "small", true, "failed", 0, "0", "0", clock.instant()));
      ledger.record(call("b", "b1", "gpt-4o-mini", false, "ok", 1, "0.001", "0", clock.instant()));
      ledger.record(call("c", "b2", "small", true, "ok", 0, "0", "0.0002", clock.instant()));
      assertThat(ledger.calls(new Ledger.CallFilter("small", null, null, false, null, 10))).hasSize(2);
      assertThat(ledger.calls(new Ledger.CallFilter(null, "b1", null, true, null, 10)))
          .extracting(CallRecord::id).containsExactly("a");
      assertThat(ledger.calls(Ledger.CallFilter.latest(1))).hasSize(1);
    }
  }

  @Test
  void statsGiveSuccessPerModelFallbacksCostPercentilesAndProjections() {
    Instant now = clock.instant();
    try (Ledger ledger = Ledger.openFile(dir.resolve("l.db"), clock)) {
      // 4 builds: b1 local only ($0), b2 fell back to the cloud ($0.002), b3 $0.004, b4 $0.010.
      ledger.record(call("1", "b1", "small", true, "ok", 0, "0", "0.0003", now));
      ledger.record(call("2", "b2", "small", true, "failed", 0, "0", "0", now));
      ledger.record(call("3", "b2", "gpt-4o-mini", false, "ok", 1, "0.002", "0", now));
      ledger.record(call("4", "b3", "gpt-4o-mini", false, "ok", 0, "0.004", "0", now));
      ledger.record(call("5", "b4", "gpt-4o-mini", false, "ok", 0, "0.010", "0", now));
      ledger.record(call("6", "b0", "gpt-4o-mini", false, "ok", 0, "0.5", "0", Instant.parse("2026-02-20T00:00:00Z")));

      LedgerStats s = ledger.stats(Instant.parse("2026-03-01T00:00:00Z"), 100);
      assertThat(s.calls()).isEqualTo(5);
      assertThat(s.fallbacksTaken()).isEqualTo(1);
      assertThat(s.escalationReasons()).containsEntry("invalid_output", 1);
      assertThat(s.models()).first().satisfies(m -> {
        assertThat(m.model()).isEqualTo("gpt-4o-mini");
        assertThat(m.ok()).isEqualTo(3);
      });
      assertThat(s.models()).filteredOn(m -> m.model().equals("small")).singleElement()
          .satisfies(m -> assertThat(m.successRate()).isEqualTo(0.5));
      assertThat(s.costUnit()).isEqualTo("build");
      assertThat(s.units()).isEqualTo(4);
      assertThat(s.costMean().usd()).isEqualByComparingTo("0.004");
      assertThat(s.costP50().usd()).isEqualByComparingTo("0.002");
      assertThat(s.costP95().usd()).isEqualByComparingTo("0.010");
      assertThat(s.projectionForBuilds().usd()).isEqualByComparingTo("0.4");
      assertThat(s.monthToDate().usd()).isEqualByComparingTo("0.016");
      // 14.5 of 31 days elapsed on March 15th at noon.
      assertThat(s.monthProjection().usd().doubleValue()).isCloseTo(0.016 * 31 / 14.5,
          org.assertj.core.data.Offset.offset(1e-9));
      assertThat(s.totalSaved().usd()).isEqualByComparingTo("0.0003");
    }
  }

  @Test
  void concurrentWritersLoseNoRow() throws Exception {
    Path file = dir.resolve("l.db");
    try (Ledger ledger = Ledger.openFile(file, clock)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 50; t++) {
        int base = t * 100;
        threads.add(Thread.ofVirtual().start(() -> {
          for (int i = 0; i < 100; i++) {
            ledger.record(call("c" + (base + i), null, "small", true, "ok", 0, "0", "0", clock.instant()));
          }
        }));
      }
      for (Thread t : threads) t.join();
    }
    try (Ledger again = Ledger.openFile(file, clock)) {
      assertThat(again.calls(Ledger.CallFilter.latest(100_000))).hasSize(5000);
    }
  }
}
