package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SchemaSynthesizerTest {
  final SchemaSynthesizer synthesizer = new SchemaSynthesizer();

  @ParameterizedTest
  @ValueSource(strings = {
      "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"},\"b\":{\"type\":\"integer\"}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}",
      "{\"type\":\"object\",\"properties\":{\"o\":{\"type\":\"object\",\"properties\":{\"deep\":{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"boolean\"}},\"required\":[\"x\"]}},\"required\":[\"deep\"]}},\"required\":[\"o\"]}",
      "{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":5,\"maxItems\":6}",
      "{\"type\":\"array\",\"items\":{\"enum\":[\"a\",\"b\",\"c\"]},\"minItems\":3,\"uniqueItems\":true}",
      "{\"type\":\"array\",\"prefixItems\":[{\"type\":\"integer\"},{\"type\":\"string\"}],\"items\":false}",
      "{\"type\":\"object\",\"properties\":{\"k\":{\"enum\":[\"red\",\"green\"]},\"c\":{\"const\":\"fixed\"}},\"required\":[\"k\",\"c\"]}",
      "{\"type\":\"object\",\"properties\":{\"when\":{\"type\":\"string\",\"format\":\"date-time\"},\"day\":{\"type\":\"string\",\"format\":\"date\"},\"mail\":{\"type\":\"string\",\"format\":\"email\"},\"site\":{\"type\":\"string\",\"format\":\"uri\"},\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"ip\":{\"type\":\"string\",\"format\":\"ipv4\"}},\"required\":[\"when\",\"day\",\"mail\",\"site\",\"id\",\"ip\"]}",
      "{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}-\\\\d{4}$\"},\"slug\":{\"type\":\"string\",\"pattern\":\"^[a-z0-9]+(-[a-z0-9]+)*$\"},\"ver\":{\"type\":\"string\",\"pattern\":\"^v(0|[1-9]\\\\d*)\\\\.(0|[1-9]\\\\d*)$\"}},\"required\":[\"code\",\"slug\",\"ver\"]}",
      "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\",\"minLength\":40,\"maxLength\":45},\"short\":{\"type\":\"string\",\"maxLength\":3}},\"required\":[\"name\",\"short\"]}",
      "{\"type\":\"object\",\"properties\":{\"i\":{\"type\":\"integer\",\"minimum\":10,\"maximum\":12},\"e\":{\"type\":\"integer\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":3},\"m\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100,\"multipleOf\":7},\"n\":{\"type\":\"number\",\"minimum\":0.5,\"maximum\":0.6},\"x\":{\"type\":\"number\",\"exclusiveMinimum\":1,\"exclusiveMaximum\":1.02},\"q\":{\"type\":\"number\",\"multipleOf\":0.25,\"maximum\":-3}},\"required\":[\"i\",\"e\",\"m\",\"n\",\"x\",\"q\"]}",
      "{\"oneOf\":[{\"type\":\"null\"},{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]}]}",
      "{\"type\":\"object\",\"properties\":{\"v\":{\"anyOf\":[{\"type\":\"integer\",\"minimum\":5},{\"type\":\"string\"}]},\"n\":{\"type\":[\"null\",\"string\"]}},\"required\":[\"v\",\"n\"]}",
      "{\"$defs\":{\"item\":{\"type\":\"object\",\"properties\":{\"sku\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\",\"minimum\":1}},\"required\":[\"sku\",\"qty\"]}},\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/item\"},\"minItems\":1}},\"required\":[\"items\"]}",
      "{\"definitions\":{\"p\":{\"type\":\"string\",\"enum\":[\"x\"]}},\"type\":\"object\",\"properties\":{\"p\":{\"$ref\":\"#/definitions/p\"}},\"required\":[\"p\"]}",
      "{\"allOf\":[{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}},\"required\":[\"a\"]},{\"properties\":{\"b\":{\"type\":\"integer\"}},\"required\":[\"b\"]}]}",
      "{\"$defs\":{\"node\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/node\"}}},\"required\":[\"name\"]}},\"$ref\":\"#/$defs/node\"}",
      "{\"type\":\"object\",\"required\":[\"undeclared\"]}",
      "{\"type\":\"object\",\"properties\":{\"meta\":{\"type\":\"object\",\"additionalProperties\":{\"type\":\"integer\"},\"required\":[\"count\"]}},\"required\":[\"meta\"]}"
  })
  void synthesizedValuesConformToTheSchema(String schemaText) {
    JsonNode schema = json(schemaText);
    for (long seed = 0; seed < 25; seed++) {
      JsonNode value = synthesizer.synthesize(schema, new SplittableRandom(seed));
      assertThat(SimHttp.violations(schema, value)).as("seed %d: %s", seed, value).isEmpty();
    }
  }

  @Test
  void theSameSeedSynthesizesTheSameValue() {
    JsonNode schema = ProfileRatesTest.SCHEMA;

    assertThat(synthesizer.synthesize(schema, new SplittableRandom(4)))
        .isEqualTo(synthesizer.synthesize(schema, new SplittableRandom(4)));
  }

  @Test
  void stringsAreNamedAfterTheirProperty() {
    JsonNode value = synthesizer.synthesize(json("{\"type\":\"object\",\"properties\":{\"title\":{\"type\":\"string\"}}}"),
        new SplittableRandom(1));

    assertThat(value.path("title").asText()).startsWith("title ");
  }
}
