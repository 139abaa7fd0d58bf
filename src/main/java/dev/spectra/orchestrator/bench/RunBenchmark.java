package dev.spectra.orchestrator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.ConfigLoader;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.run.RunOutcome;
import dev.spectra.orchestrator.run.RunPipeline;
import dev.spectra.orchestrator.run.RunRequest;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code orchestrator bench run}: one whole {@code run} of the library example against the in-process simulator
 * with scripted replies (the plan and the three non-CRUD handlers a capable model writes), verified in the real
 * sandbox. Tokens are the ledger's count for the build; wall time is per step. The model's words are fixed, so
 * the figure measures the pipeline's prompts, not a model.
 */
public final class RunBenchmark {
  /** Builds the production pipeline; the application supplies it, with the user's sandbox choice and progress. */
  @FunctionalInterface
  public interface Pipelines {
    RunPipeline create(Config config, Ledger ledger, Map<String, String> env, Path cwd);
  }

  static final String LOCAL_ID = "qwen2.5-coder:32b";
  static final String EXAMPLE = "Build a service for a small library: members and books are stored; a member "
      + "borrows a book for 14 days (a book out on loan cannot be borrowed again, and a member holds at most 3 loans "
      + "at once); returning a book after its due date costs a fine of 0.25 per day late; a member's unpaid fines "
      + "can be listed with their total.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RunBenchmark() {}

  /**
   * Runs the benchmark in {@code workDir} (a fresh ledger and output there).
   *
   * @param env the process environment, for the sandbox's dependency cache
   * @param pipelines makes the pipeline over the benchmark's configuration and ledger
   * @return the figures as JSON: tokens (ledger), calls, outcome, steps with tokens and wall time
   */
  public static ObjectNode run(Map<String, String> env, Path workDir, Pipelines pipelines)
      throws IOException, ConfigException {
    Files.createDirectories(workDir);
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(42))) {
      Map<String, String> benchEnv = new HashMap<>(env);
      benchEnv.put("ORCHESTRATOR_LLM_URL", sim.baseUrl().toString());
      benchEnv.put("ORCHESTRATOR_LLM_KIND", "ollama");
      benchEnv.put("ORCHESTRATOR_LLM_MODEL", LOCAL_ID);
      benchEnv.remove("ORCHESTRATOR_FALLBACK_URL");
      benchEnv.remove("ORCHESTRATOR_FALLBACK_MODEL");
      String ledgerUrl = "jdbc:sqlite:" + workDir.resolve("ledger.db");
      benchEnv.put("ORCHESTRATOR_DB_URL", ledgerUrl);
      benchEnv.put("XDG_CONFIG_HOME", workDir.resolve("config").toString());
      benchEnv.put("XDG_DATA_HOME", workDir.resolve("data").toString());
      sim.enqueue(LOCAL_ID, script());
      // No user configuration file: the figures must not depend on the machine's orchestrator.yaml.
      var config = ConfigLoader.load(benchEnv, workDir, null, Overrides.NONE);
      ObjectNode out = JSON.createObjectNode();
      String buildId;
      RunOutcome outcome;
      try (Ledger ledger = Ledger.open(ledgerUrl, Clock.systemUTC())) {
        RunPipeline pipeline = pipelines.create(config, ledger, benchEnv, workDir);
        outcome = pipeline.run(new RunRequest(EXAMPLE, null, null, workDir.resolve("library-loans"), 3, null, true));
        buildId = outcome.buildId();
        ledger.flush();
        BuildRecord record = buildId == null ? null : ledger.build(buildId).orElse(null);
        out.put("outcome", outcome instanceof RunOutcome.Verified ? "verified" : outcome.message());
        out.put("buildId", buildId);
        if (record != null) {
          out.put("ledgerTokens", record.tokensIn() + record.tokensOut());
          out.put("ledgerTokensIn", record.tokensIn());
          out.put("ledgerTokensOut", record.tokensOut());
          out.put("ledgerCalls", record.calls());
        }
      }
      JsonNode report = outcome.report();
      if (report != null) {
        out.put("reportTokens", report.path("totals").path("tokens").asInt());
        var steps = out.putArray("steps");
        long total = 0;
        for (JsonNode s : report.path("steps")) {
          steps.addObject().put("step", s.path("name").asText())
              .put("tokens", s.path("promptTokens").asInt() + s.path("completionTokens").asInt())
              .put("millis", s.path("millis").asLong());
          total += s.path("millis").asLong();
        }
        out.put("wallMillis", total);
        out.put("sandbox", report.path("verification").path("sandbox").asText());
      }
      out.put("goalTokens", 10_000);
      return out;
    }
  }

  /** The replies a capable model gives, in call order: plan, then the handlers in the scaffold's order. */
  static Scripted[] script() throws IOException {
    return new Scripted[] {
        Scripted.text(resource("plan.json")),
        Scripted.text(files("src/main/java/com/example/libraryloans/ops/MemberFinesHandler.java",
            resource("MemberFinesHandler.java.txt"))),
        Scripted.text(files("src/main/java/com/example/libraryloans/ops/BorrowBookHandler.java",
            resource("BorrowBookHandler.java.txt"))),
        Scripted.text(files("src/main/java/com/example/libraryloans/ops/ReturnLoanHandler.java",
            resource("ReturnLoanHandler.java.txt")))};
  }

  public static String resource(String name) throws IOException {
    try (InputStream in = RunBenchmark.class.getResourceAsStream("/run/bench/" + name)) {
      if (in == null) throw new IOException("missing resource /codegen/bench/" + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String files(String path, String content) {
    var node = JSON.createObjectNode();
    node.putArray("files").addObject().put("path", path).put("content", content);
    return node.toString();
  }
}
