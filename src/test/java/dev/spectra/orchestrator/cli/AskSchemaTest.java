package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import dev.spectra.orchestrator.structured.Schemas;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code ask --schema} end to end against every simulator profile, over HTTP. */
class AskSchemaTest {
  static final ObjectMapper M = new ObjectMapper();
  static final String SCHEMA = """
      {"type": "object",
       "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0},
                      "tags": {"type": "array", "items": {"type": "string"}}},
       "required": ["name", "age", "tags"]}""";

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"perfect", "broken", "down", "flaky", "mistral-7b", "qwen2.5-coder-32b", "gpt-4o-mini",
      "claude-3-5-sonnet"})
  void everyProfileYieldsAConformingValueOrATypedFailure(String profile) throws Exception {
    Files.writeString(dir.resolve("person.json"), SCHEMA);
    JsonNode schema = M.readTree(SCHEMA);
    int ok = 0;
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile(profile).withSeed(7))) {
      for (int i = 0; i < 4; i++) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
            Map.of("ORCHESTRATOR_LLM_URL", sim.baseUrl() + "/v1/chat/completions", "ORCHESTRATOR_LLM_MODEL", profile,
                "XDG_CONFIG_HOME", dir.toString(), "HOME", dir.toString()), dir);
        int code = Main.run(new String[] {"ask", "--schema", "person.json", "--quiet", "Describe person " + i}, io);
        assertThat(err.toString()).as(profile).doesNotContain("Exception").doesNotContain("internal error");
        if (code == ExitCodes.OK) {
          ok++;
          assertThat(Schemas.validate(schema, M.readTree(out.toString()))).as(profile + ": " + out).isEmpty();
        } else if (code == ExitCodes.FAILED) {
          assertThat(err.toString()).as(profile).contains("output of");
        } else {
          // Transport faults (down, flaky) surface as model errors; nothing was invented.
          assertThat(Set.of("down", "flaky")).as(profile + " exit " + code + ": " + err).contains(profile);
          assertThat(code).isIn(ExitCodes.MODEL_ERROR, ExitCodes.UNREACHABLE);
          assertThat(out.toString()).isEmpty();
        }
      }
    }
    if (!profile.equals("down")) assertThat(ok).as(profile + " successes").isPositive();
    if (profile.equals("perfect")) assertThat(ok).isEqualTo(4);
    if (profile.equals("down")) assertThat(ok).isZero();
  }

  private record Run(int code, String out, String err) {}

  private Run ask(Simulator sim, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
        Map.of("ORCHESTRATOR_LLM_URL", sim.baseUrl() + "/v1/chat/completions", "ORCHESTRATOR_LLM_MODEL", "perfect",
            "XDG_CONFIG_HOME", dir.toString(), "HOME", dir.toString()), dir);
    String[] all = new String[args.length + 1];
    all[0] = "ask";
    System.arraycopy(args, 0, all, 1, args.length);
    int code = Main.run(all, io);
    return new Run(code, out.toString(), err.toString());
  }

  /** A list that ends in a "..." placeholder: the default mode re-asks, the lenient one drops it and says so. */
  static final String PLACEHOLDER = "{\"name\": \"Ana\", \"age\": 3, \"tags\": [\"a\", ...]}";

  @Test
  void lenientTakesTheBestReadingOfABrokenAnswerAndListsEveryGuess() throws Exception {
    Files.writeString(dir.resolve("person.json"), SCHEMA);
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(7))) {
      sim.enqueue("*", Scripted.text(PLACEHOLDER));
      Run text = ask(sim, "--schema", "person.json", "--lenient", "--quiet", "Describe a person");
      assertThat(text.code()).as(text.err()).isEqualTo(ExitCodes.OK);
      assertThat(M.readTree(text.out())).isEqualTo(M.readTree("{\"name\":\"Ana\",\"age\":3,\"tags\":[\"a\"]}"));
      assertThat(text.err()).contains("guessed: line 1, column 41: placeholder");

      sim.enqueue("*", Scripted.text(PLACEHOLDER));
      Run json = ask(sim, "--schema", "person.json", "--lenient", "--json", "Describe a person");
      assertThat(json.code()).as(json.err()).isEqualTo(ExitCodes.OK);
      JsonNode root = M.readTree(json.out());
      assertThat(root.path("value").path("tags")).isEqualTo(M.readTree("[\"a\"]"));
      assertThat(root.path("guesses")).isEqualTo(M.readTree("[{\"kind\":\"placeholder\",\"line\":1,\"column\":41}]"));
      assertThat(root.path("attempts")).hasSize(1);
    }
  }

  @Test
  void withoutLenientTheBrokenAnswerIsReaskedAndNothingIsGuessed() throws Exception {
    Files.writeString(dir.resolve("person.json"), SCHEMA);
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(7))) {
      sim.enqueue("*", Scripted.text(PLACEHOLDER));
      Run run = ask(sim, "--schema", "person.json", "--json", "Describe a person");
      assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
      JsonNode root = M.readTree(run.out());
      // The model was re-asked with the problem, and its second answer is whole: nothing was guessed away.
      var chats = sim.requests().stream().filter(q -> q.path().contains("chat")).toList();
      assertThat(chats).hasSize(2);
      assertThat(chats.get(1).body().toString()).contains("placeholder");
      assertThat(root.has("guesses")).isFalse();
      assertThat(root.path("value").path("tags").size()).isEqualTo(2);
      assertThat(run.err()).doesNotContain("guessed");
    }
  }

  @Test
  void whenReaskingNeverGivesAValueTheMessageSaysWhatThePersonCanDoNext() throws Exception {
    Files.writeString(dir.resolve("person.json"), SCHEMA);
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(7))) {
      for (int i = 0; i < 3; i++) sim.enqueue("*", Scripted.text(PLACEHOLDER));
      Run run = ask(sim, "--schema", "person.json", "--quiet", "Describe a person");

      assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
      assertThat(run.err()).contains("placeholder").contains("Rerun with --lenient").doesNotContain("Exception");
      assertThat(run.out()).isEmpty();
    }
  }

  @Test
  void lenientReadsAnAnswerCutAtTheTokenLimitAndListsTheCut() throws Exception {
    Files.writeString(dir.resolve("person.json"), SCHEMA);
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(7))) {
      sim.enqueue("*", Scripted.truncated("{\"name\": \"Ana\", \"age\": 3, \"tags\": [\"a\", \"b"));
      Run run = ask(sim, "--schema", "person.json", "--lenient", "--quiet", "Describe a person");

      assertThat(run.code()).as(run.err()).isEqualTo(ExitCodes.OK);
      assertThat(M.readTree(run.out())).isEqualTo(M.readTree("{\"name\":\"Ana\",\"age\":3,\"tags\":[\"a\",\"b\"]}"));
      assertThat(run.err()).contains("guessed: line 1, column 43: truncated-string")
          .contains("guessed: line 1, column 43: cut-off");
      assertThat(sim.requests().stream().filter(q -> q.path().contains("chat")).count()).isEqualTo(1);
    }
  }

  @Test
  void lenientWithoutASchemaIsAUsageError() throws Exception {
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(7))) {
      Run run = ask(sim, "--lenient", "What is 2+2?");
      assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("--lenient").contains("--schema");
      assertThat(sim.requests()).isEmpty();
    }
  }
}
