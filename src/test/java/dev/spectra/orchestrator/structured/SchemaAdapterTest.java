package dev.spectra.orchestrator.structured;

import static dev.spectra.orchestrator.structured.StructuredOutputTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.ResponseFormat;
import org.junit.jupiter.api.Test;

class SchemaAdapterTest {
  final SchemaAdapter adapter = new SchemaAdapter();

  SchemaAdapter.Plan plan(ProviderKind kind, String schema, Capability... caps) {
    return adapter.adapt(StructuredOutputTest.spec(kind, caps), new ResponseFormat.JsonSchema("s", json(schema), true));
  }

  static JsonNode wire(SchemaAdapter.Plan p) {
    return ((ResponseFormat.JsonSchema) p.wire()).schema();
  }

  @Test
  void openAiStrictMakesOptionalPropertiesRequiredAndNullableRecursively() {
    var p = plan(ProviderKind.OPENAI, """
        {"type":"object","properties":{"a":{"type":"string","minLength":2},
          "b":{"type":"object","properties":{"c":{"type":"integer"}}},
          "e":{"enum":["x","y"]}},"required":["a"]}""", Capability.JSON_SCHEMA);
    assertThat(p.constrained()).isTrue();
    assertThat(p.optionalAsNull()).isTrue();
    JsonNode s = wire(p);
    assertThat(s.get("required")).isEqualTo(json("[\"a\",\"b\",\"e\"]"));
    assertThat(s.at("/properties/a").has("minLength")).isFalse();
    assertThat(s.at("/properties/b/anyOf/1/type").asText()).isEqualTo("null");
    assertThat(s.at("/properties/b/anyOf/0/additionalProperties").asBoolean(true)).isFalse();
    assertThat(s.at("/properties/b/anyOf/0/required")).isEqualTo(json("[\"c\"]"));
    assertThat(s.at("/properties/e/anyOf/1/type").asText()).isEqualTo("null");
  }

  @Test
  void openAiStrictFallsBackToUnconstrainedForWhatItCannotExpress() {
    String six = "{\"type\":\"object\",\"properties\":{\"a\":".repeat(6) + "{\"type\":\"string\"}" + "}}".repeat(6);
    for (String schema : new String[] {six,
        "{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"}}",
        "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}",
        "{\"type\":\"object\",\"properties\":{\"a\":{\"not\":{\"type\":\"null\"}}}}",
        "{\"type\":\"object\",\"allOf\":[{\"required\":[\"a\"]}]}"}) {
      var p = plan(ProviderKind.OPENAI, schema, Capability.JSON_SCHEMA, Capability.JSON_MODE);
      assertThat(p.constrained()).as(schema).isFalse();
      assertThat(((ResponseFormat.JsonSchema) p.wire()).constrained()).isFalse();
      assertThat(wire(p)).isEqualTo(json(schema));
      assertThat(p.note()).contains("cannot enforce");
    }
    String five = "{\"type\":\"object\",\"properties\":{\"a\":".repeat(4) + "{\"type\":\"string\"}" + "}}".repeat(4);
    assertThat(plan(ProviderKind.OPENAI, five, Capability.JSON_SCHEMA).constrained()).isTrue();
  }

  @Test
  void grammarBackendsLoseOnlyKeywordsTheirConverterRejects() {
    var p = plan(ProviderKind.LLAMA_CPP, """
        {"type":"object","properties":{"t":{"type":"array","uniqueItems":true,"items":{"type":"string"}},
          "u":{"oneOf":[{"type":"string"},{"type":"integer"}]},"v":{"type":"string","not":{"const":""}}},
         "patternProperties":{"^x-":{"type":"string"}}}""", Capability.JSON_SCHEMA);
    assertThat(p.constrained()).isTrue();
    JsonNode s = wire(p);
    assertThat(s.has("patternProperties")).isFalse();
    assertThat(s.at("/properties/t").has("uniqueItems")).isFalse();
    assertThat(s.at("/properties/u/anyOf")).hasSize(2);
    assertThat(s.at("/properties/v").has("not")).isFalse();
    assertThat(p.note()).contains("uniqueItems", "oneOf", "not", "patternProperties");

    var closed = plan(ProviderKind.OLLAMA, """
        {"type":"object","patternProperties":{"^x-":{"type":"string"}},"additionalProperties":false}""",
        Capability.JSON_SCHEMA);
    assertThat(closed.constrained()).isFalse();
  }

  @Test
  void backendsWithoutConstrainedDecodingAndNonObjectToolInputsAreUnconstrained() {
    assertThat(plan(ProviderKind.OLLAMA, "{\"type\":\"object\"}", Capability.JSON_MODE).constrained()).isFalse();
    assertThat(plan(ProviderKind.ANTHROPIC, "{\"type\":\"array\"}", Capability.JSON_SCHEMA).constrained()).isFalse();
    assertThat(plan(ProviderKind.ANTHROPIC, "{\"type\":\"object\"}", Capability.JSON_SCHEMA).constrained()).isTrue();
    assertThat(plan(ProviderKind.VLLM, "{\"oneOf\":[{\"type\":\"object\"}]}", Capability.JSON_SCHEMA).constrained())
        .isTrue();
    var json = adapter.adapt(StructuredOutputTest.spec(ProviderKind.OPENAI, Capability.JSON_SCHEMA), ResponseFormat.JSON);
    assertThat(json.wire()).isEqualTo(ResponseFormat.JSON);
  }

  @Test
  void nullsForOptionalPropertiesAreDroppedOnlyWhereTheCallerSchemaDisallowsNull() {
    JsonNode schema = json("""
        {"type":"object","properties":{"a":{"type":"string"},"b":{"type":["string","null"]},
          "c":{"type":"array","items":{"$ref":"#/$defs/item"}}},"required":["a"],
         "$defs":{"item":{"type":"object","properties":{"x":{"type":"integer"}}}}}""");
    JsonNode value = json("{\"a\":null,\"b\":null,\"c\":[{\"x\":null},{\"x\":1}]}");
    SchemaAdapter.dropNullOptionals(value, schema, schema, 0);
    assertThat(value).isEqualTo(json("{\"a\":null,\"b\":null,\"c\":[{},{\"x\":1}]}"));
  }
}
