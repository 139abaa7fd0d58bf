package dev.spectra.orchestrator.model.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Message;
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

class OpenAiProviderTest {
  static final String KEY = "sk-test-openai-0123456789";
  final ObjectMapper json = new ObjectMapper();
  static final AtomicInteger IDS = new AtomicInteger();
  // One simulator for the class (starting one is the slow part); each test scripts its own model id.
  static Simulator shared;
  Simulator sim;
  Transport transport;
  String id;

  @BeforeAll static void startSimulator() {
    shared = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(42));
  }

  @AfterAll static void stopSimulator() {
    shared.close();
  }

  @BeforeEach void start() {
    sim = shared;
    transport = new Transport();
    id = "m" + IDS.incrementAndGet();
  }

  @AfterEach void stop() {
    transport.close();
    if (sim != shared) sim.close();
  }

  Model model(ProviderKind kind) {
    return OpenAiProvider.create(SimSpecs.spec(kind, sim.baseUrl(), id), KEY, transport);
  }

  ModelError failure(Model m, ModelRequest request) {
    try {
      m.chat(request);
    } catch (ModelException e) {
      return e.error();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void answersWithTextUsageFinishReasonServedModelAndCost() throws Exception {
    sim.enqueue(id, Scripted.text("Paris is the capital."));
    ModelSpec spec = SimSpecs.spec(ProviderKind.OPENAI_COMPATIBLE, sim.baseUrl(), id);
    ModelReply reply = OpenAiProvider.create(spec, KEY, transport).chat(ModelRequest.of("Capital of France?"));
    assertThat(reply.text()).isEqualTo("Paris is the capital.");
    assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(reply.usage().estimated()).isFalse();
    assertThat(reply.usage().completionTokens()).isPositive();
    assertThat(reply.servedBy()).isEqualTo(spec.name());
    assertThat(reply.servedModelId()).isEqualTo(id);
    assertThat(reply.cost()).isEqualTo(Price.perMillion("0.15", "0.60").cost(reply.usage()));
    assertThat(reply.timeToFirstToken()).isNotNull();
    assertThat(reply.latency()).isNotNull();
  }

  @Test
  void sendsModelMessagesLimitsAndTheKeyAsBearerToken() throws Exception {
    ModelRequest request = new ModelRequest(List.of(Message.system("Be brief."), Message.user("Hi")), 50, 0.2, false,
        ResponseFormat.TEXT, null);
    model(ProviderKind.OPENAI_COMPATIBLE).chat(request);
    RecordedRequest got = sim.requests().getLast();
    assertThat(got.path()).isEqualTo("/v1/chat/completions");
    assertThat(got.header("authorization")).contains("Bearer " + KEY);
    assertThat(got.body().path("model").asText()).isEqualTo(id);
    assertThat(got.body().path("messages").get(0).path("role").asText()).isEqualTo("system");
    assertThat(got.body().path("messages").get(1).path("content").asText()).isEqualTo("Hi");
    assertThat(got.body().path("max_tokens").asInt()).isEqualTo(50);
    assertThat(got.body().path("temperature").asDouble()).isEqualTo(0.2);
    assertThat(got.body().has("stream")).isFalse();
  }

  @Test
  void streamsTokensToTheListenerAndAssemblesTheSameText() throws Exception {
    sim.enqueue(id, Scripted.text("one two three four five"));
    List<String> deltas = new ArrayList<>();
    ModelReply reply = model(ProviderKind.OPENAI_COMPATIBLE).chat(ModelRequest.of("count").withStream(true), deltas::add);
    assertThat(deltas).hasSizeGreaterThan(1);
    assertThat(String.join("", deltas)).isEqualTo("one two three four five");
    assertThat(reply.text()).isEqualTo("one two three four five");
    assertThat(reply.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(reply.usage().estimated()).as("stream_options.include_usage gives real usage").isFalse();
    assertThat(sim.requests().getLast().body().path("stream_options").path("include_usage").asBoolean()).isTrue();
  }

  @Test
  void estimatesAndMarksUsageWhenTheServerReportsNone() throws Exception {
    sim.enqueue(id, Scripted.noUsage("A reply without any usage block at all."));
    ModelReply reply = model(ProviderKind.OPENAI_COMPATIBLE).chat(ModelRequest.of("Say something"));
    assertThat(reply.usage().estimated()).isTrue();
    assertThat(reply.usage().promptTokens()).isPositive();
    assertThat(reply.usage().completionTokens()).isPositive();
  }

  @Test
  void truncatedReplyFinishesWithLength() throws Exception {
    sim.enqueue(id, Scripted.truncated("{\"name\": \"Ana\", \"items\": [\"lechuga\""));
    assertThat(model(ProviderKind.OPENAI_COMPATIBLE).chat(ModelRequest.of("list")).finishReason())
        .isEqualTo(FinishReason.LENGTH);
  }

  @Test
  void rateLimitCarriesRetryAfter() {
    sim.enqueue(id, Scripted.rateLimited(Duration.ofSeconds(3)));
    assertThat(failure(model(ProviderKind.OPENAI_COMPATIBLE), ModelRequest.of("hi")))
        .isInstanceOfSatisfying(ModelError.RateLimited.class, e ->
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(3)));
  }

  @Test
  void authFailureNamesTheVariableAndNeverTheKey() {
    sim.enqueue(id, Scripted.status(401, "Incorrect API key provided: " + KEY));
    ModelError e = failure(OpenAiProvider.create(SimSpecs.spec(ProviderKind.OPENAI, sim.baseUrl(), id), KEY,
        transport), ModelRequest.of("hi"));
    assertThat(e).isInstanceOf(ModelError.AuthFailed.class);
    assertThat(e.message()).contains("OPENAI_API_KEY").doesNotContain(KEY);
  }

  @Test
  void serverErrorsBadRequestsAndContextOverflowsAreTold() {
    Model m = model(ProviderKind.OPENAI_COMPATIBLE);
    sim.enqueue(id, Scripted.status(503, "down for maintenance"),
        Scripted.status(400, "{\"error\":{\"message\":\"temperature must be <= 2\",\"type\":\"invalid_request_error\"}}"),
        Scripted.status(400, "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens\","
            + "\"code\":\"context_length_exceeded\"}}"));
    assertThat(failure(m, ModelRequest.of("a"))).isInstanceOf(ModelError.ServerError.class);
    assertThat(failure(m, ModelRequest.of("b"))).isInstanceOfSatisfying(ModelError.BadRequest.class, e ->
        assertThat(e.detail()).contains("temperature must be <= 2"));
    assertThat(failure(m, ModelRequest.of("c"))).isInstanceOf(ModelError.ContextTooLong.class);
  }

  @Test
  void unknownModelIsModelNotFound() {
    sim = Simulator.start(SimOptions.defaults().withPort(0).withModels("served-model"));
    assertThat(failure(model(ProviderKind.OPENAI_COMPATIBLE), ModelRequest.of("hi")))
        .isInstanceOf(ModelError.ModelNotFound.class);
  }

  @Test
  void theAnswerComesFromTheFirstChoiceWhateverElseTheBodyCarries() throws Exception {
    sim.enqueue(id, Scripted.status(200, "{\"id\":\"x\",\"extra\":{\"nested\":[1,{\"a\":[]}]},\"choices\":[{"
        + "\"index\":0,\"logprobs\":null,\"message\":{\"role\":\"assistant\",\"content\":\"first\"},"
        + "\"finish_reason\":\"length\"},{\"index\":1,\"message\":{\"content\":\"second\"}}],"
        + "\"model\":\"served-x\",\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":3}}"));
    ModelReply reply = model(ProviderKind.OPENAI_COMPATIBLE).chat(ModelRequest.of("a"));
    assertThat(reply.text()).isEqualTo("first");
    assertThat(reply.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(reply.usage()).isEqualTo(new dev.spectra.orchestrator.model.Usage(7, 3, false));
    assertThat(reply.servedModelId()).isEqualTo("served-x");
  }

  @Test
  void anErrorAnywhereInA200BodyOrNoChoiceIsAMalformedResponse() {
    sim.enqueue(id, Scripted.status(200, "{\"choices\":[{\"message\":{\"content\":\"ok\"}}],\"error\":{\"m\":1}}"),
        Scripted.status(200, "{\"choices\":[]}"), Scripted.status(200, "[1]"));
    for (String q : List.of("a", "b", "c")) {
      assertThat(failure(model(ProviderKind.OPENAI_COMPATIBLE), ModelRequest.of(q)))
          .isInstanceOf(ModelError.MalformedResponse.class);
    }
  }

  @Test
  void malformedBodiesAreMalformedResponses() {
    sim.enqueue(id, Scripted.malformedBody(), Scripted.missingFields());
    assertThat(failure(model(ProviderKind.OPENAI_COMPATIBLE), ModelRequest.of("a")))
        .isInstanceOf(ModelError.MalformedResponse.class);
    assertThat(failure(model(ProviderKind.OPENAI_COMPATIBLE), ModelRequest.of("b")))
        .isInstanceOf(ModelError.MalformedResponse.class);
  }

  @Test
  void streamResetMidwayIsStreamCutOffWithThePartialText() {
    sim.enqueue(id, Scripted.resetMidStream("The answer is forty"));
    List<String> deltas = new ArrayList<>();
    try {
      model(ProviderKind.OPENAI_COMPATIBLE).chat(ModelRequest.of("q").withStream(true), deltas::add);
      throw new AssertionError("expected a failure");
    } catch (ModelException e) {
      assertThat(e.error()).isInstanceOfSatisfying(ModelError.StreamCutOff.class, c ->
          assertThat("The answer is forty").startsWith(c.partialText()));
    }
  }

  @Test
  void slowFirstTokenPastItsLimitIsAFirstTokenTimeout() {
    sim.enqueue(id, Scripted.slowFirstToken(Duration.ofSeconds(3), "late"));
    Timeouts tight = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(30));
    Model m = OpenAiProvider.create(SimSpecs.spec(ProviderKind.OPENAI_COMPATIBLE, sim.baseUrl(), id, Price.FREE,
        EnumSet.allOf(Capability.class), tight), null, transport);
    assertThat(failure(m, ModelRequest.of("hi").withStream(true))).isInstanceOfSatisfying(ModelError.Timeout.class,
        t -> assertThat(t.phase()).isEqualTo(ModelError.Timeout.Phase.FIRST_TOKEN));
  }

  @Test
  void aWholeAnswerPastItsFirstTokenLimitIsAFirstTokenTimeoutAndTheThreadCarriesOnUninterrupted() throws Exception {
    // A whole (non-streamed) answer is awaited inside the JDK client's send; the deadline watch ends that wait by
    // interrupting it, and nothing of that interrupt may leak into the caller's next wait.
    sim.enqueue(id, Scripted.slowFirstToken(Duration.ofSeconds(3), "late"));
    Timeouts tight = new Timeouts(Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(30));
    Model m = OpenAiProvider.create(SimSpecs.spec(ProviderKind.OPENAI_COMPATIBLE, sim.baseUrl(), id, Price.FREE,
        EnumSet.allOf(Capability.class), tight), null, transport);

    assertThat(failure(m, ModelRequest.of("hi"))).isInstanceOfSatisfying(ModelError.Timeout.class,
        t -> assertThat(t.phase()).isEqualTo(ModelError.Timeout.Phase.FIRST_TOKEN));
    assertThat(Thread.currentThread().isInterrupted()).isFalse();

    sim.enqueue(id, Scripted.text("on time"));
    assertThat(m.chat(ModelRequest.of("again")).text()).isEqualTo("on time");
  }

  @Test
  void aCallerInterruptedByItsOwnerKeepsTheInterruptAndGetsNoAnswer() {
    // A cancelled build interrupts its thread: the call stops, and the interrupt stays for the build to see.
    sim.enqueue(id, Scripted.text("never read"));
    Model m = model(ProviderKind.OPENAI_COMPATIBLE);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> m.chat(ModelRequest.of("hi"))).isInstanceOf(ModelException.class);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void slowDripPastTheTotalLimitIsATotalTimeout() {
    sim.enqueue(id, Scripted.slowDrip(Duration.ofMillis(300),
        "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"));
    Timeouts tight = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofMillis(700));
    Model m = OpenAiProvider.create(SimSpecs.spec(ProviderKind.OPENAI_COMPATIBLE, sim.baseUrl(), id, Price.FREE,
        EnumSet.allOf(Capability.class), tight), null, transport);
    assertThat(failure(m, ModelRequest.of("count").withStream(true))).isInstanceOfSatisfying(ModelError.Timeout.class,
        t -> assertThat(t.phase()).isEqualTo(ModelError.Timeout.Phase.TOTAL));
  }

  @Test
  void nothingListeningIsConnectionRefusedNamingTheEndpoint() throws Exception {
    ModelSpec dead = SimSpecs.spec(ProviderKind.OPENAI_COMPATIBLE, SimSpecs.deadBase(), id);
    ModelError e = failure(OpenAiProvider.create(dead, null, transport), ModelRequest.of("hi"));
    assertThat(e).isInstanceOf(ModelError.ConnectionRefused.class);
    assertThat(e.message()).contains(dead.endpoint().toString());
  }

  JsonNode sentFormat(ProviderKind kind, ResponseFormat format, boolean jsonMode) throws Exception {
    var caps = jsonMode ? EnumSet.allOf(Capability.class) : EnumSet.of(Capability.STREAMING);
    Model m = OpenAiProvider.create(SimSpecs.spec(kind, sim.baseUrl(), id, Price.FREE, caps, SimSpecs.RELAXED), null,
        transport);
    m.chat(ModelRequest.of("give json").withFormat(format));
    return sim.requests().getLast().body();
  }

  @Test
  void constrainedSchemaUsesEachBackendsNativeField() throws Exception {
    JsonNode schema = json.readTree("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"}},"
        + "\"required\":[\"a\"],\"additionalProperties\":false}");
    var format = new ResponseFormat.JsonSchema("thing", schema, true);

    JsonNode openai = sentFormat(ProviderKind.OPENAI, format, true);
    assertThat(openai.at("/response_format/type").asText()).isEqualTo("json_schema");
    assertThat(openai.at("/response_format/json_schema/name").asText()).isEqualTo("thing");
    assertThat(openai.at("/response_format/json_schema/schema")).isEqualTo(schema);
    assertThat(openai.at("/response_format/json_schema/strict").asBoolean()).isTrue();

    JsonNode compatible = sentFormat(ProviderKind.OPENAI_COMPATIBLE, format, true);
    assertThat(compatible.at("/response_format/json_schema/strict").asBoolean()).isFalse();

    JsonNode llamaCpp = sentFormat(ProviderKind.LLAMA_CPP, format, true);
    assertThat(llamaCpp.get("json_schema")).isEqualTo(schema);
    assertThat(llamaCpp.has("response_format")).isFalse();

    JsonNode vllm = sentFormat(ProviderKind.VLLM, format, true);
    assertThat(vllm.get("guided_json")).isEqualTo(schema);
    assertThat(vllm.at("/response_format/json_schema/schema")).isEqualTo(schema);
  }

  @Test
  void unconstrainedJsonUsesJsonModeOnlyWhereTheModelHasIt() throws Exception {
    assertThat(sentFormat(ProviderKind.OPENAI_COMPATIBLE, ResponseFormat.JSON, true).at("/response_format/type").asText())
        .isEqualTo("json_object");
    assertThat(sentFormat(ProviderKind.OPENAI_COMPATIBLE, ResponseFormat.JSON, false).has("response_format")).isFalse();
    JsonNode schema = json.readTree("{\"type\":\"object\"}");
    assertThat(sentFormat(ProviderKind.OPENAI_COMPATIBLE, new ResponseFormat.JsonSchema("x", schema, false), true)
        .at("/response_format/type").asText()).isEqualTo("json_object");
  }

  @Test
  void openAiProperGetsMaxCompletionTokens() throws Exception {
    OpenAiProvider.create(SimSpecs.spec(ProviderKind.OPENAI, sim.baseUrl(), id), KEY, transport)
        .chat(ModelRequest.of("hi").withMaxTokens(20));
    assertThat(sim.requests().getLast().body().path("max_completion_tokens").asInt()).isEqualTo(20);
  }

  @Test
  void forwardsTopPSeedStopAndPenaltiesUnderOpenAisNames() throws Exception {
    sim.enqueue(id, Scripted.text("ok"));
    ModelRequest request = ModelRequest.of("hi").withSampling(new dev.spectra.orchestrator.model.Sampling(0.5, 7L,
        List.of("END", "STOP"), 0.25, -0.5));
    model(ProviderKind.OPENAI_COMPATIBLE).chat(request);
    JsonNode body = sim.requests().getLast().body();
    assertThat(body.path("top_p").asDouble()).isEqualTo(0.5);
    assertThat(body.path("seed").asLong()).isEqualTo(7L);
    assertThat(body.path("stop").toString()).isEqualTo("[\"END\",\"STOP\"]");
    assertThat(body.path("frequency_penalty").asDouble()).isEqualTo(0.25);
    assertThat(body.path("presence_penalty").asDouble()).isEqualTo(-0.5);
  }
}
