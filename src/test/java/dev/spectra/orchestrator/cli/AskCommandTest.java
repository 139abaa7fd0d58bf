package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orchestrator ask} end to end through {@link Main#run}, against the simulator over HTTP. */
class AskCommandTest {
  static final AtomicInteger IDS = new AtomicInteger();
  static Simulator sim;
  @TempDir Path cwd;
  final Map<String, String> env = new HashMap<>();
  StringWriter out;
  StringWriter err;
  String id;

  @BeforeAll static void startSimulator() {
    sim = Simulator.start(SimOptions.defaults().withPort(0));
  }

  @AfterAll static void stopSimulator() {
    sim.close();
  }

  @BeforeEach void setUp() {
    env.put("HOME", cwd.toString());
    id = "ask-model-" + IDS.incrementAndGet();
  }

  int run(String... args) {
    return runWithInput("", args);
  }

  int runWithInput(String stdin, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Io io = new Io(new PrintWriter(out), new PrintWriter(err),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, cwd);
    return Main.run(args, io);
  }

  void useOpenAiCompatible() {
    env.put("ORCHESTRATOR_LLM_URL", sim.baseUrl() + "/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", id);
  }

  void useOllama() {
    env.put("ORCHESTRATOR_LLM_URL", sim.baseUrl() + "/api/chat");
    env.put("ORCHESTRATOR_LLM_MODEL", id);
  }

  static int deadPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void printsTheAnswerOnStdoutAndTheAccountingOnStderr() {
    useOpenAiCompatible();
    sim.enqueue(id, Scripted.text("Four."));
    assertThat(run("ask", "What is 2+2?")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).isEqualTo("Four." + System.lineSeparator());
    assertThat(err.toString()).contains(id).contains("tokens").contains("stop");
  }

  @Test
  void jsonCarriesAnswerServedModelUsageFinishReasonLatencyAndCost() throws Exception {
    useOllama();
    sim.enqueue(id, Scripted.text("Paris"));
    assertThat(run("ask", "--json", "--system", "Answer in one word.", "--max-tokens", "10", "--temperature", "0",
        "Capital of France?")).isEqualTo(ExitCodes.OK);
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.path("answer").asText()).isEqualTo("Paris");
    assertThat(root.path("model").asText()).isEqualTo(id);
    assertThat(root.path("servedModelId").asText()).isEqualTo(id);
    assertThat(root.at("/usage/completionTokens").asInt()).isPositive();
    assertThat(root.at("/usage/estimated").asBoolean()).isFalse();
    assertThat(root.path("finishReason").asText()).isEqualTo("stop");
    assertThat(root.has("latencyMs")).isTrue();
    assertThat(root.path("costUsd").decimalValue()).isZero();
    JsonNode sent = sim.requests().getLast().body();
    assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(sent.at("/options/num_predict").asInt()).isEqualTo(10);
  }

  @Test
  void streamPrintsTheAnswerAsItArrives() {
    useOpenAiCompatible();
    sim.enqueue(id, Scripted.text("one two three"));
    assertThat(run("ask", "--stream", "--quiet", "count")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).isEqualTo("one two three" + System.lineSeparator());
    assertThat(sim.requests().getLast().body().path("stream").asBoolean()).isTrue();
  }

  @Test
  void promptDashReadsStandardInput() {
    useOpenAiCompatible();
    sim.enqueue(id, Scripted.text("ok"));
    assertThat(runWithInput("from stdin", "ask", "--quiet", "-")).isEqualTo(ExitCodes.OK);
    assertThat(sim.requests().getLast().body().at("/messages/0/content").asText()).isEqualTo("from stdin");
  }

  @Test
  void unreachableOllamaExitsThreeNamingTheUrlAndTheFix() throws Exception {
    String url = "http://127.0.0.1:" + deadPort() + "/api/chat";
    env.put("ORCHESTRATOR_LLM_URL", url);
    assertThat(run("ask", "hello")).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(err.toString()).contains("127.0.0.1").contains("ollama serve").doesNotContain("Exception");
  }

  @Test
  void missingOllamaModelExitsFourWithThePullCommand() {
    Simulator only = Simulator.start(SimOptions.defaults().withPort(0).withModels("qwen2.5-coder:32b"));
    try {
      env.put("ORCHESTRATOR_LLM_URL", only.baseUrl() + "/api/chat");
      env.put("ORCHESTRATOR_LLM_MODEL", "mistral:7b");
      assertThat(run("ask", "hello")).isEqualTo(ExitCodes.MODEL_ERROR);
      assertThat(err.toString()).contains("not found").contains("ollama pull mistral:7b");
    } finally {
      only.close();
    }
  }

  @Test
  void modelErrorsExitFour() {
    useOpenAiCompatible();
    // A rejected request is not retried, so one scripted failure is the whole story.
    sim.enqueue(id, Scripted.status(400, "{\"error\":{\"message\":\"temperature must be <= 2\"}}"));
    assertThat(run("ask", "hello")).isEqualTo(ExitCodes.MODEL_ERROR);
    assertThat(err.toString()).contains("HTTP 400").contains("temperature must be <= 2")
        .contains(sim.baseUrl().toString());
  }

  @Test
  void modelFlagPicksAnIdOnTheConfiguredServer() {
    useOpenAiCompatible();
    sim.enqueue("other-" + id, Scripted.text("from other"));
    assertThat(run("ask", "--quiet", "--model", "other-" + id, "hi")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).startsWith("from other");
  }

  @Test
  void urlFlagBeatsTheEnvironment() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:" + deadPort() + "/v1/chat/completions");
    sim.enqueue(id, Scripted.text("via flag"));
    assertThat(run("ask", "--quiet", "--url", sim.baseUrl() + "/v1/chat/completions", "--model", id, "hi"))
        .isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).startsWith("via flag");
  }

  @Test
  void emptyPromptUnknownFlagAndInvalidUrlAreUsageErrors() {
    assertThat(run("ask", "  ")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("prompt is empty");
    assertThat(run("ask")).isEqualTo(ExitCodes.USAGE);
    assertThat(run("ask", "--bogus", "hi")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--bogus");
    env.put("ORCHESTRATOR_LLM_URL", "ftp://example.com/v1");
    assertThat(run("ask", "hi")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("ORCHESTRATOR_LLM_URL").contains("http(s) URL").doesNotContain("Exception");
  }

  @Test
  void malformedConfigFileIsAUsageErrorNamingFileAndLine() throws Exception {
    Files.writeString(cwd.resolve("orchestrator.yaml"), "models:\n  m:\n    kind: ollama\n    context-window: big\n");
    assertThat(run("ask", "hi")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("orchestrator.yaml:4: models.m.context-window: expected a whole number");
  }
}
