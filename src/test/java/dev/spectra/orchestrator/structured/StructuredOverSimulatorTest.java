package dev.spectra.orchestrator.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.sim.RecordedRequest;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The engine over real HTTP against the in-process simulator: what went on the wire, and what came back. */
class StructuredOverSimulatorTest {
  static final ObjectMapper M = new ObjectMapper();
  static final JsonNode PERSON = StructuredOutputTest.PERSON;

  Simulator sim;

  @AfterEach
  void stop() {
    if (sim != null) sim.close();
  }

  Simulator start(String profile) {
    sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile(profile).withSeed(42));
    return sim;
  }

  ModelSpec spec(ProviderKind kind, Set<Capability> caps) {
    URI base = kind == ProviderKind.OLLAMA ? sim.baseUrl() : URI.create(sim.baseUrl() + "/v1");
    String keyEnv = kind == ProviderKind.ANTHROPIC ? "SIM_API_KEY" : null;
    return new ModelSpec("m", kind, base, "m", true, Price.FREE, 8192, caps, Timeouts.LOCAL_DEFAULT, keyEnv, 2);
  }

  StructuredOutput engine(ModelSpec spec) {
    return new StructuredOutput(Providers.create(spec, Secrets.from(java.util.Map.of("SIM_API_KEY", "sk-sim"))), spec, StructuredOptions.defaults());
  }

  static ModelRequest ask(JsonNode schema, Integer maxTokens) {
    return new ModelRequest(List.of(Message.user("Describe a person")), maxTokens, null, false,
        new ResponseFormat.JsonSchema("person", schema, true), null);
  }

  @Test
  void reaskFixesASchemaErrorAndTheSecondRequestCarriesTheExactViolation() throws Exception {
    start("perfect").enqueue("m", Scripted.text("{\"name\": \"Ana\", \"age\": \"three\"}"),
        Scripted.text("{\"name\": \"Ana\", \"age\": 3}"));
    ModelReply reply = engine(spec(ProviderKind.OLLAMA, EnumSet.allOf(Capability.class))).chat(ask(PERSON, null));

    assertThat(reply.json()).isEqualTo(M.readTree("{\"name\": \"Ana\", \"age\": 3}"));
    List<RecordedRequest> wire = chats();
    assertThat(wire).hasSize(2);
    assertThat(wire.get(1).body().toString()).contains("/age: string found, integer expected");
    assertThat(wire.get(0).body().toString()).doesNotContain("string found");
    assertThat(reply.attempts()).extracting(Attempt::json)
        .containsExactly(Attempt.JsonStage.FAILED, Attempt.JsonStage.REASKED);
    assertThat(reply.attempts().get(1).reasks()).isEqualTo(1);
  }

  @Test
  void truncationIsRetriedWithMoreTokensNotRepaired() throws Exception {
    start("perfect").enqueue("m", Scripted.truncated("{\"name\": \"Ana\", \"age\": 3"));
    ModelReply reply = engine(spec(ProviderKind.OPENAI_COMPATIBLE, Set.of(Capability.JSON_SCHEMA)))
        .chat(ask(PERSON, 100));

    List<RecordedRequest> wire = chats();
    assertThat(wire).hasSize(2);
    assertThat(wire.get(0).body().path("max_tokens").asInt()).isEqualTo(100);
    assertThat(wire.get(1).body().path("max_tokens").asInt()).isEqualTo(200);
    // The second request is the same question, not a re-ask showing the cut-off text.
    assertThat(wire.get(1).body().path("messages")).isEqualTo(wire.get(0).body().path("messages"));
    assertThat(reply.attempts().get(0).error()).isInstanceOfSatisfying(InvalidOutput.class,
        e -> assertThat(e.kind()).isEqualTo(InvalidOutput.Kind.TRUNCATED));
    assertThat(reply.attempts().get(1).repairs()).doesNotContain("missing-closer");
    assertThat(Schemas.validate(PERSON, reply.json())).isEmpty();
  }

  @Test
  void truncationEveryTimeEndsAsATypedTruncatedFailure() {
    start("perfect").enqueue("m", Scripted.truncated("{\"name\": \"A"), Scripted.truncated("{\"name\": \"A"),
        Scripted.truncated("{\"name\": \"A"));
    ModelSpec spec = spec(ProviderKind.OPENAI_COMPATIBLE, Set.of(Capability.JSON_SCHEMA));
    try {
      engine(spec).chat(ask(PERSON, 50));
      throw new AssertionError("expected a failure");
    } catch (ModelException e) {
      assertThat(e.error()).isInstanceOfSatisfying(InvalidOutput.class,
          io -> assertThat(io.kind()).isEqualTo(InvalidOutput.Kind.TRUNCATED));
      assertThat(e.attempts()).hasSize(3);
    }
    assertThat(chats()).extracting(r -> r.body().path("max_tokens").asInt()).containsExactly(50, 100, 200);
  }

  @Test
  void openAiStrictCannotExpressOneOfSoTheWireCarriesJsonModeAndThePromptTheSchema() throws Exception {
    JsonNode schema = M.readTree("""
        {"type":"object","properties":{"id":{"oneOf":[{"type":"integer"},{"type":"string"}]}},"required":["id"]}""");
    start("perfect").enqueue("m", Scripted.text("{\"id\": 7}"));
    ModelReply reply = engine(spec(ProviderKind.OPENAI, EnumSet.of(Capability.JSON_SCHEMA, Capability.JSON_MODE)))
        .chat(ask(schema, null));

    JsonNode body = chats().get(0).body();
    assertThat(body.path("response_format").path("type").asText()).isEqualTo("json_object");
    assertThat(body.path("messages").get(0).path("content").asText()).contains("\"oneOf\"");
    assertThat(reply.json().get("id").asInt()).isEqualTo(7);
  }

  @Test
  void openAiStrictGetsEveryPropertyRequiredAndNoAdditionalProperties() throws Exception {
    start("perfect").enqueue("m", Scripted.text("{\"name\": \"Ana\", \"age\": 3, \"nick\": null}"));
    ModelReply reply = engine(spec(ProviderKind.OPENAI, EnumSet.of(Capability.JSON_SCHEMA, Capability.JSON_MODE)))
        .chat(ask(PERSON, null));

    JsonNode format = chats().get(0).body().path("response_format");
    assertThat(format.path("type").asText()).isEqualTo("json_schema");
    assertThat(format.path("json_schema").path("strict").asBoolean()).isTrue();
    JsonNode wired = format.path("json_schema").path("schema");
    assertThat(wired.path("required")).hasSize(3);
    assertThat(wired.path("additionalProperties").asBoolean(true)).isFalse();
    assertThat(reply.json()).isEqualTo(M.readTree("{\"name\": \"Ana\", \"age\": 3}"));
  }

  @Test
  void llamaCppGetsTheSchemaWithoutKeywordsItsGrammarConverterRejects() throws Exception {
    JsonNode schema = M.readTree("""
        {"type":"object","properties":{"tags":{"type":"array","items":{"type":"string"},"uniqueItems":true}},
         "required":["tags"]}""");
    start("perfect").enqueue("m", Scripted.text("{\"tags\": [\"a\", \"a\"]}"), Scripted.text("{\"tags\": [\"a\"]}"));
    ModelReply reply = engine(spec(ProviderKind.LLAMA_CPP, Set.of(Capability.JSON_SCHEMA))).chat(ask(schema, null));

    JsonNode first = chats().get(0).body();
    assertThat(first.path("json_schema").path("properties").path("tags").has("uniqueItems")).isFalse();
    // Dropped on the wire, still enforced: the duplicate tags were sent back to the model.
    assertThat(chats().get(1).body().toString()).contains("/tags");
    assertThat(reply.json()).isEqualTo(M.readTree("{\"tags\": [\"a\"]}"));
  }

  @Test
  void ollamaWithoutConstrainedDecodingGetsPromptOnlyAndMayReasonFirst() throws Exception {
    start("perfect").enqueue("m", Scripted.text("Let me think. The person is Ana.\n```json\n{\"name\":\"Ana\",\"age\":3}\n```"));
    ModelReply reply = engine(spec(ProviderKind.OLLAMA, Set.of(Capability.STREAMING))).chat(ask(PERSON, null));

    JsonNode body = chats().get(0).body();
    assertThat(body.has("format")).isFalse();
    assertThat(body.path("messages").get(0).path("content").asText()).contains("think step by step first");
    assertThat(reply.attempts().get(0).json()).isEqualTo(Attempt.JsonStage.EXTRACTED);
    assertThat(reply.attempts().get(0).repairs()).containsExactly("fence");
  }

  @Test
  void anthropicGetsTheSchemaAsAForcedToolInput() throws Exception {
    start("perfect");
    ModelReply reply = engine(spec(ProviderKind.ANTHROPIC, Set.of(Capability.JSON_SCHEMA, Capability.TOOLS)))
        .chat(ask(PERSON, 200));

    JsonNode body = chats().get(0).body();
    assertThat(body.path("tools").get(0).path("input_schema")).isEqualTo(PERSON);
    assertThat(Schemas.validate(PERSON, reply.json())).isEmpty();
  }

  private List<RecordedRequest> chats() {
    return sim.requests().stream()
        .filter(r -> r.path().endsWith("/chat/completions") || r.path().endsWith("/api/chat")
            || r.path().endsWith("/messages"))
        .toList();
  }
}
