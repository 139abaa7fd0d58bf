package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ask through a policy, then stats and ledger, over two simulators: a broken local model and a working cloud. */
class CascadeCommandsTest {
  @TempDir Path dir;
  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  int run(Map<String, String> env, String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]), env, dir);
    return Main.run(args, io);
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    return env;
  }

  @Test
  void askWithLocalFirstFallsBackFromABrokenLocalModelAndStatsShowTheFallbackAndItsCost() throws Exception {
    try (Simulator local = Simulator.start(SimOptions.defaults().withPort(0).withProfile("down"));
        Simulator cloud = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect"))) {
      Files.writeString(dir.resolve("orchestrator.yaml"), """
          models:
            gpt-4o-mini:
              kind: openai
              endpoint: %s/v1
              local: false
          fallback:
            model: gpt-4o-mini
          routing:
            retry: {max-attempts: 1}
          """.formatted(cloud.baseUrl()));
      Map<String, String> env = env();
      env.put("ORCHESTRATOR_LLM_URL", local.baseUrl().toString());
      env.put("ORCHESTRATOR_LLM_KIND", "ollama");
      env.put("ORCHESTRATOR_LLM_MODEL", "mistral:7b");
      env.put("OPENAI_API_KEY", "sk-test-not-a-real-key");

      assertThat(run(env, "ask", "--model", "local-first", "What is 2+2?")).as(err.toString()).isEqualTo(0);
      assertThat(out.toString()).contains("What is 2+2?");
      assertThat(err.toString()).contains("tried mistral:7b (local-first#1): server_error")
          .contains("escalated to gpt-4o-mini").doesNotContain("sk-test-not-a-real-key");

      assertThat(run(env, "stats", "--json")).as(err.toString()).isEqualTo(0);
      JsonNode stats = new ObjectMapper().readTree(out.toString());
      assertThat(stats.path("fallbacksTaken").asInt()).isEqualTo(1);
      assertThat(stats.path("escalationReasons").path("server_error").asInt()).isEqualTo(1);
      assertThat(stats.path("totalCostUsd").decimalValue().signum()).isPositive();
      JsonNode mini = null;
      for (JsonNode m : stats.path("models")) if (m.path("model").asText().equals("gpt-4o-mini")) mini = m;
      assertThat(mini).isNotNull();
      assertThat(mini.path("local").asBoolean()).isFalse();
      assertThat(mini.path("costUsd").decimalValue()).isEqualByComparingTo(stats.path("totalCostUsd").decimalValue());

      assertThat(run(env, "ledger", "--failed", "--json")).isEqualTo(0);
      JsonNode failed = new ObjectMapper().readTree(out.toString());
      assertThat(failed).hasSize(1);
      assertThat(failed.get(0).path("decision").asText()).isEqualTo("next-route");

      assertThat(run(env, "ledger")).isEqualTo(0);
      assertThat(out.toString()).contains("gpt-4o-mini (#2)", "server_error -> next-route");
    }
  }

  @Test
  void statsOnAnEmptyLedgerSaysSoAndExitsZero() {
    assertThat(run(env(), "stats")).isEqualTo(0);
    assertThat(out.toString()).contains("No calls recorded yet");
  }

  @Test
  void badSinceDateIsAUsageErrorNamingTheInput() {
    assertThat(run(env(), "stats", "--since", "last tuesday")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--since", "last tuesday", "YYYY-MM-DD").doesNotContain("Exception");
  }

  @Test
  void corruptLedgerFileIsAClearErrorNamingItAndIsLeftInPlace() throws Exception {
    Path file = dir.resolve("data/orchestrator/ledger.db");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "not a database ".repeat(100));
    assertThat(run(env(), "ledger")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(file.toString(), "corrupt").doesNotContain("Exception");
    assertThat(Files.readString(file)).startsWith("not a database");
  }

  @Test
  void unknownPolicyOrModelIsAUsageErrorListingTheKnownNames() {
    Map<String, String> env = env();
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:9");
    env.put("ORCHESTRATOR_LLM_KIND", "ollama");
    env.put("ORCHESTRATOR_LLM_MODEL", "mistral:7b");
    assertThat(run(env, "ask", "--model", "fixed:nope", "hi")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("unknown model 'nope'", "known models:");
  }
}
