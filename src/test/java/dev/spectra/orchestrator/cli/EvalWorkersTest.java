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
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval --workers}: every sample goes through the queue to workers (here two, in this JVM, on a real
 * PostgreSQL) and the report is the one an in-process run writes, with each sample's worker.
 */
class EvalWorkersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Io io(Path cwd, String dbUrl, StringWriter out, StringWriter err) {
    return new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]),
        Map.of("HOME", cwd.toString(), "XDG_DATA_HOME", cwd.resolve("data").toString(),
            "XDG_CONFIG_HOME", cwd.resolve("config").toString(), "ORCHESTRATOR_DB_URL", dbUrl), cwd);
  }

  private static Worker worker(Database db, JobQueue queue, String id, Path home, String url) {
    Worker.Listener quiet = new Worker.Listener() {
      @Override public void claimed(JobRecord job, int attempt) {}

      @Override public void ended(JobRecord job, Worker.Outcome outcome, Duration elapsed) {}
    };
    Io workerIo = io(home, url, new StringWriter(), new StringWriter());
    return new Worker(db, queue, new Worker.Settings(id, 2, Duration.ofMillis(500), 4, Duration.ofMillis(100),
        Duration.ZERO), Map.of(Job.Kind.SAMPLE, EvalWorkers.samples(workerIo)), quiet, Clock.systemUTC());
  }

  @Test
  void samplesTakenByWorkersGiveTheReportOfAnInProcessRunWithEachSamplesWorker(@TempDir Path cwd) throws Exception {
    try (TestPostgres pg = TestPostgres.start().orElse(null)) {
      assumeTrue(pg != null, TestPostgres::unavailable);
      String url = pg.newDatabase("eval_workers");
      String[] run = {"eval", "--simulate", "--models", "qwen2.5-coder-32b,gpt-4o-mini", "--suite",
          "builtin:01-notes,02-bookmarks,03-contacts", "--repeat", "2", "--json"};

      StringWriter inProcessOut = new StringWriter();
      StringWriter inProcessErr = new StringWriter();
      List<String> local = new ArrayList<>(List.of(run));
      local.addAll(List.of("--out", cwd.resolve("in-process").toString()));
      assertThat(Main.run(local.toArray(String[]::new), io(cwd, url, inProcessOut, inProcessErr)))
          .as(inProcessErr.toString()).isEqualTo(ExitCodes.OK);

      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      List<String> queued = new ArrayList<>(List.of(run));
      queued.addAll(List.of("--out", cwd.resolve("workers").toString(), "--workers"));
      int code;
      try (Database db = Database.open(url)) {
        JobQueue queue = JobQueue.in(db, Clock.systemUTC());
        try (Worker a = worker(db, queue, "worker-a", cwd.resolve("a"), url);
            Worker b = worker(db, queue, "worker-b", cwd.resolve("b"), url)) {
          a.start();
          b.start();
          code = Main.run(queued.toArray(String[]::new), io(cwd, url, out, err));
        }
        assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
        String runId = JSON.readTree(out.toString()).path("run_id").asText();
        assertThat(queue.jobsOfRun(runId)).hasSize(12).allSatisfy(j -> {
          assertThat(j.status()).isEqualTo(JobRecord.DONE);
          assertThat(j.attempts()).isEqualTo(1);
        });
      }

      JsonNode inProcess = JSON.readTree(inProcessOut.toString());
      JsonNode viaWorkers = JSON.readTree(out.toString());
      // Same subjects, same tables, same sample count: the report means the same.
      assertThat(names(viaWorkers.path("subjects"), "subject")).isEqualTo(names(inProcess.path("subjects"), "subject"));
      assertThat(names(viaWorkers.path("tables"), "id")).isEqualTo(names(inProcess.path("tables"), "id"));
      assertThat(viaWorkers.path("partial").asBoolean()).isFalse();
      assertThat(inProcess.has("workers")).isFalse();
      TreeSet<String> taken = new TreeSet<>();
      viaWorkers.path("workers").forEach(keys -> keys.forEach(k -> taken.add(k.asText())));
      assertThat(taken).hasSize(12).contains("gpt-4o-mini|01-notes|0", "qwen2.5-coder-32b|03-contacts|1");
      assertThat(viaWorkers.path("workers").fieldNames()).toIterable().isSubsetOf("worker-a", "worker-b");
      List<String> lines = Files.readAllLines(cwd.resolve("workers/samples.jsonl"));
      assertThat(lines).hasSize(12).allSatisfy(l -> assertThat(JSON.readTree(l).path("worker").asText())
          .isIn("worker-a", "worker-b"));
      assertThat(Files.readString(cwd.resolve("workers/report.md"))).contains("Workers (samples taken): worker-");
      assertThat(Files.readAllLines(cwd.resolve("in-process/samples.jsonl"))).hasSize(12)
          .allSatisfy(l -> assertThat(JSON.readTree(l).path("worker").isNull()).isTrue());
    }
  }

  private static List<String> names(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }
}
