package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileFileTest {
  @TempDir Path dir;

  Path write(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void loadsAYamlProfileThatExtendsABuiltIn() throws Exception {
    Path f = write("local.yaml", """
        name: my-local
        extends: mistral-7b
        models: [my-model:7b]
        validRate: 0.5
        families: {fences: 2, trailing-comma: 1}
        faults: {rateLimited: 0.2, retryAfterMs: 10}
        """);

    Profile p = Profile.resolve(f.toString());

    assertThat(p.name()).isEqualTo("my-local");
    assertThat(p.models()).containsExactly("my-model:7b");
    assertThat(p.validRate()).isEqualTo(0.5);
    assertThat(p.families()).containsOnlyKeys(Family.FENCES, Family.TRAILING_COMMA);
    assertThat(p.faults().rateLimited()).isEqualTo(0.2);
    assertThat(p.faults().retryAfterMs()).isEqualTo(10);
    assertThat(p.latency()).isEqualTo(Profile.BUILT_IN.get("mistral-7b").latency());
  }

  @Test
  void loadsAJsonProfileAndServesOnlyItsModels() throws Exception {
    Path f = write("p.json", "{\"models\":[\"only:1b\"],\"faults\":{\"unavailable\":1.0}}");

    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile(f.toString()))) {
      SimHttp http = new SimHttp(sim);
      assertThat(sim.profileName()).isEqualTo("p");
      assertThat(http.post("/api/chat", SimHttp.ollama("only:1b", "hi", false)).statusCode()).isEqualTo(503);
      assertThat(http.post("/api/chat", SimHttp.ollama("else:1b", "hi", false)).statusCode()).isEqualTo(404);
    }
  }

  @Test
  void unknownProfileNameListsTheBuiltInProfiles() {
    assertThatThrownBy(() -> Simulator.start(SimOptions.defaults().withProfile("gpt-5")))
        .isInstanceOf(Simulator.BadProfileException.class)
        .hasMessageContaining("gpt-5")
        .hasMessageContaining("perfect, broken, down, flaky, mistral-7b, qwen2.5-coder-32b, gpt-4o-mini, "
            + "claude-3-5-sonnet");
  }

  @Test
  void unknownKeyIsNamedWithTheAllowedOnes() throws Exception {
    Path f = write("bad.yaml", "validrate: 0.3\n");

    assertThatThrownBy(() -> Profile.resolve(f.toString())).hasMessageContaining("unknown key 'validrate'")
        .hasMessageContaining("validRate");
  }

  @Test
  void unknownFamilyIsNamedWithTheKnownOnes() throws Exception {
    Path f = write("bad.yaml", "families: {typos: 1}\nvalidRate: 0.5\n");

    assertThatThrownBy(() -> Profile.resolve(f.toString())).hasMessageContaining("unknown family 'typos'")
        .hasMessageContaining("trailing-comma");
  }

  @Test
  void faultRatesAddingUpToMoreThanOneAreRejected() throws Exception {
    Path f = write("bad.yaml", "faults: {rateLimited: 0.7, unavailable: 0.7}\n");

    assertThatThrownBy(() -> Profile.resolve(f.toString())).hasMessageContaining("more than 1")
        .hasMessageContaining("bad.yaml");
  }

  @Test
  void aValidRateBelowOneNeedsAFamilyToBreakAnswersWith() throws Exception {
    Path f = write("bad.yaml", "validRate: 0.5\n");

    assertThatThrownBy(() -> Profile.resolve(f.toString())).hasMessageContaining("corruption family");
  }

  @Test
  void malformedYamlNamesTheFileAndLine() throws Exception {
    Path f = write("broken.yaml", "name: x\nfaults: [unclosed\n");

    assertThatThrownBy(() -> Profile.resolve(f.toString())).hasMessageContaining("broken.yaml")
        .hasMessageContaining("line");
  }

  @Test
  void fixtureDirectoryAnswersBeforeTheBuiltInFixtures() throws Exception {
    Path fixtures = Files.createDirectory(dir.resolve("fixtures"));
    Files.writeString(fixtures.resolve("plan.yaml"), """
        name: plan
        match: {contains: [plan, todo]}
        json: {steps: [{title: create the todo table}]}
        """);
    Files.writeString(fixtures.resolve("france.yaml"), """
        match: {regex: "(?i)capital of france"}
        reply: Paris, from the user fixture.
        """);

    try (Simulator sim = Simulator.start(SimOptions.defaults().withFixtureDir(fixtures))) {
      SimHttp http = new SimHttp(sim);
      String plan = SimHttp.json(http.post("/v1/chat/completions", SimHttp.openAi("m", "Plan a TODO service")))
          .at("/choices/0/message/content").asText();
      String paris = SimHttp.json(http.post("/v1/chat/completions",
          SimHttp.openAi("m", "What is the capital of France?"))).at("/choices/0/message/content").asText();
      String pong = SimHttp.json(http.post("/v1/chat/completions", SimHttp.openAi("m", "ping")))
          .at("/choices/0/message/content").asText();

      assertThat(SimHttp.json(plan).at("/steps/0/title").asText()).isEqualTo("create the todo table");
      assertThat(paris).isEqualTo("Paris, from the user fixture.");
      assertThat(pong).isEqualTo("pong");
    }
  }

  @Test
  void fixtureWithoutAMatchRuleIsRejected() throws Exception {
    Path fixtures = Files.createDirectory(dir.resolve("fx"));
    Files.writeString(fixtures.resolve("x.yaml"), "reply: hi\n");

    assertThatThrownBy(() -> Simulator.start(SimOptions.defaults().withFixtureDir(fixtures)))
        .isInstanceOf(Simulator.BadProfileException.class).hasMessageContaining("x.yaml")
        .hasMessageContaining("match.contains");
  }
}
