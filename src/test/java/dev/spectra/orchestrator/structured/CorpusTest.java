package dev.spectra.orchestrator.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every case of the broken-output corpus ({@code src/test/resources/structured/corpus/*.jsonl}, one file per
 * family of FIELD-NOTES §2): each has the value the engine must recover, or {@code "refuse": true} when no value
 * can be recovered without guessing.
 */
class CorpusTest {
  static final JsonRepair REPAIR = new JsonRepair();
  static final ObjectMapper STRICT = REPAIR.mapper();
  static final SchemaValidator VALIDATOR = new SchemaValidator();

  static Stream<Arguments> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(Objects.requireNonNull(CorpusTest.class.getResource("/structured/corpus")).toURI());
    List<Arguments> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          if (line.isBlank()) continue;
          JsonNode c = STRICT.readTree(line);
          all.add(Arguments.of(c.get("id").asText(), c));
        }
      }
    }
    return all.stream();
  }

  @Test
  void corpusHasAtLeastThreeHundredCasesCoveringEveryFamily() throws Exception {
    List<JsonNode> cases = cases().map(a -> (JsonNode) a.get()[1]).toList();
    assertThat(cases).hasSizeGreaterThanOrEqualTo(300);
    assertThat(cases.stream().map(c -> c.get("family").asText()).distinct().toList()).contains("quotes", "commas",
        "brackets", "unquoted", "truncation", "comments", "wrappers", "escapes", "literals", "several", "schema",
        "valid");
    assertThat(cases.stream().filter(c -> c.path("refuse").asBoolean()).count()).isGreaterThan(50);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void recoversTheExpectedValueOrRefuses(String id, JsonNode c) {
    String input = c.get("input").textValue();
    JsonNode schema = c.get("schema");
    Predicate<JsonNode> conforms = schema == null ? null : v -> VALIDATOR.validate(schema, v).isEmpty();
    boolean cutOff = "length".equals(c.path("finish").asText());
    RepairResult result = REPAIR.repair(input, conforms, !cutOff);

    if (c.path("refuse").asBoolean()) {
      String kind = c.path("kind").asText("");
      if (kind.equals("SCHEMA_INVALID")) {
        assertThat(result).as(id).isInstanceOf(RepairResult.Recovered.class);
        assertThat(VALIDATOR.validate(schema, ((RepairResult.Recovered) result).value())).as(id).isNotEmpty();
        return;
      }
      if (schema != null && result instanceof RepairResult.Recovered r) {
        assertThat(VALIDATOR.validate(schema, r.value())).as(id + " recovered " + r.value()).isNotEmpty();
        return;
      }
      assertThat(result).as(id).isInstanceOf(RepairResult.Unrecoverable.class);
      RepairResult.Unrecoverable u = (RepairResult.Unrecoverable) result;
      assertThat(u.reason()).as(id).isNotBlank();
      if (!kind.isEmpty()) assertThat(u.kind()).as(id + ": " + u.reason()).isEqualTo(Kind.valueOf(kind));
      return;
    }
    assertThat(result).as(id).isInstanceOf(RepairResult.Recovered.class);
    RepairResult.Recovered r = (RepairResult.Recovered) result;
    assertThat(r.value()).as(id).isEqualTo(c.get("expected"));
    if (schema != null) assertThat(VALIDATOR.validate(schema, r.value())).as(id).isEmpty();
    for (JsonNode repair : c.path("repairs")) assertThat(r.repairs()).as(id).contains(repair.asText());
  }

  static String describe(RepairResult r) {
    try {
      return r instanceof RepairResult.Recovered rec ? STRICT.writeValueAsString(rec.value()) : r.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
