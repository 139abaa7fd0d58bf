package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.ledger.Database;
import dev.spectra.orchestrator.ledger.TestPostgres;
import dev.spectra.orchestrator.queue.Job;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JobRecord;
import dev.spectra.orchestrator.queue.Worker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code worker}, {@code run --submit} and {@code builds BUILD_ID} as a user meets them, without running a build. */
class WorkerCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TestPostgres pg;
  private static final AtomicInteger databases = new AtomicInteger();

  @TempDir Path dir;
  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  @BeforeAll
  static void startPostgres() {
    pg = TestPostgres.start().orElse(null);
  }

  @AfterAll
  static void stopPostgres() {
    if (pg != null) pg.close();
  }

  private String postgres() throws Exception {
    assumeTrue(pg != null, TestPostgres::unavailable);
    return pg.newDatabase("cli_" + databases.incrementAndGet());
  }

  int run(String dbUrl, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("ORCHESTRATOR_DB_URL", dbUrl);
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:" + RunCommandTest.closedPort());
    env.put("ORCHESTRATOR_LLM_KIND", "ollama");
    env.put("ORCHESTRATOR_LLM_MODEL", "qwen2.5-coder:32b");
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env,
        dir);
    return Main.run(args, io);
  }

  @Test
  void aWorkerWithoutPostgresqlIsAUsageErrorThatNamesTheVariable() {
    int code = run("jdbc:sqlite:" + dir.resolve("ledger.db"), "worker", "--id", "w1");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("ORCHESTRATOR_DB_URL=jdbc:postgresql://").contains("PostgreSQL")
        .doesNotContain("Exception");
  }

  @Test
  void submittingWithoutPostgresqlIsAUsageErrorThatNamesTheVariable() {
    int code = run("jdbc:sqlite:" + dir.resolve("ledger.db"), "run", "Build a todo service", "--submit", "--out",
        dir.resolve("todo").toString());

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("ORCHESTRATOR_DB_URL=jdbc:postgresql://");
  }

  @Test
  void aSubmittedBuildNeedsAnAbsoluteOutputDirectory() {
    int code = run("jdbc:sqlite:" + dir.resolve("ledger.db"), "run", "Build a todo service", "--submit", "--out",
        "todo");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--out todo: with --submit give an absolute path");
    assertThat(run("jdbc:sqlite:" + dir.resolve("ledger.db"), "run", "Build a todo service", "--submit"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--submit needs --out DIR");
  }

  @Test
  void aSubmittedBuildIsQueuedWithItsIdAndBuildsShowsItQueued() throws Exception {
    String db = postgres();
    Path target = dir.resolve("todo").toAbsolutePath();

    assertThat(run(db, "run", "Build a todo service", "--submit", "--out", target.toString(), "--json"))
        .as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode queued = JSON.readTree(out.toString());
    String id = queued.path("build_id").asText();
    assertThat(id).startsWith("run-");
    assertThat(queued.path("status").asText()).isEqualTo("queued");
    assertThat(queued.path("out").asText()).isEqualTo(target.toString());
    assertThat(queued.path("follow").asText()).isEqualTo("orchestrator builds " + id);
    assertThat(Files.exists(target)).as("nothing is written before a worker runs it").isFalse();

    assertThat(run(db, "builds", id, "--json")).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode row = JSON.readTree(out.toString());
    assertThat(row.path("id").asText()).isEqualTo(id);
    assertThat(row.path("outcome").asText()).isEqualTo("queued");
    assertThat(row.path("worker").isNull()).isTrue();

    assertThat(run(db, "run", "Build a todo service", "--submit", "--out", target.toString())).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("queued build run-").contains("follow it: orchestrator builds run-");
    assertThat(run(db, "builds")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains(id).contains("queued");
  }

  @Test
  void aWorkerProcessStopsCleanlyOnSigterm() throws Exception {
    String db = postgres();
    ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "dev.spectra.orchestrator.cli.Main", "worker", "--id", "term", "--poll", "0.2", "--json")
        .directory(dir.toFile()).redirectOutput(dir.resolve("worker.out").toFile())
        .redirectError(dir.resolve("worker.err").toFile());
    pb.environment().put("ORCHESTRATOR_DB_URL", db);
    pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    pb.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
    Process worker = pb.start();
    try {
      java.time.Instant deadline = java.time.Instant.now().plusSeconds(120);
      while (!Files.readString(dir.resolve("worker.out")).contains("\"event\":\"started\"")) {
        assertThat(worker.isAlive()).as(Files.readString(dir.resolve("worker.err"))).isTrue();
        assertThat(java.time.Instant.now()).isBefore(deadline);
        Thread.sleep(100);
      }
      worker.destroy();
      // The exit status after a signal is the signal's: 128 + 15 for SIGTERM.
      assertThat(worker.waitFor()).isEqualTo(143);
      assertThat(Files.readString(dir.resolve("worker.out"))).contains("\"event\":\"stopping\"")
          .contains("\"event\":\"stopped\"");
    } finally {
      worker.destroyForcibly();
    }
  }

  @Test
  void aBuildTheWorkerCouldNotRunIsListedFailedWithItsWorker() throws Exception {
    String db = postgres();
    assertThat(run(db, "run", "Build a todo service", "--submit", "--out", dir.resolve("todo").toString(), "--json"))
        .as(err.toString()).isEqualTo(ExitCodes.OK);
    String id = JSON.readTree(out.toString()).path("build_id").asText();
    try (Database database = Database.open(db)) {
      JobQueue queue = JobQueue.in(database, Clock.systemUTC());
      Worker.Listener quiet = new Worker.Listener() {
        @Override public void claimed(JobRecord job, int attempt) {}

        @Override public void ended(JobRecord job, Worker.Outcome outcome, Duration elapsed) {}
      };
      try (Worker worker = new Worker(database, queue, new Worker.Settings("edge-1", 1, Duration.ofMillis(500), 4,
          Duration.ofMillis(100), Duration.ZERO), Map.of(Job.Kind.BUILD,
          (job, before, w) -> new Worker.Outcome.Failed("unknown model 'big' on this worker")), quiet,
          Clock.systemUTC())) {
        worker.start();
        Instant deadline = Instant.now().plusSeconds(120);
        while (!queue.job(id).orElseThrow().ended()) {
          assertThat(Instant.now()).isBefore(deadline);
          Thread.sleep(50);
        }
      }
    }

    assertThat(run(db, "builds", id, "--json")).as(err.toString()).isEqualTo(ExitCodes.OK);
    JsonNode row = JSON.readTree(out.toString());
    assertThat(row.path("outcome").asText()).isEqualTo("failed");
    assertThat(row.path("worker").asText()).isEqualTo("edge-1");
    assertThat(run(db, "builds")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("WORKER").containsPattern(id + " +run +\\S+ \\S+ +failed +edge-1");
  }

  @Test
  void anUnknownBuildIdIsAUsageError() throws Exception {
    assertThat(run("jdbc:sqlite:" + dir.resolve("ledger.db"), "builds", "run-nope")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no build 'run-nope'");
  }
}
