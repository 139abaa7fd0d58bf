package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.app.Configs;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.RunPipelines;
import dev.spectra.orchestrator.bench.RunBenchmark;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole {@code run} against the in-process simulator with scripted replies: real providers, the structured
 * engine, the builder's scaffold and the sandboxed verifier. Only the model's words are scripted.
 */
final class SimulatedBuild implements AutoCloseable {
  static final String LOCAL_ID = "qwen2.5-coder:32b";
  static final String CLOUD_ID = "gpt-4o-mini";
  static final String CLOUD = "sim-cloud";
  static final String PKG_DIR = "src/main/java/com/example/libraryloans/";
  static final String BORROW = PKG_DIR + "ops/BorrowBookHandler.java";
  static final String RETURN = PKG_DIR + "ops/ReturnLoanHandler.java";
  static final String FINES = PKG_DIR + "ops/MemberFinesHandler.java";
  private static final ObjectMapper JSON = new ObjectMapper();

  Simulator sim;
  private final String profile;
  private final long seed;
  final Path dir;
  final List<String> stopAfter = new ArrayList<>();
  final List<Steps.Hook> hooks = new ArrayList<>();
  final StringWriter progress = new StringWriter();
  final boolean sandboxed = Files.isExecutable(Path.of("/usr/bin/bwrap"));
  final Map<String, String> env = new HashMap<>(System.getenv());
  final Config config;
  final Ledger ledger;
  /** A catalog model or policy for --model; null for the configured default (local first, cloud fallback). */
  String model;

  SimulatedBuild(Path dir) throws ConfigException, IOException {
    this(dir, "perfect", 42);
  }

  /** A build against a simulator with this profile (name or file) and seed: its coder answers unscripted calls. */
  SimulatedBuild(Path dir, String profile, long seed) throws ConfigException, IOException {
    this.sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile(profile).withSeed(seed));
    this.profile = profile;
    this.seed = seed;
    this.dir = dir;
    // The local model speaks Ollama's native API, the fallback the OpenAI one; both are the simulator.
    env.put("ORCHESTRATOR_LLM_URL", sim.baseUrl().toString());
    env.put("ORCHESTRATOR_LLM_KIND", "ollama");
    env.put("ORCHESTRATOR_LLM_MODEL", LOCAL_ID);
    env.remove("ORCHESTRATOR_FALLBACK_URL");
    env.remove("ORCHESTRATOR_FALLBACK_MODEL");
    // The fallback is priced like the cloud model it stands for, although the simulator is on loopback.
    Files.writeString(dir.resolve("orchestrator.yaml"), """
        models:
          %s:
            kind: openai-compatible
            endpoint: %s/v1
            model-id: %s
            local: false
            price: {input: 0.15, output: 0.60}
        fallback:
          model: %s
        """.formatted(CLOUD, sim.baseUrl(), CLOUD_ID, CLOUD));
    env.put("ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db"));
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    config = Configs.load(env, dir, Overrides.NONE);
    ledger = Ledgers.open(config, env, Clock.systemUTC());
  }

  /** Stops the simulator and starts a new one on the same port: nothing of the first one's memory is left. */
  void restartSimulator() {
    int port = sim.baseUrl().getPort();
    sim.close();
    sim = Simulator.start(SimOptions.defaults().withPort(port).withProfile(profile).withSeed(seed));
  }

  RunPipeline pipeline() {
    Steps.Hook hook = step -> {
      for (Steps.Hook h : hooks) h.afterStep(step);
      if (stopAfter.remove(step)) throw new Steps.Stopped(step);
    };
    // CI installs bubblewrap; where it is missing, this test opts into the unsafe path explicitly.
    var options = new RunPipelines.Options(model, !sandboxed, new PrintWriter(progress, true), false, null);
    return RunPipelines.create(config, ledger, env, dir, options, hook, () -> "run-sim");
  }

  RunRequest request(int maxIterations, dev.spectra.orchestrator.model.Money budget) throws IOException {
    return new RunRequest(example(), null, null, Path.of("library"), maxIterations, budget, false);
  }

  static String example() throws IOException {
    return Files.readString(Path.of(examplePath("library-loans.txt"))).strip();
  }

  /** {@return the absolute path of a file of {@code examples/}} */
  static String examplePath(String name) throws IOException {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path f = p.resolve("examples").resolve(name);
      if (Files.isRegularFile(f)) return f.toString();
    }
    throw new IOException("examples/" + name + " not found");
  }

  /** The benchmark's scripted replies: a plan and the handlers a capable model writes. */
  static String resource(String name) throws IOException {
    return RunBenchmark.resource(name.endsWith(".java") ? name + ".txt" : name);
  }

  static String files(String... pathsAndContents) {
    var array = JSON.createArrayNode();
    for (int i = 0; i < pathsAndContents.length; i += 2) {
      array.addObject().put("path", pathsAndContents[i]).put("content", pathsAndContents[i + 1]);
    }
    return JSON.createObjectNode().set("files", array).toString();
  }

  static Scripted plan() throws IOException {
    return Scripted.text(resource("plan.json"));
  }

  /** The three operations in the order the scaffold lists them: fines, borrow, return. */
  static List<Scripted> implementations() throws IOException {
    return List.of(Scripted.text(files(FINES, resource("MemberFinesHandler.java"))),
        Scripted.text(files(BORROW, resource("BorrowBookHandler.java"))),
        Scripted.text(files(RETURN, resource("ReturnLoanHandler.java"))));
  }

  void enqueueLocal(Scripted... replies) {
    sim.enqueue(LOCAL_ID, replies);
  }

  void enqueueCloud(Scripted... replies) {
    sim.enqueue(CLOUD_ID, replies);
  }

  long requestsTo(String modelId) {
    return sim.requests().stream().filter(r -> modelId.equals(r.body().path("model").asText())).count();
  }

  @Override public void close() {
    ledger.close();
    sim.close();
  }
}
