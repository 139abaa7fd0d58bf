package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelsAndDoctorCommandTest {
  static final String OPENAI_KEY = "sk-proj-LEAKCHECK-openai-7f3a9c";
  static final String ANTHROPIC_KEY = "sk-ant-LEAKCHECK-anthropic-2b8e1d";
  static Simulator sim;
  @TempDir Path cwd;
  final Map<String, String> env = new HashMap<>();
  final List<String> allOutput = new ArrayList<>();
  StringWriter out;
  StringWriter err;

  @BeforeAll static void startSimulator() {
    // The simulator serves only these ids, like an Ollama with two models pulled.
    sim = Simulator.start(SimOptions.defaults().withPort(0).withModels("qwen2.5-coder:32b", "gpt-4o-mini"));
  }

  @AfterAll static void stopSimulator() {
    sim.close();
  }

  @BeforeEach void setUp() throws Exception {
    env.put("HOME", cwd.toString());
    env.put("PATH", "");
    Files.writeString(cwd.resolve("orchestrator.yaml"), """
        models:
          qwen2.5-coder-32b:
            endpoint: %1$s
          mistral-7b-instruct-v0.3:
            endpoint: %1$s
          gpt-4o-mini:
            endpoint: %1$s/v1
            kind: openai
        """.formatted(sim.baseUrl()));
  }

  int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]), env, cwd);
    int code = Main.run(args, io);
    allOutput.add(out.toString());
    allOutput.add(err.toString());
    return code;
  }

  @Test
  void modelsShowsEachModelWithReachabilityAndThePullCommandForMissingOnes() throws Exception {
    assertThat(run("models", "--json")).isEqualTo(ExitCodes.OK);
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.path("catalogVersion").asText()).startsWith("2026-11-builtin-1");
    JsonNode qwen = find(root, "qwen2.5-coder-32b");
    assertThat(qwen.path("reachable").asBoolean()).isTrue();
    assertThat(qwen.path("pulled").asBoolean()).isTrue();
    assertThat(qwen.path("local").asBoolean()).isTrue();
    assertThat(qwen.path("contextWindow").asInt()).isEqualTo(32768);
    JsonNode mistral = find(root, "mistral-7b-instruct-v0.3");
    assertThat(mistral.path("pulled").asBoolean()).isFalse();
    assertThat(mistral.path("pullCommand").asText()).isEqualTo("ollama pull mistral:7b-instruct-v0.3");
    JsonNode mini = find(root, "gpt-4o-mini");
    assertThat(mini.path("reachable").asBoolean()).as(mini.toString()).isTrue();
    assertThat(mini.at("/price/inputPerMillionUsd").decimalValue()).isEqualByComparingTo("0.15");
    assertThat(mini.at("/price/outputPerMillionUsd").decimalValue()).isEqualByComparingTo("0.60");

    assertThat(run("models")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("qwen2.5-coder-32b *").contains("ollama pull mistral:7b-instruct-v0.3");
  }

  static JsonNode find(JsonNode root, String name) {
    for (JsonNode m : root.path("models")) if (m.path("name").asText().equals(name)) return m;
    throw new AssertionError("no model " + name + " in " + root);
  }

  @Test
  void doctorReportsSourcesEndpointsKeysJdkAndSandbox() throws Exception {
    env.put("OPENAI_API_KEY", OPENAI_KEY);
    env.put("ORCHESTRATOR_FALLBACK_MODEL", "gpt-4o-mini");
    int code = run("doctor", "--json");
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.at("/apiKeys/OPENAI_API_KEY").asText()).isEqualTo("set");
    assertThat(root.at("/apiKeys/ANTHROPIC_API_KEY").asText()).isEqualTo("not set");
    assertThat(root.at("/configuration/files/0").asText()).endsWith("orchestrator.yaml");
    assertThat(root.at("/configuration/settings").toString()).contains("environment ORCHESTRATOR_FALLBACK_MODEL");
    assertThat(root.at("/models/0/role").asText()).isEqualTo("default");
    assertThat(root.at("/models/0/usable").asBoolean()).as(root.at("/models/0").toString()).isTrue();
    assertThat(root.at("/models/1/role").asText()).isEqualTo("fallback");
    assertThat(root.at("/java/version").asText()).isNotEmpty();
    assertThat(root.path("database").asText()).contains("SQLite").endsWith(": ok");
    assertThat(root.path("queue").asText()).startsWith("none").contains("PostgreSQL");
    // PATH is empty in this test, so the sandbox tool is missing: one problem, exit 1.
    assertThat(root.at("/sandbox/bwrap").isNull()).isTrue();
    assertThat(root.path("problems").toString()).contains("bwrap");
    assertThat(code).isEqualTo(ExitCodes.FAILED);
  }

  @Test
  void noApiKeyAppearsInAnyOutputOrError() {
    env.put("OPENAI_API_KEY", OPENAI_KEY);
    env.put("ANTHROPIC_API_KEY", ANTHROPIC_KEY);
    env.put("ORCHESTRATOR_FALLBACK_MODEL", "gpt-4o-mini");
    run("models");
    run("models", "--json");
    run("doctor");
    run("doctor", "--json");
    sim.enqueue("gpt-4o-mini", Scripted.text("fine"),
        Scripted.status(401, "{\"error\":{\"message\":\"Incorrect API key provided: " + OPENAI_KEY + "\"}}"),
        Scripted.status(400, "bad request echoing " + OPENAI_KEY));
    assertThat(run("ask", "--model", "gpt-4o-mini", "--json", "hi")).isEqualTo(ExitCodes.OK);
    assertThat(sim.requests().getLast().header("authorization")).contains("Bearer " + OPENAI_KEY);
    assertThat(run("ask", "--model", "gpt-4o-mini", "hi")).isEqualTo(ExitCodes.MODEL_ERROR);
    assertThat(run("ask", "--model", "gpt-4o-mini", "--json", "hi")).isEqualTo(ExitCodes.MODEL_ERROR);
    run("ask", "--model", "claude-3-5-sonnet", "--json", "hi");
    assertThat(allOutput).hasSizeGreaterThan(10);
    for (String text : allOutput) {
      assertThat(text).doesNotContain(OPENAI_KEY).doesNotContain(ANTHROPIC_KEY)
          .doesNotContain(OPENAI_KEY.substring(0, 20)).doesNotContain(ANTHROPIC_KEY.substring(0, 20));
    }
  }
}
