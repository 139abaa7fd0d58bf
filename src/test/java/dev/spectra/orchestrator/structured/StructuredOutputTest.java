package dev.spectra.orchestrator.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.Timeouts;
import java.net.URI;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StructuredOutputTest {
  static final ObjectMapper M = new ObjectMapper();

  static JsonNode json(String s) {
    try {
      return M.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final JsonNode PERSON = json("""
      {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer","minimum":0},
       "nick":{"type":"string"}},"required":["name","age"]}""");

  static ModelSpec spec(ProviderKind kind, Capability... caps) {
    return new ModelSpec("m", kind, URI.create("http://127.0.0.1:1"), "m-1", true, Price.FREE, 8192, Set.of(caps),
        Timeouts.LOCAL_DEFAULT, null, 1);
  }

  static ModelRequest ask(JsonNode schema) {
    return new ModelRequest(List.of(Message.user("Give me a person")), 256, null, false,
        new ResponseFormat.JsonSchema("person", schema, true), null);
  }

  @Test
  void returnsValidatedJsonAndRecordsRepairsWhenReplyIsRepairable() throws Exception {
    FakeModel fake = FakeModel.strict().reply("Sure:\n```json\n{\"name\": \"Ana\", \"age\": 3,}\n```");
    StructuredOutput engine = new StructuredOutput(fake, spec(ProviderKind.OLLAMA), StructuredOptions.defaults());
    ModelReply reply = engine.chat(ask(PERSON));
    assertThat(reply.json()).isEqualTo(json("{\"name\":\"Ana\",\"age\":3}"));
    Attempt a = reply.attempts().get(0);
    assertThat(a.json()).isEqualTo(Attempt.JsonStage.REPAIRED);
    assertThat(a.repairs()).containsExactly("fence", "trailing-comma");
    assertThat(fake.requests.get(0).temperature()).isEqualTo(0.0);
    assertThat(fake.requests.get(0).messages().get(0).content()).contains("\"nick\"");
  }

  @Test
  void lenientRepairOnlyWhenTheRequestAsksAndEveryGuessGoesWithTheAttempt() throws Exception {
    String cut = "{\"name\": \"Ana\", \"age\": 3, \"nick\": \"An";
    FakeModel lenientFake = FakeModel.strict().reply(cut);
    StructuredOutput lenient = new StructuredOutput(lenientFake, spec(ProviderKind.OLLAMA), StructuredOptions.defaults());
    ModelRequest asked = ask(PERSON).withFormat(ask(PERSON).format().withLenientRepair());

    ModelReply reply = lenient.chat(asked);

    assertThat(reply.json()).isEqualTo(json("{\"name\":\"Ana\",\"age\":3,\"nick\":\"An\"}"));
    assertThat(lenientFake.requests).hasSize(1);
    assertThat(reply.attempts().get(0).guesses()).isNotEmpty()
        .allSatisfy(g -> assertThat(g).matches("truncated[-a-z]*@1:\\d+"));
    assertThat(reply.attempts().get(0).repairs()).filteredOn(r -> !r.startsWith("guess:")).isNotNull();

    FakeModel defaultFake = FakeModel.strict().reply(cut).reply("{\"name\":\"Ana\",\"age\":3}");
    StructuredOutput engine = new StructuredOutput(defaultFake, spec(ProviderKind.OLLAMA), StructuredOptions.defaults());
    ModelReply reasked = engine.chat(ask(PERSON));
    assertThat(reasked.json()).isEqualTo(json("{\"name\":\"Ana\",\"age\":3}"));
    assertThat(defaultFake.requests).hasSize(2);
    assertThat(reasked.attempts()).allSatisfy(a -> assertThat(a.guesses()).isEmpty());
  }

  @Test
  void reasksWithTheExactViolationAndSucceedsOnTheSecondReply() throws Exception {
    FakeModel fake = FakeModel.strict().reply("{\"name\":\"Ana\",\"age\":\"three\"}").reply("{\"name\":\"Ana\",\"age\":3}");
    StructuredOutput engine = new StructuredOutput(fake, spec(ProviderKind.OLLAMA), StructuredOptions.defaults());
    ModelReply reply = engine.chat(ask(PERSON));
    assertThat(reply.json().get("age").asInt()).isEqualTo(3);
    String reask = fake.requests.get(1).messages().get(fake.requests.get(1).messages().size() - 1).content();
    assertThat(reask).contains("/age: string found, integer expected");
    assertThat(reply.attempts()).extracting(Attempt::json)
        .containsExactly(Attempt.JsonStage.FAILED, Attempt.JsonStage.REASKED);
    assertThat(reply.usage().totalTokens()).isEqualTo(30);
    assertThat(reply.cost()).isEqualTo(Money.usd("0.002"));
  }

  @Test
  void failsWithSchemaInvalidAfterTheBoundedNumberOfReasks() {
    FakeModel fake = FakeModel.strict().reply("{}").reply("{}").reply("{}");
    StructuredOutput engine = new StructuredOutput(fake, spec(ProviderKind.OLLAMA), StructuredOptions.defaults());
    assertThatThrownBy(() -> engine.chat(ask(PERSON))).isInstanceOfSatisfying(ModelException.class, e -> {
      assertThat(e.error()).isInstanceOfSatisfying(InvalidOutput.class, io -> {
        assertThat(io.kind()).isEqualTo(InvalidOutput.Kind.SCHEMA_INVALID);
        assertThat(io.violations()).contains("(root): required property 'name' not found");
        assertThat(io.raw()).isEqualTo("{}");
      });
      assertThat(e.attempts()).hasSize(3);
    });
    assertThat(fake.requests).hasSize(3);
  }

  @Test
  void retriesWithALargerTokenLimitInsteadOfRepairingATruncatedReply() throws Exception {
    FakeModel fake = FakeModel.strict().replyCutOff("{\"name\":\"Ana\",\"age\":3").reply("{\"name\":\"Ana\",\"age\":3}");
    StructuredOutput engine = new StructuredOutput(fake, spec(ProviderKind.OLLAMA), StructuredOptions.defaults());
    ModelReply reply = engine.chat(ask(PERSON));
    assertThat(fake.requests.get(1).maxTokens()).isEqualTo(512);
    assertThat(fake.requests.get(1).messages()).isEqualTo(fake.requests.get(0).messages());
    assertThat(reply.attempts().get(0).error()).isInstanceOfSatisfying(InvalidOutput.class,
        io -> assertThat(io.kind()).isEqualTo(InvalidOutput.Kind.TRUNCATED));
  }

  @Test
  void openAiStrictOptionalNullsAreDroppedBeforeValidation() throws Exception {
    FakeModel fake = FakeModel.strict().reply("{\"name\":\"Ana\",\"age\":3,\"nick\":null}");
    StructuredOutput engine = new StructuredOutput(fake, spec(ProviderKind.OPENAI, Capability.JSON_SCHEMA),
        StructuredOptions.defaults());
    ModelReply reply = engine.chat(ask(PERSON));
    assertThat(reply.json()).isEqualTo(json("{\"name\":\"Ana\",\"age\":3}"));
    ResponseFormat.JsonSchema wire = (ResponseFormat.JsonSchema) fake.requests.get(0).format();
    assertThat(wire.constrained()).isTrue();
    assertThat(wire.schema().get("required")).hasSize(3);
    assertThat(wire.schema().get("additionalProperties").asBoolean()).isFalse();
    assertThat(wire.schema().at("/properties/nick/type")).isEqualTo(json("[\"string\",\"null\"]"));
  }

  @Test
  void textRequestsPassThroughUntouched() throws Exception {
    FakeModel fake = FakeModel.strict().reply("hello");
    StructuredOutput engine = new StructuredOutput(fake, spec(ProviderKind.OLLAMA), StructuredOptions.defaults());
    ModelReply reply = engine.chat(ModelRequest.of("hi"));
    assertThat(reply.text()).isEqualTo("hello");
    assertThat(reply.json()).isNull();
    assertThat(fake.requests.get(0).messages()).hasSize(1);
  }
}
