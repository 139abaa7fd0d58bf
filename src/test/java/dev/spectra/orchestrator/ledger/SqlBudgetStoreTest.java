package dev.spectra.orchestrator.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.reliability.BudgetStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Budgets and keys in the ledger database, on SQLite and on a real PostgreSQL the test starts itself (skipped with a
 * message where no PostgreSQL server binaries are installed).
 */
class SqlBudgetStoreTest {
  private static TestPostgres postgres;
  private static final AtomicInteger DATABASES = new AtomicInteger();
  @TempDir Path dir;

  @BeforeAll static void startPostgres() {
    postgres = TestPostgres.start().orElse(null);
  }

  @AfterAll static void stopPostgres() {
    if (postgres != null) postgres.close();
  }

  static Stream<String> engines() {
    return Stream.of("sqlite", "postgresql");
  }

  private String url(String engine) throws Exception {
    if (engine.equals("sqlite")) return "jdbc:sqlite:" + dir.resolve("l" + DATABASES.incrementAndGet() + ".db");
    assumeTrue(postgres != null, TestPostgres.unavailable());
    return postgres.newDatabase("t" + DATABASES.incrementAndGet());
  }

  @ParameterizedTest(name = "{0}") @MethodSource("engines")
  void migrationsCreateEveryTableAndASecondOpenAppliesNothing(String engine) throws Exception {
    String url = url(engine);
    try (Database first = Database.open(url)) {
      assertThat(first.shared()).isEqualTo(engine.equals("postgresql"));
    }
    try (Database again = Database.open(url); var c = again.connection(); var s = c.createStatement();
        var rs = s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history WHERE success = "
            + (engine.equals("sqlite") ? "1" : "true"))) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.APPLIED);
      for (String table : List.of("calls", "builds", "steps", "gateway_keys", "budget_counters", "budget_holds",
          "rate_windows")) {
        try (var t = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
          assertThat(t.next()).as(table).isTrue();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("engines")
  void manyThreadsReservingAtOnceNeverPassTheLimit(String engine) throws Exception {
    try (Database db = Database.open(url(engine))) {
      SqlBudgetStore store = new SqlBudgetStore(db, Clock.systemUTC());
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<Integer>> held = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        held.add(pool.submit(() -> ReservationClient.reserveUntilRefused(store, "month:2026-05", Money.usd("1"),
            Money.usd("0.01"))));
      }
      int total = 0;
      for (Future<Integer> f : held) total += f.get(120, TimeUnit.SECONDS);
      pool.shutdown();

      assertThat(total).isEqualTo(100);
      assertThat(store.spent("month:2026-05")).isEqualTo(Money.usd("1"));
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("engines")
  void severalProcessesReservingAtOnceNeverPassTheLimit(String engine) throws Exception {
    String url = url(engine);
    try (Database db = Database.open(url)) {
      List<Process> processes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
            ReservationClient.class.getName(), url, "build:b1", "0.5", "0.01")
            .redirectError(ProcessBuilder.Redirect.INHERIT).start());
      }
      int total = 0;
      for (Process p : processes) {
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        total += Integer.parseInt(out.lines().reduce((a, b) -> b).orElse("0"));
      }

      assertThat(total).isEqualTo(50);
      assertThat(new SqlBudgetStore(db, Clock.systemUTC()).spent("build:b1")).isEqualTo(Money.usd("0.5"));
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("engines")
  void aKeysBudgetHoldsAcrossReservationsAndAHoldOfADeadProcessLapses(String engine) throws Exception {
    try (Database db = Database.open(url(engine))) {
      MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
      GatewayKeys keys = new GatewayKeys(db, clock);
      GatewayKeys.Created k = keys.create("team", Money.usd("0.05"), null);
      SqlBudgetStore store = new SqlBudgetStore(db, clock);
      List<BudgetStore.Claim> claims = List.of(new BudgetStore.Claim("key:" + k.info().id(), null));

      var first = store.reserve(claims, Money.usd("0.03"), Duration.ofMinutes(1));
      var second = store.reserve(claims, Money.usd("0.03"), Duration.ofMinutes(1));
      // The first caller dies without settling; after its hold expires the budget is free again.
      clock.advance(Duration.ofMinutes(2));
      store.sweepExpired();
      var third = store.reserve(claims, Money.usd("0.03"), Duration.ofMinutes(1));

      assertThat(first).isInstanceOf(BudgetStore.Outcome.Held.class);
      assertThat(second).isInstanceOfSatisfying(BudgetStore.Outcome.Refused.class, r -> {
        assertThat(r.committed()).isEqualTo(Money.usd("0.03"));
        assertThat(r.limit()).isEqualTo(Money.usd("0.05"));
      });
      assertThat(third).isInstanceOf(BudgetStore.Outcome.Held.class);
      store.settle(((BudgetStore.Outcome.Held) third).hold(), Money.usd("0.02"));
      GatewayKeys.KeyInfo info = keys.list().getFirst();
      assertThat(info.spent()).isEqualTo(Money.usd("0.02"));
      assertThat(info.held()).isEqualTo(Money.ZERO);
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("engines")
  void aKeyRevokedThroughOneConnectionIsRefusedThroughAnother(String engine) throws Exception {
    String url = url(engine);
    try (Database a = Database.open(url); Database b = Database.open(url)) {
      GatewayKeys onA = new GatewayKeys(a, Clock.systemUTC());
      GatewayKeys onB = new GatewayKeys(b, Clock.systemUTC());
      GatewayKeys.Created k = onA.create("x", null, null);

      Optional<GatewayKeys.KeyInfo> before = onB.authenticate(k.secret());
      onA.revoke(k.info().id());
      Optional<GatewayKeys.KeyInfo> after = onB.authenticate(k.secret());

      assertThat(before).isPresent();
      assertThat(after).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}") @MethodSource("engines")
  void requestsPerMinuteAreCountedOnceForEveryProcessOnTheDatabase(String engine) throws Exception {
    String url = url(engine);
    MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:10Z"));
    try (Database a = Database.open(url); Database b = Database.open(url)) {
      GatewayKeys onA = new GatewayKeys(a, clock);
      GatewayKeys onB = new GatewayKeys(b, clock);
      String id = onA.create("x", null, 3).info().id();

      List<Boolean> admitted = new ArrayList<>();
      for (int i = 0; i < 4; i++) admitted.add((i % 2 == 0 ? onA : onB).admitRequest(id, 3).isEmpty());
      clock.advance(Duration.ofMinutes(1));
      admitted.add(onB.admitRequest(id, 3).isEmpty());

      assertThat(admitted).containsExactly(true, true, true, false, true);
    }
  }

  /** A clock the test moves by hand. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) { this.now = start; }

    void advance(Duration d) { now = now.plus(d); }

    @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }

    @Override public Clock withZone(java.time.ZoneId zone) { return this; }

    @Override public Instant instant() { return now; }
  }
}
