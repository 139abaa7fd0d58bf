package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.bench.ReplicaLoad;
import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.ledger.TestPostgres;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Three {@code orchestrator serve} replicas on one real PostgreSQL, keys required, driven by concurrent clients
 * round-robin (the fast version of {@code bench/scale-test.sh}): a key revoked with {@code orchestrator keys revoke}
 * is refused by every replica from then on, every answered request has its ledger row and no row is extra, and a key
 * with a small budget on a paid model settles at most its budget with nothing left held.
 */
@Tag("e2e")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class GatewayReplicasTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int REPLICAS = 3;
  private static final BigDecimal BUDGET = new BigDecimal("0.00005");

  @TempDir Path dir;
  TestPostgres postgres;
  Simulator sim;
  final List<Gateway> gateways = new ArrayList<>();
  final List<CompletableFuture<Integer>> exits = new ArrayList<>();
  Map<String, String> env;

  @AfterEach void stop() throws Exception {
    for (Gateway g : gateways) g.close();
    for (CompletableFuture<Integer> e : exits) e.get(60, TimeUnit.SECONDS);
    if (sim != null) sim.close();
    if (postgres != null) postgres.close();
  }

  @Test void replicasOnOneDatabaseRefuseARevokedKeyEverywhereLoseNoLedgerRowAndKeepTheKeyBudget() throws Exception {
    postgres = TestPostgres.start().orElse(null);
    assumeTrue(postgres != null, TestPostgres::unavailable);
    String db = postgres.newDatabase("replicas");
    sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(3));
    // The simulator plays the free local model and GPT-4o-mini at its catalog price, so the key budget is money.
    // A local model's max-concurrent (2 built in, for an Ollama) would queue the clients in each replica.
    Files.writeString(dir.resolve("orchestrator.yaml"), "llm:\n  url: " + sim.baseUrl() + "/v1/chat/completions\n"
        + "  model: qwen2.5-coder-32b\nmodels:\n  qwen2.5-coder-32b:\n    max-concurrent: 256\n  gpt-4o-mini:\n"
        + "    endpoint: " + sim.baseUrl() + "/v1\n    max-concurrent: 256\n");
    env = Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString(),
        "XDG_DATA_HOME", dir.resolve("data").toString(), "ORCHESTRATOR_DB_URL", db);
    JsonNode team = createKey("team");
    JsonNode budgeted = createKey("budgeted", "--budget", BUDGET.toPlainString());
    JsonNode revoked = createKey("revoked");
    List<URI> targets = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) targets.add(URI.create(serve().baseUrl() + "/v1/chat/completions"));

    ReplicaLoad load = new ReplicaLoad(targets, List.of(
        new ReplicaLoad.Group("team", team.path("key").asText(), "local-first", 18),
        new ReplicaLoad.Group("budgeted", budgeted.path("key").asText(), "gpt-4o-mini", 3),
        new ReplicaLoad.Group("revoked", revoked.path("key").asText(), "local-first", 3)),
        Duration.ofSeconds(1), Clock.systemUTC(), line -> {});
    AtomicLong revokeStarted = new AtomicLong();
    AtomicLong revokedAt = new AtomicLong();
    // The key is revoked once every replica has served it, so that "refused from then on" follows "accepted".
    CountDownLatch servedEverywhere = new CountDownLatch(REPLICAS);
    Set<Integer> served = ConcurrentHashMap.newKeySet();
    Thread revoker = Thread.ofPlatform().name("revoker").start(() -> {
      try {
        if (!servedEverywhere.await(90, TimeUnit.SECONDS)) return;
        revokeStarted.set(System.currentTimeMillis());
        assertThat(run("keys", "revoke", revoked.path("id").asText())).isZero();
        revokedAt.set(System.currentTimeMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    // At least 4 s of measured load, and at least 3 s of it after the revocation returned.
    ReplicaLoad.Result result = load.run(measured -> measured.compareTo(Duration.ofSeconds(100)) >= 0
        || measured.compareTo(Duration.ofSeconds(4)) >= 0 && revokedAt.get() > 0
        && System.currentTimeMillis() - revokedAt.get() >= 3_000, s -> {
          if (s.group().equals("revoked") && s.status() == 200 && served.add(s.replica())) servedEverywhere.countDown();
        }, () -> {});
    revoker.join();
    // Stopping a replica commits every queued ledger row: the rows are read after.
    for (Gateway g : gateways) g.close();
    for (CompletableFuture<Integer> e : exits) assertThat(e.get(60, TimeUnit.SECONDS)).isZero();
    List<ReplicaLoad.Sent> sent = result.sent();
    assertThat(revokedAt.get()).as("the revocation ran").isPositive();

    // No request failed or was refused by a replica where nothing expects it. A request without an answer (status 0:
    // the client's connection failed or it gave up) is not a replica's answer; its row is accounted for below.
    List<ReplicaLoad.Sent> unexpected = sent.stream().filter(s -> s.status() != 200 && s.status() != 0
        && !(s.group().equals("revoked") && s.status() == 401 && s.sentMs() >= revokeStarted.get())
        && !(s.group().equals("budgeted") && s.status() == 429 && "budget_exhausted".equals(s.code()))).toList();
    assertThat(unexpected).as("requests refused or failed unexpectedly").isEmpty();

    // Revocation effective on every replica: each had the key working before and refused it after.
    for (int r = 0; r < REPLICAS; r++) {
      int replica = r;
      List<ReplicaLoad.Sent> revokedKey = sent.stream()
          .filter(s -> s.replica() == replica && s.group().equals("revoked")).toList();
      assertThat(revokedKey).as("replica %d served the key before revocation", replica)
          .anyMatch(s -> s.sentMs() < revokeStarted.get() && s.status() == 200);
      List<ReplicaLoad.Sent> after = revokedKey.stream().filter(s -> s.sentMs() >= revokedAt.get()).toList();
      assertThat(after).as("replica %d got requests with the key after revocation", replica).isNotEmpty();
      assertThat(after).as("replica %d after revocation", replica).allMatch(s -> s.status() == 401);
    }

    Set<String> answered = sent.stream().filter(s -> s.status() == 200).map(ReplicaLoad.Sent::requestId)
        .collect(Collectors.toSet());
    assertThat(answered).as("answers").hasSizeGreaterThan(20).doesNotContainNull();
    try (Connection c = DriverManager.getConnection(db)) {
      // No lost ledger row, and none extra: the successful rows of the three keys are exactly the 200s.
      Set<String> okRows = new HashSet<>();
      List<String> keyIds = List.of(team.path("id").asText(), budgeted.path("id").asText(),
          revoked.path("id").asText());
      try (PreparedStatement s = c.prepareStatement(
          "SELECT request_id FROM calls WHERE outcome = 'ok' AND key_id IN (?, ?, ?)")) {
        for (int i = 0; i < 3; i++) s.setString(i + 1, keyIds.get(i));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) assertThat(okRows.add(rs.getString(1))).as("one ok row per request").isTrue();
        }
      }
      assertThat(okRows).as("ledger rows of answered requests").containsAll(answered);
      long gaveUp = sent.stream().filter(s -> s.status() == 0).count();
      assertThat(okRows.size() - answered.size()).as("ok rows without an answer, at most the requests given up")
          .isLessThanOrEqualTo((int) gaveUp);

      // The key budget: settled at most its budget, nothing left held, refusals once spent, spend = ledger cost.
      try (PreparedStatement s = c.prepareStatement("SELECT budget_nanos, spent_nanos, held_nanos FROM gateway_keys "
          + "WHERE id = ?")) {
        s.setString(1, budgeted.path("id").asText());
        try (ResultSet rs = s.executeQuery()) {
          assertThat(rs.next()).isTrue();
          long budget = rs.getLong(1);
          long spent = rs.getLong(2);
          assertThat(budget).isEqualTo(BUDGET.movePointRight(9).longValueExact());
          assertThat(spent).as("settled spend").isPositive().isLessThanOrEqualTo(budget);
          assertThat(rs.getLong(3)).as("held at the end").isZero();
          assertThat(sent).as("refusals once the budget was spent")
              .anyMatch(x -> x.group().equals("budgeted") && "budget_exhausted".equals(x.code()));
          BigDecimal ledgerCost = BigDecimal.ZERO;
          try (PreparedStatement costs = c.prepareStatement("SELECT cost_usd FROM calls WHERE key_id = ?")) {
            costs.setString(1, budgeted.path("id").asText());
            try (ResultSet cr = costs.executeQuery()) {
              while (cr.next()) ledgerCost = ledgerCost.add(new BigDecimal(cr.getString(1)));
            }
          }
          assertThat(ledgerCost.movePointRight(9).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact())
              .as("key spend in nano-dollars equals the cost of its ledger rows").isEqualTo(spent);
        }
      }
    }
  }

  private JsonNode createKey(String name, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of("keys", "create", "--name", name, "--json"));
    args.addAll(List.of(extra));
    StringWriter out = new StringWriter();
    assertThat(Main.run(args.toArray(String[]::new), io(out, new StringWriter()))).isZero();
    return JSON.readTree(out.toString());
  }

  private int run(String... args) {
    return Main.run(args, io(new StringWriter(), new StringWriter()));
  }

  private Io io(StringWriter out, StringWriter err) {
    return new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env,
        dir);
  }

  /** One replica: the real serve command, in-process with its own ledger and connection pool. */
  private Gateway serve() throws Exception {
    StringWriter err = new StringWriter();
    CompletableFuture<Gateway> started = new CompletableFuture<>();
    Io io = io(new StringWriter(), err);
    CommandLine cl = new CommandLine(new ServeCommand(io, started::complete));
    cl.setOut(io.out());
    cl.setErr(io.err());
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    // Its own thread: serve blocks until closed.
    Thread.ofPlatform().name("replica-" + gateways.size())
        .start(() -> exit.complete(cl.execute("--port", "0", "--require-keys", "--no-ui", "--quiet")));
    exits.add(exit);
    Gateway g = CompletableFuture.anyOf(started, exit).thenApply(x -> started.getNow(null)).get(60, TimeUnit.SECONDS);
    assertThat(g).as("replica started; stderr: %s", err).isNotNull();
    gateways.add(g);
    return g;
  }
}
