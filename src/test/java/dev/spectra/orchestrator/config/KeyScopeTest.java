package dev.spectra.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.sim.RecordedRequest;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each provider key goes only to its provider's host, or to a host the user names for that model in
 * {@code orchestrator.yaml} (an {@code endpoint:} or {@code api-key-env:} of its {@code models:} entry); never to a
 * host that only a URL in the environment or the shape of a path points at.
 * The simulator stands in for a third-party host: it records the headers it received.
 */
class KeyScopeTest {
  static final String OPENAI_KEY = "sk-openai-secret-0001";
  static final String ANTHROPIC_KEY = "sk-ant-secret-0002";

  @TempDir Path cwd;
  @TempDir Path home;
  Simulator sim;
  final Map<String, String> env = new HashMap<>();

  @BeforeEach void start() {
    sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(1));
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
    env.put("OPENAI_API_KEY", OPENAI_KEY);
    env.put("ANTHROPIC_API_KEY", ANTHROPIC_KEY);
  }

  @AfterEach void stop() {
    sim.close();
  }

  /** Calls the configured default model once and {@return what the simulator received} */
  RecordedRequest callDefault() throws Exception {
    Config config = ConfigLoader.load(env, cwd, dev.spectra.orchestrator.app.Dirs.from(env).configFile(), Overrides.NONE);
    ModelSpec spec = config.defaultSpec();
    try (Providers providers = new Providers(Secrets.from(env), Providers.Options.DEFAULTS)) {
      providers.model(spec).chat(ModelRequest.of("hi"));
    } catch (dev.spectra.orchestrator.model.ModelException e) {
      // Without a key the simulator answers 401 like the real service; what matters is what it received.
    }
    return sim.requests().getLast();
  }

  static List<String> secretsIn(RecordedRequest r) {
    return r.headers().values().stream().flatMap(List::stream)
        .filter(v -> v.contains(OPENAI_KEY) || v.contains(ANTHROPIC_KEY)).toList();
  }

  @Test
  void theAnthropicKeyIsNotSentToAnotherHostWhosePathEndsInMessages() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", sim.baseUrl() + "/v1/messages");
    env.put("ORCHESTRATOR_LLM_MODEL", "claude-3-5-sonnet");

    RecordedRequest r = callDefault();

    assertThat(r.path()).endsWith("/messages");
    assertThat(secretsIn(r)).isEmpty();
  }

  @Test
  void theOpenAiKeyIsNotSentToAnotherHostSpeakingTheOpenAiProtocol() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", sim.baseUrl() + "/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_KIND", "openai");
    env.put("ORCHESTRATOR_LLM_MODEL", "gpt-4o-mini");

    RecordedRequest r = callDefault();

    assertThat(r.path()).endsWith("/chat/completions");
    assertThat(secretsIn(r)).isEmpty();
  }

  @Test
  void ollamaIsNeverSentAKey() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", sim.baseUrl().toString());
    env.put("ORCHESTRATOR_LLM_KIND", "ollama");
    env.put("ORCHESTRATOR_LLM_MODEL", "qwen2.5-coder:32b");

    RecordedRequest r = callDefault();

    assertThat(r.path()).startsWith("/api/");
    assertThat(secretsIn(r)).isEmpty();
  }

  @Test
  void aKeyGoesToAnotherHostWhenTheUserNamesItForThatModel() throws Exception {
    Files.writeString(cwd.resolve("orchestrator.yaml"), """
        models:
          proxy-claude:
            kind: anthropic
            endpoint: %s/v1
            model-id: claude-3-5-sonnet-20241022
            api-key-env: ANTHROPIC_API_KEY
        llm:
          model: proxy-claude
        """.formatted(sim.baseUrl()));

    RecordedRequest r = callDefault();

    assertThat(r.header("x-api-key")).contains(ANTHROPIC_KEY);
  }

  @Test
  void aKeyGoesToAnEndpointTheUserWroteForThatModelInTheConfigurationFile() throws Exception {
    Files.writeString(cwd.resolve("orchestrator.yaml"), """
        models:
          gpt-4o-mini:
            endpoint: %s/v1
            kind: openai
        llm:
          model: gpt-4o-mini
        """.formatted(sim.baseUrl()));

    RecordedRequest r = callDefault();

    assertThat(r.header("authorization")).contains("Bearer " + OPENAI_KEY);
  }

  @Test
  void theBuiltInCloudEntriesKeepTheirKeysForTheirOwnHosts() throws Exception {
    Config config = ConfigLoader.load(env, cwd, dev.spectra.orchestrator.app.Dirs.from(env).configFile(), Overrides.NONE);

    assertThat(config.catalog().get("gpt-4o-mini").orElseThrow().apiKeyEnv()).isEqualTo("OPENAI_API_KEY");
    assertThat(config.catalog().get("claude-3-5-sonnet").orElseThrow().apiKeyEnv()).isEqualTo("ANTHROPIC_API_KEY");
  }
}
