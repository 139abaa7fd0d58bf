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
 * can be recovered without guessing. A default-mode answer that differs from the expected value, or any answer
 * where a refusal is expected, fails: that is a silently wrong answer. Cases may also state the lenient reading
 * ({@code "lenient"}, with the {@code "guesses"} it must list) or that even the lenient mode refuses
 * ({@code "lenientRefuse"}).
 */
class CorpusTest {
  static final JsonRepair REPAIR = new JsonRepair();
  static final JsonRepair LENIENT = new JsonRepair(RepairMode.LENIENT);
  static final List<String> NEW_FAMILIES = List.of("inner-quotes", "doubled", "trailing", "cut", "placeholders",
      "unquoted-values", "coercion", "comments2", "noise", "multilingual");
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

  @Test
  void corpusHasAtLeastOneHundredFiftyCasesForTheTwoModes() throws Exception {
    List<JsonNode> cases = cases().map(a -> (JsonNode) a.get()[1]).toList();
    List<JsonNode> added = cases.stream().filter(c -> NEW_FAMILIES.contains(c.get("family").asText())).toList();
    assertThat(added).hasSizeGreaterThanOrEqualTo(150);
    assertThat(added.stream().map(c -> c.get("family").asText()).distinct().toList())
        .containsExactlyInAnyOrderElementsOf(NEW_FAMILIES);
    assertThat(added.stream().filter(c -> c.has("lenient")).count()).isGreaterThanOrEqualTo(60);
    assertThat(added.stream().filter(c -> c.has("schema")).count()).isGreaterThanOrEqualTo(20);
    assertThat(added.stream().filter(c -> c.get("input").asText().length() > 2000).count())
        .isGreaterThanOrEqualTo(15);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void recoversTheExpectedValueOrRefuses(String id, JsonNode c) {
    String input = c.get("input").textValue();
    JsonNode schema = c.get("schema");
    Predicate<JsonNode> conforms = schema == null ? null : v -> VALIDATOR.validate(schema, v).isEmpty();
    boolean cutOff = "length".equals(c.path("finish").asText());
    RepairResult result = REPAIR.repair(input, schema, conforms, !cutOff);
    if (result instanceof RepairResult.Recovered r) assertThat(r.guesses()).as(id + ": default mode guesses").isEmpty();

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

  /**
   * The lenient mode: the default reading when there is one, unchanged and without guesses; otherwise the best
   * reading with every guess listed (a lenient value that differs from the default outcome with no guess listed
   * would be a silent guess).
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void lenientModeTakesTheDefaultReadingOrListsItsGuesses(String id, JsonNode c) {
    String input = c.get("input").textValue();
    JsonNode schema = c.get("schema");
    Predicate<JsonNode> conforms = schema == null ? null : v -> VALIDATOR.validate(schema, v).isEmpty();
    boolean cutOff = "length".equals(c.path("finish").asText());
    RepairResult strict = REPAIR.repair(input, schema, conforms, !cutOff);
    RepairResult lenient = LENIENT.repair(input, schema, conforms, !cutOff);
    if (strict instanceof RepairResult.Recovered s) {
      assertThat(lenient).as(id).isInstanceOf(RepairResult.Recovered.class);
      RepairResult.Recovered l = (RepairResult.Recovered) lenient;
      assertThat(l.value()).as(id).isEqualTo(s.value());
      assertThat(l.guesses()).as(id).isEmpty();
      return;
    }
    if (c.path("lenientRefuse").asBoolean()) {
      assertThat(lenient).as(id + " " + describe(lenient)).isInstanceOf(RepairResult.Unrecoverable.class);
      return;
    }
    if (lenient instanceof RepairResult.Recovered l) {
      assertThat(l.guesses()).as(id + ": a lenient value where the default refused must list its guesses")
          .isNotEmpty();
      for (Guess g : l.guesses()) {
        assertThat(g.line()).as(id).isPositive();
        assertThat(g.column()).as(id).isPositive();
        assertThat(g.offset()).as(id).isBetween(0, input.length());
      }
    }
    if (!c.has("lenient")) return;
    assertThat(lenient).as(id + " " + describe(lenient)).isInstanceOf(RepairResult.Recovered.class);
    RepairResult.Recovered l = (RepairResult.Recovered) lenient;
    assertThat(l.value()).as(id + " " + l.guesses()).isEqualTo(c.get("lenient"));
    List<String> kinds = l.guesses().stream().map(Guess::kind).toList();
    for (JsonNode kind : c.path("guesses")) assertThat(kinds).as(id).contains(kind.asText());
  }

  static String describe(RepairResult r) {
    try {
      return r instanceof RepairResult.Recovered rec ? STRICT.writeValueAsString(rec.value()) : r.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
