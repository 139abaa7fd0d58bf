package dev.spectra.orchestrator.model.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.provider.SimSpecs;
import dev.spectra.orchestrator.model.provider.Transport;
import dev.spectra.orchestrator.sim.RecordedRequest;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnthropicProviderTest {
  static final String KEY = "sk-ant-test-0123456789";
  static final AtomicInteger IDS = new AtomicInteger();
  static Simulator sim;
  final ObjectMapper json = new ObjectMapper();
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
    id = "claude-test-" + IDS.incrementAndGet();
  }

  @AfterEach void stop() {
    transport.close();
  }

  Model model() {
    return AnthropicProvider.create(SimSpecs.spec(ProviderKind.ANTHROPIC, sim.baseUrl(), id), KEY, transport);
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
  void sendsKeyVersionAndTopLevelSystemAndReadsTheAnswer() throws Exception {
    sim.enqueue(id, Scripted.text("Hello from Claude."));
    ModelRequest request = new ModelRequest(List.of(Message.system("Be kind."), Message.user("Hi")), null, null, false,
        ResponseFormat.TEXT, null);
    ModelReply reply = model().chat(request);
    assertThat(reply.text()).isEqualTo("Hello from Claude.");
    assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(reply.usage().estimated()).isFalse();
    assertThat(reply.cost()).isEqualTo(Price.perMillion("0.15", "0.60").cost(reply.usage()));
    RecordedRequest got = sim.requests().getLast();
    assertThat(got.path()).isEqualTo("/v1/messages");
    assertThat(got.header("x-api-key")).contains(KEY);
    assertThat(got.header("anthropic-version")).contains("2023-06-01");
    assertThat(got.body().path("system").asText()).isEqualTo("Be kind.");
    assertThat(got.body().path("messages")).hasSize(1);
    assertThat(got.body().path("max_tokens").asInt()).as("required by the API").isPositive();
  }

  @Test
  void streamsSseEventsToTheListener() throws Exception {
    sim.enqueue(id, Scripted.text("red orange yellow green"));
    List<String> deltas = new ArrayList<>();
    ModelReply reply = model().chat(ModelRequest.of("colours").withStream(true), deltas::add);
    assertThat(deltas).hasSizeGreaterThan(1);
    assertThat(reply.text()).isEqualTo("red orange yellow green").isEqualTo(String.join("", deltas));
    assertThat(reply.usage().estimated()).isFalse();
    assertThat(reply.usage().promptTokens()).isPositive();
  }

  @Test
  void constrainedSchemaIsAForcedToolWhoseInputIsTheAnswer() throws Exception {
    JsonNode schema = json.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
        + "\"required\":[\"city\"]}");
    sim.enqueue(id, Scripted.json("{\"city\":\"Paris\"}"), Scripted.json("{\"city\":\"Lyon\"}"));
    var format = new ResponseFormat.JsonSchema("city answer", schema, true);
    ModelReply reply = model().chat(ModelRequest.of("Which city?").withFormat(format));
    assertThat(json.readTree(reply.text())).isEqualTo(json.readTree("{\"city\":\"Paris\"}"));
    assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    JsonNode sent = sim.requests().getLast().body();
    assertThat(sent.at("/tools/0/name").asText()).isEqualTo("city_answer");
    assertThat(sent.at("/tools/0/input_schema")).isEqualTo(schema);
    assertThat(sent.at("/tool_choice/type").asText()).isEqualTo("tool");
    assertThat(sent.at("/tool_choice/name").asText()).isEqualTo("city_answer");

    ModelReply streamed = model().chat(ModelRequest.of("Which city?").withFormat(format).withStream(true));
    assertThat(json.readTree(streamed.text())).isEqualTo(json.readTree("{\"city\":\"Lyon\"}"));
  }

  @Test
  void failuresAreTyped() {
    sim.enqueue(id, Scripted.status(401, "invalid x-api-key " + KEY), Scripted.rateLimited(Duration.ofSeconds(2)),
        Scripted.status(529, "Overloaded"), Scripted.resetMidStream("half a"), Scripted.malformedBody(),
        Scripted.status(400, "prompt is too long: 250000 tokens > 200000 maximum"));
    ModelError auth = failure(model(), ModelRequest.of("a"));
    assertThat(auth).isInstanceOf(ModelError.AuthFailed.class);
    assertThat(auth.message()).contains("ANTHROPIC_API_KEY").doesNotContain(KEY);
    assertThat(failure(model(), ModelRequest.of("b"))).isInstanceOfSatisfying(ModelError.RateLimited.class, r ->
        assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(2)));
    assertThat(failure(model(), ModelRequest.of("c"))).isInstanceOf(ModelError.ServerError.class);
    assertThat(failure(model(), ModelRequest.of("d").withStream(true))).isInstanceOf(ModelError.StreamCutOff.class);
    assertThat(failure(model(), ModelRequest.of("e"))).isInstanceOf(ModelError.MalformedResponse.class);
    assertThat(failure(model(), ModelRequest.of("f"))).isInstanceOf(ModelError.ContextTooLong.class);
  }

  @Test
  void mapsStopToStopSequencesAndForwardsTopP() throws Exception {
    sim.enqueue(id, Scripted.text("ok"));
    model().chat(ModelRequest.of("hi").withSampling(new dev.spectra.orchestrator.model.Sampling(0.9, null,
        List.of("END"), null, null)));
    JsonNode sent = sim.requests().getLast().body();
    assertThat(sent.path("stop_sequences").toString()).isEqualTo("[\"END\"]");
    assertThat(sent.path("top_p").asDouble()).isEqualTo(0.9);
    assertThat(sent.has("stop")).isFalse();
  }

  @Test
  void refusesSeedAndPenaltiesItCannotHonourNamingTheField() {
    int before = sim.requests().size();
    ModelError e = failure(model(), ModelRequest.of("hi").withSampling(new dev.spectra.orchestrator.model.Sampling(
        null, null, List.of(), 0.5, null)));
    assertThat(e).isInstanceOfSatisfying(ModelError.BadRequest.class, b ->
        assertThat(b.detail()).contains("'frequency_penalty' is not supported"));
    assertThat(sim.requests()).as("nothing sent").hasSize(before);
  }
}
