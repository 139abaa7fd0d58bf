package dev.spectra.orchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  @TempDir Path cwd;
  @TempDir Path home;
  final Map<String, String> env = new HashMap<>();

  Config load() throws ConfigException {
    env.putIfAbsent("HOME", home.toString());
    return ConfigLoader.load(env, cwd, Dirs.from(env).configFile(), Overrides.NONE);
  }

  void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  Path xdgFile() {
    return home.resolve(".config/orchestrator/orchestrator.yaml");
  }

  @Test
  void defaultsToQwenCoderOnLocalOllamaWithNoFallback() throws Exception {
    Config c = load();
    ModelSpec d = c.defaultSpec();
    assertThat(d.name()).isEqualTo("qwen2.5-coder-32b");
    assertThat(d.kind()).isEqualTo(ProviderKind.OLLAMA);
    assertThat(d.endpoint()).isEqualTo(URI.create("http://localhost:11434"));
    assertThat(d.modelId()).isEqualTo("qwen2.5-coder:32b");
    assertThat(c.fallbackModel()).isEmpty();
    assertThat(c.catalog().version()).isEqualTo("2026-11-builtin-1");
  }

  @Test
  void builtInCatalogPricesInputAndOutputApart() throws Exception {
    Catalog cat = load().catalog();
    assertThat(cat.get("gpt-4o-mini").orElseThrow().price()).isEqualTo(Price.perMillion("0.15", "0.60"));
    assertThat(cat.get("gpt-4-turbo").orElseThrow().price()).isEqualTo(Price.perMillion("10", "30"));
    assertThat(cat.get("claude-3-5-sonnet").orElseThrow().price()).isEqualTo(Price.perMillion("3", "15"));
    assertThat(cat.get("mistral-7b-instruct-v0.3").orElseThrow().price().isFree()).isTrue();
    assertThat(cat.names()).contains("mistral-nemo-12b", "llama3.3-70b", "deepseek-coder-v2-236b");
  }

  @Test
  void seedUrlAndModelSelectTheNativeOllamaApiAtTheServerRoot() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", "http://localhost:11434/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", "qwen2.5-coder:32b");
    ModelSpec d = load().defaultSpec();
    assertThat(d.name()).isEqualTo("qwen2.5-coder-32b");
    assertThat(d.kind()).isEqualTo(ProviderKind.OLLAMA);
    assertThat(d.endpoint()).isEqualTo(URI.create("http://localhost:11434"));
    assertThat(d.modelId()).isEqualTo("qwen2.5-coder:32b");
    assertThat(d.local()).isTrue();
  }

  @ParameterizedTest
  @CsvSource({
      "https://api.openai.com/v1/chat/completions, openai, https://api.openai.com/v1",
      "https://api.anthropic.com/v1/messages, anthropic, https://api.anthropic.com/v1",
      "https://proxy.example.com/v1/messages, anthropic, https://proxy.example.com/v1",
      "http://localhost:1234/v1/chat/completions, openai-compatible, http://localhost:1234/v1",
      "http://localhost:8080, openai-compatible, http://localhost:8080/v1",
      "http://gpu-box:8080/api/chat, ollama, http://gpu-box:8080",
      "http://127.0.0.1:11434, ollama, http://127.0.0.1:11434"})
  void detectsTheDialectFromTheUrl(String url, String kind, String base) throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", url);
    env.put("ORCHESTRATOR_LLM_MODEL", "some-model");
    ModelSpec d = load().defaultSpec();
    assertThat(d.kind()).isEqualTo(ProviderKind.fromConfig(kind));
    assertThat(d.endpoint()).isEqualTo(URI.create(base));
    assertThat(d.modelId()).isEqualTo("some-model");
  }

  @Test
  void explicitKindOverridesDetection() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", "http://localhost:8000/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_KIND", "vllm");
    env.put("ORCHESTRATOR_LLM_MODEL", "Qwen/Qwen2.5-Coder-32B-Instruct");
    assertThat(load().defaultSpec().kind()).isEqualTo(ProviderKind.VLLM);
  }

  @Test
  void unknownLocalModelBecomesAFreeCatalogEntry() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:1234/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", "my-finetune");
    Config c = load();
    ModelSpec d = c.defaultSpec();
    assertThat(d.name()).isEqualTo("my-finetune");
    assertThat(d.local()).isTrue();
    assertThat(d.price()).isEqualTo(Price.FREE);
    assertThat(d.apiKeyEnv()).as("the OpenAI key is never sent to another host by default").isNull();
    assertThat(c.catalog().find("my-finetune")).contains(d);
  }

  @Test
  void flagBeatsEnvironmentBeatsDotEnvBeatsWorkingDirectoryYamlBeatsXdgYaml() throws Exception {
    write(xdgFile(), "llm:\n  model: from-xdg\n  url: http://localhost:1/v1\n");
    assertThat(load().defaultModel()).isEqualTo("from-xdg");
    write(cwd.resolve("orchestrator.yaml"), "llm:\n  model: from-yaml\n");
    assertThat(load().defaultModel()).isEqualTo("from-yaml");
    write(cwd.resolve(".env"), "ORCHESTRATOR_LLM_MODEL=from-dotenv\n");
    assertThat(load().defaultModel()).isEqualTo("from-dotenv");
    env.put("ORCHESTRATOR_LLM_MODEL", "from-env");
    Config c = load();
    assertThat(c.defaultModel()).isEqualTo("from-env");
    assertThat(c.sources()).anySatisfy(s -> {
      assertThat(s.setting()).isEqualTo("llm.model");
      assertThat(s.origin()).contains("environment ORCHESTRATOR_LLM_MODEL");
    });
    // The URL still comes from the XDG file: precedence is per setting, not per file.
    assertThat(c.defaultSpec().endpoint()).isEqualTo(URI.create("http://localhost:1/v1"));
    Config flagged = ConfigLoader.load(env, cwd, Dirs.from(env).configFile(), new Overrides(null, "from-flag", null, null, null));
    assertThat(flagged.defaultModel()).isEqualTo("from-flag");
  }

  @Test
  void dotEnvSuppliesApiKeysButTheEnvironmentWins() throws Exception {
    write(cwd.resolve(".env"), "# keys\nexport OPENAI_API_KEY=\"sk-from-dotenv\"\nANTHROPIC_API_KEY=sk-ant-dotenv\n");
    env.put("ANTHROPIC_API_KEY", "sk-ant-env");
    Secrets s = load().secrets();
    assertThat(s.value("OPENAI_API_KEY")).contains("sk-from-dotenv");
    assertThat(s.value("ANTHROPIC_API_KEY")).contains("sk-ant-env");
  }

  @Test
  void aCatalogModelMovedToALoopbackUrlKeepsItsPriceAndStaysCloud() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:4000/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", "gpt-4o-mini");
    write(cwd.resolve("orchestrator.yaml"), """
        models:
          claude-3-5-sonnet:
            endpoint: http://localhost:8787/v1
          gpt-4-turbo:
            endpoint: http://localhost:8788/v1
            price: {input: 1, output: 2}
        """);
    Config c = load();
    ModelSpec mini = c.defaultSpec();
    assertThat(mini.endpoint()).isEqualTo(URI.create("http://127.0.0.1:4000/v1"));
    assertThat(mini.local()).as("a local proxy in front of a cloud model does not make it local").isFalse();
    assertThat(mini.price()).isEqualTo(Price.perMillion("0.15", "0.60"));
    assertThat(c.catalog().priceSource("gpt-4o-mini")).startsWith("catalog ");
    ModelSpec sonnet = c.catalog().get("claude-3-5-sonnet").orElseThrow();
    assertThat(sonnet.local()).isFalse();
    assertThat(sonnet.price()).isEqualTo(Price.perMillion("3", "15"));
    assertThat(c.catalog().priceSource("claude-3-5-sonnet")).startsWith("catalog ");
    assertThat(c.catalog().get("gpt-4-turbo").orElseThrow().price()).isEqualTo(Price.perMillion("1", "2"));
    assertThat(c.catalog().priceSource("gpt-4-turbo")).endsWith("orchestrator.yaml:6");
    assertThat(c.catalog().priceSource("qwen2.5-coder-32b")).startsWith("catalog ");
  }

  @Test
  void yamlAddsModelsAndOverridesBuiltInFields() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), """
        models:
          gpt-4o-mini:
            price: {input: 0.2, output: 0.8}
          lmstudio-qwen:
            endpoint: http://localhost:1234/v1
            model-id: qwen2.5-coder-7b-instruct
            context-window: 16384
            capabilities: [json-mode, streaming]
            timeouts: {connect: 500ms, first-token: 90s, total: 10m}
            max-concurrent: 1
          openrouter-llama:
            kind: openai-compatible
            endpoint: https://openrouter.ai/api/v1
            model-id: meta-llama/llama-3.3-70b-instruct
            price: {input: 0.12, output: 0.3}
            api-key-env: OPENROUTER_API_KEY
        """);
    Config c = load();
    assertThat(c.catalog().version()).isEqualTo("2026-11-builtin-1+local");
    assertThat(c.catalog().get("gpt-4o-mini").orElseThrow().price()).isEqualTo(Price.perMillion("0.2", "0.8"));
    assertThat(c.catalog().get("gpt-4o-mini").orElseThrow().endpoint()).isEqualTo(URI.create("https://api.openai.com/v1"));
    ModelSpec lm = c.catalog().get("lmstudio-qwen").orElseThrow();
    assertThat(lm.kind()).isEqualTo(ProviderKind.OPENAI_COMPATIBLE);
    assertThat(lm.local()).isTrue();
    assertThat(lm.contextWindow()).isEqualTo(16384);
    assertThat(lm.capabilities()).containsExactlyInAnyOrder(Capability.JSON_MODE, Capability.STREAMING);
    assertThat(lm.timeouts().connect()).isEqualTo(Duration.ofMillis(500));
    assertThat(lm.timeouts().total()).isEqualTo(Duration.ofMinutes(10));
    ModelSpec or = c.catalog().get("openrouter-llama").orElseThrow();
    // Explicit kind wins over the /api path that would otherwise mean Ollama.
    assertThat(or.kind()).isEqualTo(ProviderKind.OPENAI_COMPATIBLE);
    assertThat(or.local()).isFalse();
    assertThat(or.apiKeyEnv()).isEqualTo("OPENROUTER_API_KEY");
    assertThat(or.price().inputPerMillion()).isEqualByComparingTo(new BigDecimal("0.12"));
  }

  @Test
  void workingDirectoryFileOverridesTheXdgFileModelByModel() throws Exception {
    write(xdgFile(), "models:\n  box:\n    endpoint: http://10.0.0.5:11434\n    context-window: 4096\n");
    write(cwd.resolve("orchestrator.yaml"), "models:\n  box:\n    context-window: 65536\n");
    ModelSpec box = load().catalog().get("box").orElseThrow();
    assertThat(box.endpoint()).isEqualTo(URI.create("http://10.0.0.5:11434"));
    assertThat(box.contextWindow()).isEqualTo(65536);
  }

  @Test
  void xdgConfigHomeIsHonoured() throws Exception {
    Path xdg = home.resolve("xdg");
    env.put("XDG_CONFIG_HOME", xdg.toString());
    write(xdg.resolve("orchestrator/orchestrator.yaml"), "llm:\n  model: llama3.3-70b\n");
    assertThat(load().defaultModel()).isEqualTo("llama3.3-70b");
  }

  @Test
  void wrongValueTypeNamesFileLineKeyAndWhatWasExpected() throws Exception {
    Path file = cwd.resolve("orchestrator.yaml");
    write(file, "models:\n  cheap:\n    kind: openai\n    price:\n      input: abc\n      output: 1\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.getMessage()).startsWith(file + ":5: models.cheap.price.input: expected a number >= 0");
      assertThat(e.line()).isEqualTo(5);
      assertThat(e.key()).isEqualTo("models.cheap.price.input");
    });
  }

  @Test
  void brokenYamlSyntaxNamesTheLine() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "llm:\n  model: qwen\n   url: [unclosed\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.line()).isGreaterThan(1);
      assertThat(e.getMessage()).contains("orchestrator.yaml").contains("expected valid YAML");
    });
  }

  @Test
  void unknownModelSettingNamesTheNearestKnownOne() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "models:\n  x:\n    kind: ollama\n    context_window: 4096\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":4: models.x.context_window: unknown key; did you mean 'context-window'?")
            .contains("known: api-key-env, capabilities, context-window"));
  }

  @Test
  void aTypoInRoutingNamesFileLineKeyAndTheNearestKnownKey() throws Exception {
    Path file = cwd.resolve("orchestrator.yaml");
    write(file, "routing:\n  retry:\n    max-atempts: 2\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.getMessage()).startsWith(file + ":3: routing.retry.max-atempts: unknown key; did you mean "
          + "'max-attempts'?");
      assertThat(e.line()).isEqualTo(3);
    });
  }

  @Test
  void aTypoInBudgetsOrLedgerIsAnErrorToo() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "budgets:\n  monthly_usd: 5\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":2: budgets.monthly_usd: unknown key; did you mean 'monthly-usd'?"));
    write(cwd.resolve("orchestrator.yaml"), "ledger:\n  path: /tmp/ledger.db\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":2: ledger.path: unknown key").contains("(known: file, url)"));
  }

  @Test
  void aSectionThatNothingReadsIsRefused() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "llm:\n  model: qwen2.5-coder-32b\ngateway:\n  port: 8080\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":3: gateway: unknown key")
            .contains("(known: budgets, fallback, ledger, llm, models, ollama, reference-model, routing)"));
    write(cwd.resolve("orchestrator.yaml"), "model: qwen2.5-coder-32b\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":1: model: unknown key; did you mean 'models'?"));
  }

  @Test
  void routingDurationsAreWrittenLikeEveryOtherDuration() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), """
        routing:
          retry: {base-delay: 250ms, max-delay: 2s, max-retry-after: 1m}
          breaker: {cooldown: 45}
        """);
    ConfigFile.Routing r = load().routing().value();
    assertThat(r.retry().baseDelay()).isEqualTo(Duration.ofMillis(250));
    assertThat(r.retry().maxDelay()).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.retry().maxRetryAfter()).isEqualTo(Duration.ofMinutes(1));
    assertThat(r.breaker().cooldown()).isEqualTo(Duration.ofSeconds(45));
    // The millisecond keys of earlier versions are a second syntax: refused, pointing at the one to use.
    write(cwd.resolve("orchestrator.yaml"), "routing:\n  retry:\n    base-delay-ms: 250\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":3: routing.retry.base-delay-ms: unknown key; did you mean 'base-delay'?"));
    write(cwd.resolve("orchestrator.yaml"), "routing:\n  breaker:\n    cooldown: a while\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":3: routing.breaker.cooldown: expected a duration such as 500ms, 30s or "
            + "2m, got 'a while'"));
  }

  @Test
  void anOutOfRangeRoutingValueStopsLoadingAtItsLine() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "routing:\n  retry:\n    max-attempts: 0\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":3: routing.retry.max-attempts: expected a whole number >= 1"));
    write(cwd.resolve("orchestrator.yaml"), "routing:\n  breaker:\n    failure-ratio: 2\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":3: routing.breaker.failure-ratio: expected a number above 0"));
    write(cwd.resolve("orchestrator.yaml"), "budgets:\n  monthly-usd: -1\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":2: budgets.monthly-usd: expected an amount in US dollars >= 0"));
  }

  @Test
  void aFractionWhereAWholeNumberBelongsIsNotTruncated() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "models:\n  x:\n    kind: ollama\n    context-window: 1.5\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":4: models.x.context-window: expected a whole number, got '1.5'"));
  }

  @Test
  void badDurationSaysWhatADurationLooksLike() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "models:\n  x:\n    kind: ollama\n    timeouts:\n      total: soon\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains(":5: models.x.timeouts.total: expected a duration"));
  }

  @Test
  void keyPastedIntoYamlIsRejectedWithoutEchoingIt() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), "models:\n  x:\n    kind: openai\n    api-key-env: sk-secret-123456\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains("api-key-env").contains("not the key itself")
            .doesNotContain("sk-secret-123456"));
    write(cwd.resolve("orchestrator.yaml"), "models:\n  x:\n    kind: openai\n    api-key: sk-secret-123456\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains("do not belong").doesNotContain("sk-secret-123456"));
  }

  @Test
  void malformedDotEnvNamesFileLineAndKeyButNotTheValue() throws Exception {
    Path file = cwd.resolve(".env");
    write(file, "ORCHESTRATOR_LLM_MODEL=qwen\nOPENAI_API_KEY \"sk-oops-value\"\n");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e -> {
      assertThat(e.getMessage()).startsWith(file + ":2: OPENAI_API_KEY: expected KEY=VALUE");
      assertThat(e.getMessage()).doesNotContain("sk-oops-value");
    });
  }

  @Test
  void invalidUrlNamesTheVariableAndTheExpectedForm() {
    env.put("ORCHESTRATOR_LLM_URL", "localhost:11434/v1/chat/completions");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).startsWith("environment: ORCHESTRATOR_LLM_URL: expected an http(s) URL"));
  }

  @Test
  void unknownKindListsTheKinds() {
    env.put("ORCHESTRATOR_LLM_URL", "http://localhost:8000");
    env.put("ORCHESTRATOR_LLM_KIND", "gemini");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains("ORCHESTRATOR_LLM_KIND").contains("openai-compatible").contains("'gemini'"));
  }

  @Test
  void fallbackFromEnvironmentUsesTheCatalogEntry() throws Exception {
    env.put("ORCHESTRATOR_FALLBACK_MODEL", "gpt-4o-mini");
    Config c = load();
    assertThat(c.fallbackModel()).contains("gpt-4o-mini");
    assertThat(c.catalog().get("gpt-4o-mini").orElseThrow().kind()).isEqualTo(ProviderKind.OPENAI);
  }

  @Test
  void fallbackUrlWithoutAModelIsAnError() {
    env.put("ORCHESTRATOR_FALLBACK_URL", "https://api.openai.com/v1/chat/completions");
    assertThatThrownBy(this::load).isInstanceOfSatisfying(ConfigException.class, e ->
        assertThat(e.getMessage()).contains("ORCHESTRATOR_FALLBACK_MODEL"));
  }

  @Test
  void sectionsForOtherComponentsAreBoundWithTheirLocation() throws Exception {
    Path file = cwd.resolve("orchestrator.yaml");
    write(file, "routing:\n  default: hybrid\n  fallbacks: gpt-4o-mini\nbudgets:\n  build-usd: 0.50\n");
    Config c = load();
    assertThat(c.routing().value().defaultName()).isEqualTo("hybrid");
    assertThat(c.routing().value().fallbacks()).containsExactly("gpt-4o-mini");
    assertThat(c.budgets().value().buildUsd()).isEqualByComparingTo("0.50");
    assertThat(c.ledger().value()).isEqualTo(ConfigFile.LedgerLocation.NONE);
    assertThat(c.budgets().error("/build-usd", "expected less").getMessage())
        .isEqualTo(file + ":5: budgets.build-usd: expected less");
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void durationsAcceptCommonUnits() {
    assertThat(ConfigLoader.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(ConfigLoader.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(ConfigLoader.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ConfigLoader.parseDuration("30")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ConfigLoader.parseDuration("soon")).isNull();
  }

  @Test
  void secretsNeverPrintValues() throws Exception {
    env.put("OPENAI_API_KEY", "sk-test-abcdef");
    Config c = load();
    assertThat(c.secrets().toString()).contains("OPENAI_API_KEY=set").doesNotContain("sk-test-abcdef");
    assertThat(c.toString()).doesNotContain("sk-test-abcdef");
  }

  @Test
  void timeoutsSetForACatalogModelSurviveAUrlThatMovesItToALocalServer() throws Exception {
    write(cwd.resolve("orchestrator.yaml"), """
        models:
          gpt-4o-mini:
            timeouts: {first-token: 2s}
        """);
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:1234/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", "gpt-4o-mini");
    Config c = load();
    ModelSpec moved = c.catalog().get("gpt-4o-mini").orElseThrow();
    assertThat(moved.local()).as("a catalog model keeps its cloud standing wherever its URL points").isFalse();
    assertThat(moved.timeouts().firstToken()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void aCatalogModelMovedToALocalServerWithoutTimeoutsGetsTheLocalDefaults() throws Exception {
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:1234/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", "gpt-4o-mini");
    ModelSpec moved = load().catalog().get("gpt-4o-mini").orElseThrow();
    assertThat(moved.timeouts()).isEqualTo(dev.spectra.orchestrator.model.Timeouts.LOCAL_DEFAULT);
  }
}
