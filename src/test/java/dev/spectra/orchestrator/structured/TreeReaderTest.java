package dev.spectra.orchestrator.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TreeReader} must agree with the strict mapper it stands in for: the same tree (node types included: an
 * {@code IntNode} is not a {@code LongNode}, {@code 1.10} is not {@code 1.1}), and a syntax error only where the
 * mapper rejects the text without a fatal error. Checked on the corpus, the benchmark replies and seeded
 * mutations of both.
 */
class TreeReaderTest {
  private final StrictJson strict = new StrictJson();
  private final ObjectMapper mapper = strict.mapper();
  private final MemberNames names = new MemberNames();

  /** What the mapper says: a value, a fatal error, or a plain error. */
  private record Mapper(JsonNode value, boolean fatal) {}

  private Mapper byMapper(String text) {
    // The mapper path of StrictJson (fatal errors classified there) on a text longer than the reader takes.
    try {
      JsonNode v = mapper.readTree(text);
      if (v == null || v.isMissingNode()) return new Mapper(null, false);
      return new Mapper(v, false);
    } catch (JsonProcessingException e) {
      String m = String.valueOf(e.getOriginalMessage());
      return new Mapper(null, e instanceof com.fasterxml.jackson.core.exc.StreamConstraintsException
          || m.contains("Duplicate field") || m.contains("Duplicate Object property"));
    } catch (NumberFormatException e) {
      return new Mapper(null, true);
    }
  }

  private void agrees(String text) {
    TreeReader.Read r = TreeReader.read(mapper.getNodeFactory(), names, text, 0, text.length());
    Mapper m = byMapper(text);
    switch (r.outcome()) {
      case VALUE -> {
        assertThat(m.value()).as("the mapper reads %s", text).isNotNull();
        sameTree(r.value(), m.value(), text);
      }
      case SYNTAX -> {
        assertThat(m.value()).as("the mapper rejects %s", text).isNull();
        assertThat(m.fatal()).as("the mapper's error is not fatal for %s", text).isFalse();
      }
      case ASK_MAPPER -> { }
    }
  }

  private static void sameTree(JsonNode a, JsonNode b, String text) {
    assertThat(a.getClass()).as("node type in %s", text).isEqualTo(b.getClass());
    assertThat(a).as("value of %s", text).isEqualTo(b);
    if (a.isNumber()) assertThat(a.numberValue().toString()).isEqualTo(b.numberValue().toString());
    if (a.isArray()) {
      for (int i = 0; i < a.size(); i++) sameTree(a.get(i), b.get(i), text);
    }
    if (a.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> ia = a.fields();
      Iterator<Map.Entry<String, JsonNode>> ib = b.fields();
      while (ia.hasNext()) {
        Map.Entry<String, JsonNode> ea = ia.next();
        Map.Entry<String, JsonNode> eb = ib.next();
        assertThat(ea.getKey()).as("member order in %s", text).isEqualTo(eb.getKey());
        sameTree(ea.getValue(), eb.getValue(), text);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "0", "-0", "-0.0", "1.10", "1e400", "1E+2", "1e-2", "-1.5e3", "2147483647", "2147483648", "-2147483648",
      "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
      "123456789012345678901234567890", "01", "-", "-a", "1.", ".5", "+1", "1e", "1e+", "1.5.3", "1x", "0x1F",
      "NaN", "Infinity", "true", "truex", "true1", "tru", "null", "nul", "false", "[true]", "[truex]", "\"a\"",
      "\"\\u0041\\u00e9\\ud83d\\ude00\"", "\"\\ud800\"", "\"\\u00zz\"", "\"\\u12\"", "\"\\x\"", "\"\\'\"",
      "\"a\tb\"", "\"a\nb\"", "\"\\/\\b\\f\\n\\r\\t\\\\\\\"\"", "\"unterminated", "\"", "{}", "[]", "{ }", "[ ]",
      "{\"a\":1}", "{\"a\":1,}", "[1,]", "[,1]", "[1 2]", "{\"a\" 1}", "{a:1}", "{'a':1}", "{\"a\":1,\"a\":2}",
      "{\"a\":{\"b\":1,\"b\":2}}", "{\"a\":1}{\"b\":2}", "{\"a\":1} x", "[1]]", "[[1]", "{\"a\":[1,{\"b\":null}]}",
      " \t\n\r[1] \n", "\uFEFF{}", "{}\u0000", "[1,\u00002]", "\u00a0[1]", "[1\u00a0]", "\"\u2028\"", "",
      " ", "[1e400, 1.10, -0, 0.0]", "{\"\":\"\"}", "[\"\\u0000\"]", "{\"a\":1 , \"b\" : [ ] }",
      "0.000001", "-12345678901234567.5", "123456789012345678.5", "99999999999999999.9", "[-0.50, 10.0]",
      "{\"a\":1,\"a\":2,", "{\"a\":1,\"a\":2 x}", "{\"a\":{\"b\":1,\"b\":2,}}", "[{\"a\":1,\"a\":2}, x]",
      "{\"a\":[1,{\"b\":1}],\"a\":[", "{\"a\":1,\"b\":{\"a\":1,\"c\":[}", "{\"x\":1,\"y\":2,\"x\":"})
  void agreesWithTheMapperOnEdgeCases(String text) {
    agrees(text);
  }

  @Test
  void agreesWithTheMapperAtTheLimits() {
    agrees("[".repeat(300) + "]".repeat(300));
    agrees("[".repeat(199) + "]".repeat(199));
    agrees("1".repeat(1001));
    agrees("[" + "1".repeat(999) + "]");
    agrees("0." + "1".repeat(1200));
    agrees("{\"" + "k".repeat(60_000) + "\":1}");
  }

  @Test
  void agreesWithTheMapperOnTheCorpusAndMutationsOfIt() throws Exception {
    List<String> texts = texts();
    Random random = new Random(20250117);
    String alphabet = "{}[],:\"\\ \n\t0123456789.eE+-tfnrul'/x\u00e9\u0000\u2028";
    int checked = 0;
    for (String text : texts) {
      agrees(text);
      checked++;
      for (int m = 0; m < 12 && !text.isEmpty(); m++) {
        int at = random.nextInt(text.length());
        String mutated = switch (random.nextInt(4)) {
          case 0 -> text.substring(0, at) + text.substring(at + 1);
          case 1 -> text.substring(0, at) + alphabet.charAt(random.nextInt(alphabet.length())) + text.substring(at);
          case 2 -> text.substring(0, at);
          default -> {
            int to = Math.min(text.length(), at + 1 + random.nextInt(20));
            yield text.substring(0, to) + text.substring(at);
          }
        };
        agrees(mutated);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(5_000);
  }

  /** Every input and expected value of the corpus, and every benchmark reply's JSON part. */
  private List<String> texts() throws IOException, URISyntaxException {
    List<String> out = new ArrayList<>();
    Path dir = Path.of(Objects.requireNonNull(getClass().getResource("/structured/corpus")).toURI());
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(p -> p.toString().endsWith(".jsonl")).sorted().forEach(files::add);
    }
    Path bench = Path.of("bench/repair-typical.jsonl");
    if (Files.exists(bench)) files.add(bench);
    for (Path f : files) {
      for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (line.isBlank()) continue;
        JsonNode c = mapper.readTree(line);
        String input = c.get("input").asText();
        out.add(input);
        int brace = input.indexOf('{');
        if (brace > 0) out.add(input.substring(brace));
        if (c.has("expected")) out.add(c.get("expected").toString());
        if (c.has("lenient")) out.add(mapper.writeValueAsString(c.get("lenient")));
      }
    }
    return out;
  }
}
