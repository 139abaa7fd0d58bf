package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  Io io(Path cwd) {
    return new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
        Map.of("HOME", cwd.toString(), "XDG_DATA_HOME", cwd.resolve("data").toString(),
            "XDG_CONFIG_HOME", cwd.resolve("config").toString()), cwd);
  }

  static void task(Path dir, String id, String request, String entity, String path) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(id + ".yaml"), """
        request: "%s"
        complexity: 1
        entities: [%s]
        scenarios:
          - {name: create, method: POST, path: %s, body: {title: x}, expect: {status: 201}}
        """.formatted(request, entity, path));
  }

  @Test
  void simulatedEvalWritesTheSeedTableAndTheThreeReportsWithSimulationLabels(@TempDir Path cwd) throws Exception {
    Path suite = cwd.resolve("suite");
    task(suite, "notes", "Build a service that stores notes with a title.", "Note", "/notes");
    task(suite, "tags", "Build a service that keeps tags with a title.", "Tag", "/tags");
    int code = Main.run(new String[] {"eval", "--simulate", "--models", "qwen2.5-coder-32b,local-first",
        "--suite", suite.toString(), "--out", cwd.resolve("out").toString(), "--quiet"}, io(cwd));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("| Solution | Monthly Cost | Reliability (plans) | Autonomy | SPECTRA Score |")
        .contains("qwen2.5-coder-32b (simulated)").contains("local-first (simulated)");
    JsonNode run = new ObjectMapper().readTree(cwd.resolve("out/report.json").toFile());
    // The run id and the resume command come first, before any sample.
    assertThat(err.toString()).startsWith("Run " + run.path("run_id").asText() + ": reports go to")
        .contains("orchestrator eval --resume " + run.path("run_id").asText() + " --out ");
    assertThat(run.path("command").asText()).startsWith("orchestrator eval --simulate --models qwen2.5-coder-32b,local-first");
    assertThat(run.path("tool_version").asText()).isNotBlank();
    JsonNode report = new ObjectMapper().readTree(cwd.resolve("out/report.json").toFile());
    assertThat(report.path("subjects")).hasSize(2);
    assertThat(report.path("subjects").get(0).path("plan_success").path("n").asInt()).isEqualTo(2);
    assertThat(report.path("subjects").get(0).has("cost_per_plan_usd")).isTrue();
    assertThat(report.path("subjects").get(0).has("projected_cost_per_build_usd")).isTrue();
    assertThat(Files.readString(cwd.resolve("out/report.html"))).contains("<svg").doesNotContain("<script");
    // Simulated calls never reach the user's own ledger.
    assertThat(cwd.resolve("data/orchestrator/ledger.db")).satisfiesAnyOf(
        p -> assertThat(Files.exists(p)).isFalse(), p -> assertThat(Files.size(p)).isGreaterThan(0));
    assertThat(cwd.resolve("out/simulated-ledger.db")).exists();
  }

  @Test
  void anUnknownModelIsRefusedBeforeAnythingRuns(@TempDir Path cwd) {
    int code = Main.run(new String[] {"eval", "--simulate", "--models", "no-such-model", "--out",
        cwd.resolve("out").toString()}, io(cwd));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no-such-model").contains("known models");
    assertThat(cwd.resolve("out/samples.jsonl")).doesNotExist();
    assertThat(cwd.resolve("out")).doesNotExist();
  }

  @Test
  void anUnknownModelLeavesNoRunDirectoryInTheDefaultPlace(@TempDir Path cwd) {
    int code = Main.run(new String[] {"eval", "--simulate", "--models", "no-such-model"}, io(cwd));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(cwd.resolve("eval-results")).satisfiesAnyOf(
        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());
  }

  @Test
  void partOfTheBuiltinSuiteRunsByIdAndAnUnknownIdIsRefusedWithTheKnownOnes(@TempDir Path cwd) throws Exception {
    int code = Main.run(new String[] {"eval", "--simulate", "--models", "qwen2.5-coder-32b", "--suite",
        "builtin:01-notes,no-such-task", "--out", cwd.resolve("out").toString()}, io(cwd));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no-such-task").contains("01-notes").contains("13-bank-accounts");
    assertThat(cwd.resolve("out/samples.jsonl")).doesNotExist();

    code = Main.run(new String[] {"eval", "--simulate", "--models", "qwen2.5-coder-32b", "--suite",
        "builtin:01-notes,04-todos", "--out", cwd.resolve("part").toString(), "--quiet"}, io(cwd));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(Files.readAllLines(cwd.resolve("part/samples.jsonl"))).hasSize(2);
  }

  @Test
  void anEmptySuiteIsAUsageError(@TempDir Path cwd) throws Exception {
    Files.createDirectories(cwd.resolve("empty"));
    int code = Main.run(new String[] {"eval", "--suite", cwd.resolve("empty").toString()}, io(cwd));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("has no task");
  }

  @Test
  void aBrokenTaskFileStopsTheRunUnlessKeepGoing(@TempDir Path cwd) throws Exception {
    Path suite = cwd.resolve("suite");
    task(suite, "notes", "Build a service that stores notes with a title.", "Note", "/notes");
    Files.writeString(suite.resolve("broken.yaml"), "request: [unclosed\n");
    int code = Main.run(new String[] {"eval", "--simulate", "--models", "qwen2.5-coder-32b", "--suite",
        suite.toString(), "--out", cwd.resolve("out").toString(), "--quiet"}, io(cwd));
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("broken.yaml").contains("--keep-going");
    code = Main.run(new String[] {"eval", "--simulate", "--models", "qwen2.5-coder-32b", "--suite",
        suite.toString(), "--out", cwd.resolve("out2").toString(), "--quiet", "--keep-going"}, io(cwd));
    assertThat(code).isEqualTo(ExitCodes.OK);
  }

  @Test
  void resumeRunsOnlyWhatIsMissingAndKeepsTheRunsSettings(@TempDir Path cwd) throws Exception {
    Path suite = cwd.resolve("suite");
    task(suite, "notes", "Build a service that stores notes with a title.", "Note", "/notes");
    task(suite, "tags", "Build a service that keeps tags with a title.", "Tag", "/tags");
    Path outDir = cwd.resolve("out");
    int code = Main.run(new String[] {"eval", "--simulate", "--models", "qwen2.5-coder-32b", "--suite",
        suite.toString(), "--out", outDir.toString(), "--quiet", "--json"}, io(cwd));
    assertThat(code).isEqualTo(ExitCodes.OK);
    String runId = new ObjectMapper().readTree(outDir.resolve("report.json").toFile()).path("run_id").asText();
    // Drop the last sample, as a run killed before it finished would have.
    var lines = Files.readAllLines(outDir.resolve("samples.jsonl"));
    Files.write(outDir.resolve("samples.jsonl"), lines.subList(0, lines.size() - 1));
    code = Main.run(new String[] {"eval", "--resume", runId, "--out", outDir.toString(), "--quiet"}, io(cwd));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(Files.readAllLines(outDir.resolve("samples.jsonl"))).hasSize(lines.size());

    // Resuming a finished run says so and succeeds, again and again.
    err.getBuffer().setLength(0);
    code = Main.run(new String[] {"eval", "--resume", runId, "--out", outDir.toString(), "--quiet"}, io(cwd));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).contains("already finished");
  }

  @Test
  void anUnreachableModelIsAnUnavailableRowAndTheRunFinishes(@TempDir Path cwd) throws Exception {
    Path suite = cwd.resolve("suite");
    task(suite, "notes", "Build a service that stores notes with a title.", "Note", "/notes");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();   // closed again: nothing listens there
    }
    Files.writeString(cwd.resolve("orchestrator.yaml"), """
        models:
          gone: {kind: ollama, endpoint: "http://127.0.0.1:%d", local: true}
        """.formatted(port));
    int code = Main.run(new String[] {"eval", "--models", "gone", "--suite", suite.toString(), "--repeat", "2",
        "--out", cwd.resolve("out").toString(), "--quiet"}, io(cwd));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("| gone | unavailable");
    JsonNode report = new ObjectMapper().readTree(cwd.resolve("out/report.json").toFile());
    assertThat(report.path("partial").asBoolean()).isFalse();
    assertThat(report.path("subjects").get(0).path("available").asBoolean()).isFalse();
  }

  @Test
  void buildModeRunsAndGradesInsteadOfRefusing(@TempDir Path cwd) throws Exception {
    Path suite = cwd.resolve("suite");
    task(suite, "notes", "Build a service that stores notes with a title.", "Note", "/notes");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();   // closed again: nothing listens there
    }
    Files.writeString(cwd.resolve("orchestrator.yaml"), """
        models:
          gone: {kind: ollama, endpoint: "http://127.0.0.1:%d", local: true}
        """.formatted(port));
    int code = Main.run(new String[] {"eval", "--models", "gone", "--suite", suite.toString(), "--mode", "build",
        "--out", cwd.resolve("out").toString(), "--quiet"}, io(cwd));
    assertThat(code).as(err.toString()).isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).doesNotContain("cannot run them yet");
    JsonNode report = new ObjectMapper().readTree(cwd.resolve("out/report.json").toFile());
    assertThat(report.toString()).contains("build");
  }

}
