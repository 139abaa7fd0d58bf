package dev.spectra.orchestrator.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ProviderKind;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs that break naive parsers: each must end in a value or a clear, typed reason, never a crash or a hang. */
class BadInputTest {
  final JsonRepair repair = new JsonRepair();

  @TempDir Path dir;

  private RepairResult.Unrecoverable refused(String input) {
    RepairResult r = repair.repair(input);
    assertThat(r).isInstanceOf(RepairResult.Unrecoverable.class);
    return (RepairResult.Unrecoverable) r;
  }

  private JsonNode recovered(String input) {
    RepairResult r = repair.repair(input);
    assertThat(r).isInstanceOf(RepairResult.Recovered.class);
    return ((RepairResult.Recovered) r).value();
  }

  @Test
  void emptyAndWhitespaceOutputAreEmpty() {
    assertThat(refused("").kind()).isEqualTo(Kind.EMPTY);
    assertThat(refused(" \n\t\r\n ").kind()).isEqualTo(Kind.EMPTY);
  }

  @Test
  void engineReasksAnEmptyReplyThenFailsTyped() {
    FakeModel fake = FakeModel.strict().reply("").reply("  ").reply("\n");
    StructuredOutput engine = new StructuredOutput(fake, StructuredOutputTest.spec(ProviderKind.OLLAMA),
        StructuredOptions.defaults());
    assertThatThrownBy(() -> engine.chat(StructuredOutputTest.ask(StructuredOutputTest.PERSON)))
        .isInstanceOfSatisfying(ModelException.class, e -> assertThat(((InvalidOutput) e.error()).kind())
            .isEqualTo(Kind.EMPTY));
    assertThat(fake.requests.get(1).messages().get(fake.requests.get(1).messages().size() - 1).content())
        .contains("empty");
  }

  @Test
  void tenThousandDeepNestingIsAClearErrorNotAStackOverflow() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    assertThat(refused(deep).reason()).contains("nesting deeper than " + StrictJson.MAX_DEPTH);
    assertThat(refused("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)).reason()).contains("nesting");
    assertThat(refused("[".repeat(10_000)).reason()).contains("nesting");
    // Broken on the way down, so the repairer (not Jackson) meets the depth first.
    assertThat(refused("[,".repeat(10_000)).reason()).isNotBlank();
    assertThat(refused("{'a': ".repeat(10_000)).reason()).contains("nesting");
  }

  @Test
  void fiftyMegabyteRepliesFinishWithAValueOrAReason() {
    int size = 50 * 1024 * 1024;
    // A huge value with a trailing comma: repaired in one pass.
    String big = "{\"data\": \"" + "x".repeat(size) + "\",}";
    assertThat(recovered(big).get("data").textValue()).hasSize(size);
    // Millions of bracketed words in prose: candidates are bounded.
    String prose = "See [x] ".repeat(size / 8) + "{\"answer\": 42}";
    assertThat(recovered(prose).get("answer").asInt()).isEqualTo(42);
    // Millions of quotes: every quote decision looks ahead one token only.
    assertThat(refused("{\"a\": \"" + "\" ".repeat(size / 2)).reason()).isNotBlank();
    // Millions of opening brackets hit the depth cap at once.
    assertThat(refused("[".repeat(size)).reason()).contains("nesting");
  }

  @Test
  void nulBytesInsideStringsAreEscapedAndOutsideAreRefused() {
    assertThat(recovered("{\"a\": \"x\u0000y\"}").get("a").textValue()).isEqualTo("x\u0000y");
    assertThat(refused("{\"a\":\u0000 1}").reason()).contains("U+0000");
    // NUL padding alone is no answer at all.
    assertThat(refused("\u0000\u0000").kind()).isEqualTo(Kind.EMPTY);
  }

  @Test
  void invalidUtf16FromABadDecoderStaysVisibleInTheValue() {
    // Providers decode bytes; a lone surrogate or U+FFFD reaching us is content, kept as is, never dropped.
    assertThat(recovered("{\"a\": \"\uFFFD\"}").get("a").textValue()).isEqualTo("\uFFFD");
  }

  @Test
  void hugeNumbersStayExactAndOverlongOnesAreRefused() {
    JsonNode v = recovered("{\"a\": 123456789012345678901234567890123, \"b\": 1e400, \"c\": 0.1, \"d\": 1.10}");
    assertThat(v.get("a").bigIntegerValue()).isEqualTo(new BigInteger("123456789012345678901234567890123"));
    assertThat(v.get("b").decimalValue()).isEqualTo(new BigDecimal("1e400"));
    assertThat(v.get("c").decimalValue()).isEqualTo(new BigDecimal("0.1"));
    assertThat(v.get("d").decimalValue().toPlainString()).isEqualTo("1.10");
    assertThat(refused("{\"a\": " + "9".repeat(5000) + "}").reason()).contains("longer than 1000 digits");
    assertThat(refused("{\"a\": " + "9".repeat(5000) + ",}").reason()).contains("longer than 1000 digits");
  }

  @Test
  void duplicateKeysAreRejectedAsAmbiguousNamingTheKey() {
    assertThat(refused("{\"a\": 1, \"a\": 2}").reason()).contains("duplicate key 'a'").contains("line 1");
    assertThat(refused("{'a': 1, a: 2,}").reason()).contains("duplicate key 'a'");
  }

  @Test
  void invalidSchemaFileNamesItsPathAndEachProblem() throws Exception {
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"type\": \"objekt\", \"properties\": {\"a\": {\"minimum\": \"x\"}}}");
    assertThatThrownBy(() -> Schemas.load(bad)).isInstanceOfSatisfying(InvalidSchemaException.class, e -> {
      assertThat(e.path()).isEqualTo(bad);
      assertThat(e.problems()).anyMatch(p -> p.startsWith("/type:"));
      assertThat(e.problems()).anyMatch(p -> p.startsWith("/properties/a/minimum:"));
      assertThat(e.getMessage()).startsWith(bad.toString());
    });
    Path syntax = dir.resolve("syntax.json");
    Files.writeString(syntax, "{\"type\": \"object\",\n \"properties\": {,}}");
    assertThatThrownBy(() -> Schemas.load(syntax)).isInstanceOfSatisfying(InvalidSchemaException.class,
        e -> assertThat(e.problems().get(0)).contains("line 2"));
    Path ref = dir.resolve("ref.yaml");
    Files.writeString(ref, "type: object\nproperties:\n  a: {$ref: '#/$defs/nope'}\n  b: {$ref: 'http://x/y'}\n"
        + "  c: {type: string, pattern: '[unclosed'}\n");
    assertThatThrownBy(() -> Schemas.load(ref)).isInstanceOfSatisfying(InvalidSchemaException.class, e -> {
      assertThat(e.problems()).anyMatch(p -> p.contains("/properties/a/$ref") && p.contains("does not resolve"));
      assertThat(e.problems()).anyMatch(p -> p.contains("only local references"));
      assertThat(e.problems()).anyMatch(p -> p.contains("/properties/c/pattern") && p.contains("invalid regular"));
    });
    assertThatThrownBy(() -> Schemas.load(dir.resolve("missing.json")))
        .isInstanceOfSatisfying(InvalidSchemaException.class, e -> assertThat(e.missing()).isTrue());
    Path array = dir.resolve("array.json");
    Files.writeString(array, "[1, 2]");
    assertThatThrownBy(() -> Schemas.load(array)).isInstanceOfSatisfying(InvalidSchemaException.class,
        e -> assertThat(e.problems().get(0)).contains("must be a JSON object"));
  }
}
