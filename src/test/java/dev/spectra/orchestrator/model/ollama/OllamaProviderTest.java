package dev.spectra.orchestrator.model.ollama;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.model.provider.SimSpecs;
import dev.spectra.orchestrator.model.provider.Transport;
import dev.spectra.orchestrator.sim.RecordedRequest;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OllamaProviderTest {
  static final AtomicInteger IDS = new AtomicInteger();
  static Simulator sim;
  final ObjectMapper json = new ObjectMapper();
  final List<String> warnings = new ArrayList<>();
  Transport transport;
  String id;

  @BeforeAll static void startSimulator() {
    sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(42));
  }

  @AfterAll static void stopSimulator() {
    sim.close();
  }

  @BeforeEach void start() {
    transport = new Transport();
    id = "llama" + IDS.incrementAndGet() + ":7b";
  }

  @AfterEach void stop() {
    transport.close();
  }

  ModelSpec spec(Timeouts timeouts) {
    return SimSpecs.spec(ProviderKind.OLLAMA, sim.baseUrl(), id, Price.FREE, EnumSet.allOf(Capability.class), timeouts);
  }

  Model model() {
    return OllamaProvider.create(spec(SimSpecs.RELAXED), transport, "30m", warnings::add);
  }

  static ModelError failure(Model m, ModelRequest request) {
    try {
      m.chat(request);
    } catch (ModelException e) {
      return e.error();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void usesTheNativeChatRouteWithContextWindowKeepAliveAndNoStreaming() throws Exception {
    sim.enqueue(id, Scripted.text("Bonjour."));
    ModelReply reply = model().chat(ModelRequest.of("Say hello in French").withMaxTokens(64).withTemperature(0.0));
    assertThat(reply.text()).isEqualTo("Bonjour.");
    assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(reply.usage().estimated()).isFalse();
    assertThat(reply.cost().isZero()).isTrue();
    RecordedRequest got = sim.requests().getLast();
    assertThat(got.path()).isEqualTo("/api/chat");
    assertThat(got.body().path("stream").isBoolean()).as("Ollama streams unless told not to").isTrue();
    assertThat(got.body().path("stream").asBoolean()).isFalse();
    assertThat(got.body().at("/options/num_ctx").asInt()).isEqualTo(8192);
    assertThat(got.body().at("/options/num_predict").asInt()).isEqualTo(64);
    assertThat(got.body().at("/options/temperature").asDouble()).isEqualTo(0.0);
    assertThat(got.body().path("keep_alive").asText()).isEqualTo("30m");
  }

  @Test
  void sendsTopPSeedStopAndPenaltiesInsideOptionsUnderOpenAisNames() throws Exception {
    sim.enqueue(id, Scripted.text("ok"));
    model().chat(ModelRequest.of("hi").withSampling(new dev.spectra.orchestrator.model.Sampling(0.5, 7L,
        List.of("END"), 0.25, -0.5)));
    JsonNode options = sim.requests().getLast().body().path("options");
    assertThat(options.path("top_p").asDouble()).isEqualTo(0.5);
    assertThat(options.path("seed").asLong()).isEqualTo(7L);
    assertThat(options.path("stop").toString()).isEqualTo("[\"END\"]");
    assertThat(options.path("frequency_penalty").asDouble()).isEqualTo(0.25);
    assertThat(options.path("presence_penalty").asDouble()).isEqualTo(-0.5);
  }

  @Test
  void streamsNdjsonTokensToTheListener() throws Exception {
    sim.enqueue(id, Scripted.text("alpha beta gamma delta"));
    List<String> deltas = new ArrayList<>();
    ModelReply reply = model().chat(ModelRequest.of("greek").withStream(true), deltas::add);
    assertThat(deltas).hasSizeGreaterThan(1);
    assertThat(String.join("", deltas)).isEqualTo("alpha beta gamma delta");
    assertThat(reply.text()).isEqualTo("alpha beta gamma delta");
    assertThat(reply.usage().estimated()).isFalse();
  }

  @Test
  void truncationIsLengthAndMissingUsageIsEstimated() throws Exception {
    sim.enqueue(id, Scripted.truncated("{\"a\": [1, 2"), Scripted.noUsage("no counts here"));
    assertThat(model().chat(ModelRequest.of("x")).finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(model().chat(ModelRequest.of("y")).usage().estimated()).isTrue();
  }

  @Test
  void missingModelSaysToPullIt() {
    Simulator only = Simulator.start(SimOptions.defaults().withPort(0).withModels("qwen2.5-coder:32b"));
    try {
      ModelSpec spec = SimSpecs.spec(ProviderKind.OLLAMA, only.baseUrl(), "mistral:7b");
      ModelError e = failure(OllamaProvider.create(spec, transport, null, warnings::add), ModelRequest.of("hi"));
      assertThat(e).isInstanceOf(ModelError.ModelNotFound.class);
      assertThat(e.message()).contains("ollama pull mistral:7b");
    } finally {
      only.close();
    }
  }

  @Test
  void tagsTellWhichModelsArePulled() throws Exception {
    Simulator only = Simulator.start(SimOptions.defaults().withPort(0).withModels("qwen2.5-coder:32b", "mistral"));
    try {
      List<String> pulled = new OllamaServer(only.baseUrl(), transport, SimSpecs.RELAXED).pulledModels();
      assertThat(OllamaServer.isPulled("qwen2.5-coder:32b", pulled)).isTrue();
      assertThat(OllamaServer.isPulled("mistral", pulled)).isTrue();
      assertThat(OllamaServer.isPulled("llama3.3:70b", pulled)).isFalse();
    } finally {
      only.close();
    }
  }

  @Test
  void unreachableServerSaysToStartOllama() throws Exception {
    ModelSpec dead = SimSpecs.spec(ProviderKind.OLLAMA, SimSpecs.deadBase(), id);
    ModelError e = failure(OllamaProvider.create(dead, transport, null, warnings::add), ModelRequest.of("hi"));
    assertThat(e).isInstanceOf(ModelError.ConnectionRefused.class);
    assertThat(e.message()).contains("ollama serve").contains(dead.endpoint().toString());
  }

  @Test
  void constrainedSchemaGoesInFormatAndJsonModeAsJson() throws Exception {
    JsonNode schema = json.readTree("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}}}");
    model().chat(ModelRequest.of("n?").withFormat(new ResponseFormat.JsonSchema("n", schema, true)));
    JsonNode sent = sim.requests().getLast().body();
    assertThat(sent.get("format")).isEqualTo(schema);
    assertThat(sent.at("/options/num_predict").asInt()).as("JSON output is capped").isPositive();
    model().chat(ModelRequest.of("any json").withFormat(ResponseFormat.JSON));
    assertThat(sim.requests().getLast().body().path("format").asText()).isEqualTo("json");
  }

  @Test
  void warnsWhenThePromptExceedsTheContextWindow() throws Exception {
    ModelSpec small = new ModelSpec("tiny", ProviderKind.OLLAMA, sim.baseUrl(), id, true, Price.FREE, 64,
        EnumSet.allOf(Capability.class), SimSpecs.RELAXED, null, 1);
    Model m = OllamaProvider.create(small, transport, null, warnings::add);
    m.chat(ModelRequest.of("short"));
    assertThat(warnings).isEmpty();
    m.chat(ModelRequest.of("many words ".repeat(200)));
    assertThat(warnings).singleElement().asString().contains("exceeds the context window").contains("tiny");
  }

  @Test
  void slowFirstTokenIsAFirstTokenTimeoutNotADeadServer() {
    sim.enqueue(id, Scripted.slowFirstToken(Duration.ofSeconds(3), "loaded"));
    Timeouts tight = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(30));
    Model m = OllamaProvider.create(spec(tight), transport, null, warnings::add);
    assertThat(failure(m, ModelRequest.of("hi"))).isInstanceOfSatisfying(ModelError.Timeout.class, t ->
        assertThat(t.phase()).isEqualTo(ModelError.Timeout.Phase.FIRST_TOKEN));
  }

  @Test
  void cutStreamsServerErrorsAndMalformedBodiesAreTyped() {
    sim.enqueue(id, Scripted.resetMidStream("partial answ"), Scripted.status(500, "runner crashed"),
        Scripted.malformedBody(), Scripted.rateLimited(Duration.ofSeconds(1)));
    assertThat(failure(model(), ModelRequest.of("a").withStream(true))).isInstanceOf(ModelError.StreamCutOff.class);
    assertThat(failure(model(), ModelRequest.of("b"))).isInstanceOf(ModelError.ServerError.class);
    assertThat(failure(model(), ModelRequest.of("c"))).isInstanceOf(ModelError.MalformedResponse.class);
    assertThat(failure(model(), ModelRequest.of("d"))).isInstanceOf(ModelError.RateLimited.class);
  }
}
