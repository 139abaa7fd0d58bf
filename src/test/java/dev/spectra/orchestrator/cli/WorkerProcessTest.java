package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.ledger.Database;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.StepRecord;
import dev.spectra.orchestrator.ledger.TestPostgres;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JobRecord;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real {@code orchestrator worker} processes on a real PostgreSQL, building the library example with the in-process
 * simulator as the model: one is killed (SIGKILL) in the middle of the build, the other takes the build over once
 * the heartbeats stop and resumes it from the journal kept in the database.
 */
@Tag("e2e")
class WorkerProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TestPostgres pg;
  private Simulator sim;
  private final List<Process> processes = new ArrayList<>();

  @AfterEach
  void stopEverything() {
    for (Process p : processes) p.destroyForcibly();
    if (sim != null) sim.close();
    if (pg != null) pg.close();
  }

  private Map<String, String> env(String dbUrl) {
    // The user's environment (the JDK, Maven's cache for the generated project's tests), with our model and ledger.
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("ORCHESTRATOR_DB_URL", dbUrl);
    env.put("ORCHESTRATOR_LLM_URL", sim.baseUrl().toString());
    env.put("ORCHESTRATOR_LLM_KIND", "ollama");
    env.put("ORCHESTRATOR_LLM_MODEL", "qwen2.5-coder:32b");
    env.remove("ORCHESTRATOR_FALLBACK_URL");
    env.remove("ORCHESTRATOR_FALLBACK_MODEL");
    return env;
  }

  private Process worker(Map<String, String> env, String id, boolean unsafe) throws Exception {
    List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
        "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        "dev.spectra.orchestrator.cli.Main", "worker", "--id", id, "--heartbeat", "0.5", "--missed-heartbeats", "4",
        "--poll", "0.2", "--json"));
    if (unsafe) command.add("--unsafe-no-sandbox");
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
        .redirectOutput(dir.resolve(id + ".out").toFile()).redirectError(dir.resolve(id + ".err").toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  private int cli(Map<String, String> env, StringWriter out, StringWriter err, String... args) {
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env,
        dir);
    return Main.run(args, io);
  }

  /** Polls until the job satisfies {@code condition}; the deadline only bounds a broken run. */
  private JobRecord await(JobQueue queue, String id, Predicate<JobRecord> condition, Duration limit) throws Exception {
    Instant deadline = Instant.now().plus(limit);
    while (true) {
      JobRecord job = queue.job(id).orElseThrow();
      if (condition.test(job)) return job;
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("job " + id + " still " + job + "\n" + logs());
      }
      Thread.sleep(100);
    }
  }

  private String logs() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var files = Files.list(dir)) {
      for (Path f : files.filter(f -> f.toString().endsWith(".out") || f.toString().endsWith(".err")).toList()) {
        sb.append("--- ").append(f.getFileName()).append('\n').append(Files.readString(f));
      }
    }
    return sb.toString();
  }

  @Test
  void aBuildWhoseWorkerIsKilledIsResumedByAnotherWorkerWithoutAskingCompletedStepsAgain() throws Exception {
    pg = TestPostgres.start().orElse(null);
    assumeTrue(pg != null, TestPostgres::unavailable);
    String url = pg.newDatabase("workers");
    sim = Simulator.start(SimOptions.defaults().withPort(0));
    Map<String, String> env = env(url);
    boolean unsafe = !Files.isExecutable(Path.of("/usr/bin/bwrap"));
    Path out = dir.resolve("library").toAbsolutePath();
    String request = "@" + Path.of("examples/library-loans.txt").toAbsolutePath();

    StringWriter out1 = new StringWriter();
    StringWriter err1 = new StringWriter();
    List<String> submit = new ArrayList<>(List.of("run", request, "--submit", "--out", out.toString(), "--json"));
    if (unsafe) submit.add("--unsafe-no-sandbox");
    assertThat(cli(env, out1, err1, submit.toArray(String[]::new))).as(err1.toString()).isEqualTo(0);
    String id = JSON.readTree(out1.toString()).path("build_id").asText();

    try (Database db = Database.open(url); Ledger ledger = Ledger.open(url, Clock.systemUTC())) {
      JobQueue queue = JobQueue.in(db, Clock.systemUTC());
      Process first = worker(env, "w1", unsafe);
      // The plan is the build's first model step; once its journal and its ledger row are in the database, w1 dies.
      // (The ledger writes its rows in the background: a worker killed earlier would take the row with it.)
      await(queue, id, j -> j.journalStep() != null && !j.journalStep().equals("started")
          && ledger.steps(id).stream().anyMatch(s -> s.step().equals("plan") && StepRecord.DONE.equals(s.status())),
          Duration.ofMinutes(5));
      first.destroyForcibly().waitFor();
      Map<String, Instant> doneBeforeKill = ledger.steps(id).stream()
          .filter(s -> StepRecord.DONE.equals(s.status()))
          .collect(Collectors.toMap(StepRecord::step, StepRecord::finished));
      assertThat(doneBeforeKill).containsKey("plan");
      assertThat(queue.job(id).orElseThrow().status()).isEqualTo(JobRecord.RUNNING);

      worker(env, "w2", unsafe);
      JobRecord ended = await(queue, id, JobRecord::ended, Duration.ofMinutes(15));

      assertThat(ended.status()).as(logs()).isEqualTo(JobRecord.DONE);
      assertThat(ended.outcome()).as(ended.result() + "\n" + logs()).isEqualTo("verified");
      assertThat(ended.workers()).containsExactly("w1", "w2");
      assertThat(ended.worker()).isEqualTo("w2");
      // No step done before the kill ran again: each kept the time it finished on w1.
      Map<String, Instant> after = ledger.steps(id).stream().filter(s -> s.finished() != null)
          .collect(Collectors.toMap(StepRecord::step, StepRecord::finished));
      assertThat(after).containsAllEntriesOf(doneBeforeKill);
      JsonNode report = JSON.readTree(out.resolve("build-report.json").toFile());
      List<String> steps = new ArrayList<>();
      report.path("steps").forEach(s -> steps.add(s.path("name").asText()));
      assertThat(steps).as("each step once in the report").doesNotHaveDuplicates().contains("plan");
      assertThat(Files.readString(dir.resolve("w2.out"))).contains("\"event\":\"claimed\"").contains("\"attempt\":2");
    }

    StringWriter out2 = new StringWriter();
    StringWriter err2 = new StringWriter();
    assertThat(cli(env, out2, err2, "builds", id, "--json")).as(err2.toString()).isEqualTo(0);
    JsonNode row = JSON.readTree(out2.toString());
    assertThat(row.path("worker").asText()).isEqualTo("w2");
    assertThat(row.path("outcome").asText()).isEqualTo("verified");
  }
}
