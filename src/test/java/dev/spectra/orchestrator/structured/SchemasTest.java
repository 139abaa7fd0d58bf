package dev.spectra.orchestrator.structured;

import static dev.spectra.orchestrator.structured.StructuredOutputTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SchemasTest {
  enum Method { GET, POST }

  record Endpoint(Method method, String path, Optional<String> summary) {}

  record Service(String name, int port, long maxBody, double ratio, boolean secure, char sep, BigDecimal price,
      BigInteger big, List<Endpoint> endpoints, Set<String> tags, Map<String, Integer> limits, Node tree) {}

  record Node(String label, List<Node> children) {}

  record Bad(Object anything) {}

  @Test
  void derivesASchemaFromRecordsThatIsValidAndStrict() {
    JsonNode s = Schemas.of(Service.class);
    assertThat(Schemas.problems(s)).isEmpty();
    assertThat(s.get("additionalProperties").asBoolean(true)).isFalse();
    assertThat(s.get("required")).hasSize(12);
    assertThat(s.at("/properties/port/type").asText()).isEqualTo("integer");
    assertThat(s.at("/properties/ratio/type").asText()).isEqualTo("number");
    assertThat(s.at("/properties/price/type").asText()).isEqualTo("number");
    assertThat(s.at("/properties/big/type").asText()).isEqualTo("integer");
    assertThat(s.at("/properties/sep/maxLength").asInt()).isEqualTo(1);
    assertThat(s.at("/properties/tags/uniqueItems").asBoolean()).isTrue();
    assertThat(s.at("/properties/limits/additionalProperties/type").asText()).isEqualTo("integer");
    JsonNode endpoint = s.at("/properties/endpoints/items");
    assertThat(endpoint.at("/properties/method/enum")).isEqualTo(json("[\"GET\",\"POST\"]"));
    assertThat(endpoint.get("required")).isEqualTo(json("[\"method\",\"path\"]"));
    assertThat(endpoint.at("/properties/summary/type")).isEqualTo(json("[\"string\",\"null\"]"));
    assertThat(s.at("/properties/tree/properties/children/items/$ref").asText()).isEqualTo("#/$defs/Node");
    assertThat(s.at("/$defs/Node/properties/label/type").asText()).isEqualTo("string");
  }

  @Test
  void derivedSchemaAcceptsAMatchingValueAndNamesWhatIsWrongOtherwise() {
    JsonNode s = Schemas.of(Endpoint.class);
    assertThat(Schemas.validate(s, json("{\"method\":\"GET\",\"path\":\"/a\",\"summary\":null}"))).isEmpty();
    List<Violation> v = Schemas.validate(s, json("{\"method\":\"PATCH\",\"path\":3,\"x\":1}"));
    assertThat(v).extracting(Violation::pointer).contains("/method", "/path", "");
    assertThat(v.stream().map(Violation::toString).toList()).anyMatch(t -> t.startsWith("/path: "));
  }

  @Test
  void typesWithoutAJsonEquivalentAreRejectedNamingTheComponent() {
    assertThatThrownBy(() -> Schemas.of(Bad.class)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Bad.anything");
    assertThatThrownBy(() -> Schemas.of(String.class)).hasMessageContaining("not a record");
  }
}
