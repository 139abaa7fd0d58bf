package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepairCommandTest {
  static final ObjectMapper M = new ObjectMapper();

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(byte[] stdin, String... args) {
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(stdin), Map.of(), dir);
    return Main.run(args, io);
  }

  int run(String... args) {
    return run(new byte[0], args);
  }

  @Test
  void printsTheRecoveredValueAndTheRepairsFromStandardInput() {
    int code = run("Sure:\n```json\n{'a': 1, b: [True,],}\n```".getBytes(StandardCharsets.UTF_8), "repair", "-");
    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().strip()).isEqualTo("{\"a\":1,\"b\":[true]}");
    assertThat(err.toString()).contains("fence", "trailing-comma", "single-quotes", "unquoted-key", "python-literal");
  }

  @Test
  void keepsNumberPrecisionExactly() throws Exception {
    Files.writeString(dir.resolve("n.txt"), "{\"a\": 0.1, \"b\": 1e400, \"c\": 12345678901234567890123}");
    assertThat(run("repair", "n.txt")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().strip()).isEqualTo("{\"a\":0.1,\"b\":1E+400,\"c\":12345678901234567890123}");
  }

  @Test
  void exitsOneWithThePositionWhenTheValueWouldHaveToBeGuessed() throws Exception {
    Files.writeString(dir.resolve("bad.txt"), "{\"a\": \"hello\n\"b\": 2}");
    assertThat(run("repair", "bad.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("line 1, column 7").contains("closing quote").doesNotContain("Exception");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void exitsTwoForAMissingFile() {
    assertThat(run("repair", "nope.txt")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no such file").contains("nope.txt");
  }

  @Test
  void rejectsInvalidUtf8WithoutGuessing() throws Exception {
    Files.write(dir.resolve("bin.txt"), new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
    assertThat(run("repair", "bin.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("not valid UTF-8");
  }

  @Test
  void invalidSchemaFileNamesThePathAndTheProblem() throws Exception {
    Files.writeString(dir.resolve("s.json"), "{\"type\": \"objekt\", \"required\": \"a\"}");
    Files.writeString(dir.resolve("in.txt"), "{}");
    assertThat(run("repair", "in.txt", "--schema", "s.json")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("s.json").contains("/type").contains("/required");
  }

  @Test
  void schemaViolationIsAFailureWithThePointer() throws Exception {
    Files.writeString(dir.resolve("s.yaml"), "type: object\nproperties:\n  age: {type: integer}\nrequired: [age]\n");
    Files.writeString(dir.resolve("in.txt"), "{\"age\": \"x\"}");
    assertThat(run("repair", "in.txt", "--schema", "s.yaml", "--json")).isEqualTo(ExitCodes.FAILED);
    JsonNode result = M.readTree(out.toString());
    assertThat(result.get("ok").asBoolean()).isFalse();
    assertThat(result.get("error").asText()).contains("/age: string found, integer expected");
  }

  @Test
  void jsonlWritesExactlyOneLinePerCaseInOrderEvenForBadLines() throws Exception {
    Files.write(dir.resolve("cases.jsonl"), List.of(
        "{\"id\": 1, \"input\": \"{'a': 1,}\"}",
        "this line is not json",
        "{\"id\": \"two\", \"input\": \"[1, 2, ...]\", \"ignored\": true}",
        "{\"id\": 3}",
        "{\"id\": 4, \"input\": \"prose {\\\"ok\\\": true} prose\"}"));
    assertThat(run("repair", "--jsonl", "cases.jsonl")).isEqualTo(ExitCodes.OK);
    List<String> lines = out.toString().lines().toList();
    assertThat(lines).hasSize(5);
    List<JsonNode> rows = lines.stream().map(l -> {
      try {
        return M.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
    for (JsonNode row : rows) {
      assertThat(row.fieldNames()).toIterable().containsExactly("id", "ok", "value", "error", "guesses");
    }
    assertThat(rows.get(0).toString()).isEqualTo("{\"id\":1,\"ok\":true,\"value\":{\"a\":1},\"error\":null,\"guesses\":[]}");
    assertThat(rows.get(1).get("id").isNull()).isTrue();
    assertThat(rows.get(1).get("error").asText()).startsWith("line 2: not valid JSON");
    assertThat(rows.get(2).get("id").asText()).isEqualTo("two");
    assertThat(rows.get(2).get("ok").asBoolean()).isFalse();
    assertThat(rows.get(2).get("value").isNull()).isTrue();
    assertThat(rows.get(2).get("error").asText()).contains("placeholder");
    assertThat(rows.get(3).get("error").asText()).contains("line 4").contains("\"input\"");
    assertThat(rows.get(4).get("value").toString()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void jsonlErrorsForACutOffLineGiveThePositionNotParserInternals() throws Exception {
    Files.write(dir.resolve("cut.jsonl"), List.of("{\"id\": 1, \"input\": \"{}\""));
    assertThat(run("repair", "--jsonl", "cut.jsonl")).isEqualTo(ExitCodes.OK);
    String error = M.readTree(out.toString().strip()).get("error").asText();
    assertThat(error).startsWith("line 1: not valid JSON").contains("line: 1, column: 1")
        .doesNotContain("Source").doesNotContain("REDACTED");
  }

  @Test
  void benchRepairReportsThroughputOnAJsonlCorpus() throws Exception {
    Files.write(dir.resolve("b.jsonl"), List.of("{\"input\": \"{\\\"a\\\": 1,}\"}", "{\"input\": \"[1, 2]\"}"));
    assertThat(run("bench", "repair", "--jsonl", "b.jsonl", "--repeat", "2", "--json")).isEqualTo(ExitCodes.OK);
    JsonNode r = M.readTree(out.toString());
    assertThat(r.get("cases").asInt()).isEqualTo(2);
    assertThat(r.get("recovered").asInt()).isEqualTo(2);
    assertThat(r.get("casesPerSecond").asDouble()).isPositive();
    assertThat(r.get("mbPerSecond").isNumber()).isTrue();
  }

  @Test
  void lenientPrintsTheBestReadingAndListsEveryGuessWithItsPosition() throws Exception {
    Files.writeString(dir.resolve("in.txt"), "{\"a\": [1, 2, ...], \"url\": https://x.example/p}");
    assertThat(run("repair", "in.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(out.toString()).isEmpty();
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);

    assertThat(run("repair", "in.txt", "--lenient")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString().strip()).isEqualTo("{\"a\":[1,2],\"url\":\"https://x.example/p\"}");
    assertThat(err.toString()).contains("guessed: line 1, column 14: placeholder")
        .contains("guessed: line 1, column 27: unquoted-value");
  }

  @Test
  void refusalTellsAPersonWhatToDoNotWhatAModelShould() throws Exception {
    Files.writeString(dir.resolve("in.txt"), "{\"a\":\"b,\"c\":\"d\"}");
    assertThat(run("repair", "in.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("line 1, column 6").contains("--lenient")
        .doesNotContain("answer with").doesNotContain("send the complete");
  }

  @Test
  void bracketNoiseIsRefusedInsteadOfATinyValueFishedOutOfIt() throws Exception {
    java.util.Random random = new java.util.Random(3);
    StringBuilder noise = new StringBuilder();
    for (int i = 0; i < 20_000; i++) noise.append("[]{}".charAt(random.nextInt(4)));
    noise.insert(10_000, " [11] ");
    Files.writeString(dir.resolve("noise.txt"), noise);
    assertThat(run("repair", "noise.txt", "--lenient")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("mostly brackets");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void jsonOutputListsGuessesAndSchemaCoercions() throws Exception {
    Files.writeString(dir.resolve("s.json"), "{\"type\": \"object\", \"properties\": {\"age\": {\"type\": \"integer\"}}}");
    Files.writeString(dir.resolve("in.txt"), "{\"age\": \"42\", \"tags\": [1, 2, ...]}");
    assertThat(run("repair", "in.txt", "--schema", "s.json", "--lenient", "--json")).isEqualTo(ExitCodes.OK);
    JsonNode r = M.readTree(out.toString());
    assertThat(r.get("value").toString()).isEqualTo("{\"age\":42,\"tags\":[1,2]}");
    assertThat(r.get("coercions").toString()).isEqualTo("[\"/age: number-from-string\"]");
    assertThat(r.get("guesses").get(0).get("kind").asText()).isEqualTo("placeholder");
    assertThat(r.get("guesses").get(0).get("column").asInt()).isEqualTo(30);
  }

  @Test
  void jsonlLinesCarryGuessesAndMayBringTheirOwnSchema() throws Exception {
    Files.write(dir.resolve("cases.jsonl"), List.of(
        "{\"id\": 1, \"input\": \"{\\\"age\\\": \\\"42\\\"}\", \"schema\": {\"type\": \"object\", "
            + "\"properties\": {\"age\": {\"type\": \"integer\"}}}}",
        "{\"id\": 2, \"input\": \"[1, 2, ...]\"}",
        "{\"id\": 3, \"input\": \"{}\", \"schema\": \"not a schema\"}",
        "{\"id\": 4, \"input\": \"{\\\"a\\\": 1}\"}"));
    assertThat(run("repair", "--jsonl", "cases.jsonl", "--lenient")).isEqualTo(ExitCodes.OK);
    List<JsonNode> rows = out.toString().lines().map(l -> {
      try {
        return M.readTree(l);
      } catch (Exception e) {
        throw new AssertionError(l, e);
      }
    }).toList();
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0).get("value").toString()).isEqualTo("{\"age\":42}");
    assertThat(rows.get(1).get("ok").asBoolean()).isTrue();
    assertThat(rows.get(1).get("value").toString()).isEqualTo("[1,2]");
    assertThat(rows.get(1).get("guesses").get(0).get("kind").asText()).isEqualTo("placeholder");
    assertThat(rows.get(2).get("ok").asBoolean()).isFalse();
    assertThat(rows.get(2).get("error").asText()).contains("line 3").contains("schema");
    assertThat(rows.get(3).get("guesses").isEmpty()).isTrue();
  }

  /** No wording meant for a model reaches a person: the CLI says what they can do. */
  private void assertSpeaksToAPerson(String text) {
    assertThat(text.toLowerCase(java.util.Locale.ROOT)).doesNotContain("answer with").doesNotContain("reply with")
        .doesNotContain("value only").doesNotContain("send the complete").doesNotContain("exception");
  }

  private void clear() {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
  }

  @Test
  void aRefusalThatTheLenientModeReadsSaysSoWithItsNumberOfGuesses() throws Exception {
    Files.writeString(dir.resolve("in.txt"), "{\"a\": [1, 2, ...]}");
    assertThat(run("repair", "in.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("line 1, column 14").contains("placeholder")
        .contains("Fix the text at that place, or run 'orchestrator repair --lenient'")
        .contains("it reads a value here with 1 guess)");
    assertSpeaksToAPerson(err.toString());
  }

  @Test
  void aRefusalThatTheLenientModeCannotReadEitherDoesNotSuggestIt() throws Exception {
    Files.writeString(dir.resolve("in.txt"), "{:}");
    assertThat(run("repair", "in.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("Fix the text at that place.").contains("--lenient finds no reading of it");
    clear();
    assertThat(run("repair", "in.txt", "--lenient")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).startsWith("error: cannot recover a JSON value: line 1")
        .contains("even the most likely reading fails there");
    assertSpeaksToAPerson(err.toString());
  }

  @Test
  void bracketNoiseIsCalledNotJsonWithTheNextStepInBothModes() throws Exception {
    java.util.Random random = new java.util.Random(5);
    StringBuilder noise = new StringBuilder();
    for (int i = 0; i < 20_000; i++) noise.append("[]{}".charAt(random.nextInt(4)));
    Files.writeString(dir.resolve("noise.txt"), noise);
    assertThat(run("repair", "noise.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("the input is not JSON").contains("Check that this is the file you meant")
        .contains("--lenient does not guess a value out of it either").doesNotContain("without guessing\n");
    clear();
    assertThat(run("repair", "noise.txt", "--json")).isEqualTo(ExitCodes.FAILED);
    JsonNode r = M.readTree(out.toString());
    assertThat(r.get("kind").asText()).isEqualTo("not-json");
    assertThat(r.get("next").asText()).contains("Check that this is the file you meant");
  }

  @Test
  void emptyInputAndAModelsRefusalEachSayWhatToDoNext() throws Exception {
    assertThat(run(new byte[0], "repair")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("the input is empty").contains("pipe the output to standard input");
    clear();
    assertThat(run("I'm sorry, but I can't help with that.".getBytes(StandardCharsets.UTF_8), "repair"))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("declined").contains("change the request and ask the model again");
    clear();
    assertThat(run("<think>the user wants".getBytes(StandardCharsets.UTF_8), "repair")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("larger output-token limit");
    clear();
    assertThat(run("Sunny weather today.".getBytes(StandardCharsets.UTF_8), "repair"))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("the input is not JSON: it holds no JSON value");
    assertSpeaksToAPerson(err.toString());
  }

  @Test
  void cutOffTextInTheLenientModeIsCompletedAndInTheDefaultModeTheRefusalPointsThere() throws Exception {
    Files.writeString(dir.resolve("cut.txt"), "{\"items\": [1, 2,");
    assertThat(run("repair", "cut.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("cut off").contains("--lenient");
    clear();
    assertThat(run("repair", "cut.txt", "--json")).isEqualTo(ExitCodes.FAILED);
    JsonNode r = M.readTree(out.toString());
    assertThat(r.get("kind").asText()).isEqualTo("cut-off");
    assertThat(r.get("ok").asBoolean()).isFalse();
    assertThat(out.toString().strip().lines()).as("one JSON object on stdout").hasSize(1);
  }

  @Test
  void aMissingFileAndBadBytesEachNameTheFix() throws Exception {
    assertThat(run("repair", "nope.txt")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("check the path").contains("standard input");
    clear();
    Files.write(dir.resolve("latin.txt"), new byte[] {'[', '"', (byte) 0xE9, '"', ']'});
    assertThat(run("repair", "latin.txt")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("not valid UTF-8").contains("offset 2").contains("iconv");
  }

  @Test
  void aSchemaViolationSaysWhatToFix() throws Exception {
    Files.writeString(dir.resolve("s.json"), "{\"type\": \"object\", \"required\": [\"name\"]}");
    Files.writeString(dir.resolve("in.txt"), "{\"age\": 1}");
    assertThat(run("repair", "in.txt", "--schema", "s.json")).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("does not conform to the schema").contains("Fix the value or the schema");
  }

  @Test
  void jsonOutputOfALargeValueIsTheSameAsTheTextOutput() throws Exception {
    StringBuilder sb = new StringBuilder("Here it is:\n```json\n[");
    for (int i = 0; i < 40_000; i++) sb.append(i == 0 ? "" : ",").append("{'id': ").append(i)
        .append(", \"name\": \"東京 🌞 naïve\", \"x\": 1.50, \"ok\": True}");
    sb.append("]\n```\n");
    Files.writeString(dir.resolve("big.txt"), sb);
    assertThat(run("repair", "big.txt", "--quiet")).isEqualTo(ExitCodes.OK);
    String text = out.toString().strip();
    clear();
    assertThat(run("repair", "big.txt", "--json")).isEqualTo(ExitCodes.OK);
    JsonNode r = M.readTree(out.toString());
    assertThat(r.get("value").size()).isEqualTo(40_000);
    assertThat(r.get("value").equals(M.readTree(text))).as("the same value").isTrue();
    assertThat(r.get("value").get(7).get("name").asText()).isEqualTo("東京 🌞 naïve");
    assertThat(out.toString()).contains("\"x\":1.50,");
    assertThat(r.get("repairs").toString()).contains("single-quotes");
    assertThat(r.get("error").isNull()).isTrue();
  }

  @Test
  void jsonlErrorsSayHowALineMustLook() throws Exception {
    Files.write(dir.resolve("c.jsonl"), List.of("not json", "[1]", "{\"id\": 3, \"input\": \"{\\\"a\\\": [1, ...]}\"}"));
    assertThat(run("repair", "--jsonl", "c.jsonl")).isEqualTo(ExitCodes.OK);
    List<String> lines = out.toString().lines().toList();
    assertThat(M.readTree(lines.get(0)).get("error").asText()).contains("each line must be one JSON object");
    assertThat(M.readTree(lines.get(1)).get("error").asText()).contains("such as {\"id\": 1");
    assertThat(M.readTree(lines.get(2)).get("error").asText()).contains("placeholder").contains("--lenient");
    assertSpeaksToAPerson(out.toString());
  }
}
