package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator sim}: serves the model simulator in the foreground until Ctrl-C. */
@Command(name = "sim",
    description = {"Run a local model simulator (OpenAI, Ollama and Anthropic APIs) for tests and demos.",
        "Answers come from scripted fixtures or synthesized JSON, corrupted and faulted at a profile's rates.",
        "Built-in profiles: perfect, broken, down, flaky, mistral-7b, qwen2.5-coder-32b, gpt-4o-mini,",
        "claude-3-5-sonnet (simulations with the seed's guessed rates, not measurements)."},
    mixinStandardHelpOptions = true)
public final class SimCommand implements Runnable {
  private final Io io;

  @Option(names = "--port", paramLabel = "P", description = "TCP port (default ${DEFAULT-VALUE}; 0 picks a free one)")
  Integer port = SimOptions.DEFAULT_CLI_PORT;

  @Option(names = "--host", paramLabel = "H", description = "interface to bind (default ${DEFAULT-VALUE})")
  String host = "127.0.0.1";

  @Option(names = "--profile", paramLabel = "NAME|FILE",
      description = "a built-in profile or a YAML/JSON profile file (default ${DEFAULT-VALUE})")
  String profile = "perfect";

  @Option(names = "--seed", paramLabel = "N", description = "seed of every random draw (default ${DEFAULT-VALUE})")
  Long seed = 42L;

  @Option(names = "--fixtures", paramLabel = "DIR", description = "directory of fixture files tried first")
  Path fixtures;

  @Option(names = "--models", paramLabel = "ID", split = ",",
      description = "serve only these model ids (others get 404 model not found)")
  List<String> models = List.of();

  @Option(names = "--api-key-env", paramLabel = "VAR",
      description = "require the API key held in this environment variable (OpenAI bearer, Anthropic x-api-key)")
  String apiKeyEnv;

  @Option(names = "--realistic-latency",
      description = "sleep for the profile's first-token latency and token rate (off: answers come at once)")
  Boolean realisticLatency = false;

  @Option(names = "--quiet", description = "no line per request on stderr")
  Boolean quiet = false;

  @Option(names = "--describe", description = "print the profile's rates (JSON, faults, the coder's defects) and exit")
  Boolean describe = false;

  @Option(names = "--json", description = "print the address and settings as one JSON object (no request log)")
  Boolean json = false;

  public SimCommand(Io io) { this.io = io; }

  @Override public void run() {
    if (describe) {
      try {
        io.out().print(Simulator.describe(profile));
      } catch (Simulator.BadProfileException e) {
        throw ExitException.usage(e.getMessage() + "\nbuilt-in profiles:\n" + describeBuiltIns());
      }
      io.out().flush();
      return;
    }
    if (port < 0 || port > 65535) throw ExitException.usage("--port must be 0..65535, got " + port);
    String key = null;
    if (apiKeyEnv != null) {
      key = io.env().get(apiKeyEnv);
      if (key == null || key.isBlank()) {
        throw ExitException.usage("--api-key-env " + apiKeyEnv + ": that environment variable is not set");
      }
    }
    quietServerLogs();
    SimOptions options = SimOptions.defaults().withHost(host).withPort(port).withProfile(profile).withSeed(seed)
        .withFixtureDir(fixtures).withModels(models.toArray(String[]::new)).withRequiredApiKey(key)
        .withRealisticLatency(realisticLatency);
    Simulator sim;
    try {
      sim = Simulator.start(options);
    } catch (Simulator.BadProfileException e) {
      throw ExitException.usage(e.getMessage() + "\nbuilt-in profiles:\n" + describeBuiltIns());
    } catch (Simulator.CannotListenException e) {
      throw ExitException.usage(e.getMessage() + "; pass another --port, or --port 0 for a free one");
    }
    if (!json && !quiet) {
      sim.onExchange(line -> {
        io.err().println(java.time.LocalTime.now().withNano(0) + " " + line);
        io.err().flush();
      });
    }
    CountDownLatch stopped = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean stopOnce = new java.util.concurrent.atomic.AtomicBoolean();
    Runnable stop = () -> {
      if (!stopOnce.compareAndSet(false, true)) return;
      sim.close();
      if (!json) io.err().println("simulator stopped");
      io.err().flush();
    };
    // On Ctrl-C the JVM runs this hook and may exit before run() resumes: the hook stops and says so itself.
    Thread hook = new Thread(() -> {
      stop.run();
      stopped.countDown();
    }, "sim-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean interrupted = false;
    try {
      announce(sim, key != null);
      stopped.await();
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      // Stop before restoring the interrupt flag: Jetty's graceful stop waits, and an interrupted wait fails.
      stop.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running, which is how we got here.
      }
    }
    if (interrupted) Thread.currentThread().interrupt();
  }

  private void announce(Simulator sim, boolean keyRequired) {
    String base = sim.baseUrl().toString();
    String chat = base + "/v1/chat/completions";
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode().put("baseUrl", base).put("profile", sim.profileName())
          .put("profileDescription", sim.profileDescription()).put("seed", seed).put("apiKeyRequired", keyRequired);
      ObjectNode routes = root.putObject("routes");
      routes.put("openai", chat).put("openaiModels", base + "/v1/models").put("ollamaChat", base + "/api/chat")
          .put("ollamaTags", base + "/api/tags").put("ollamaShow", base + "/api/show")
          .put("anthropic", base + "/v1/messages");
      root.putObject("env").put("ORCHESTRATOR_LLM_URL", chat);
      io.out().println(root);
      io.out().flush();
      return;
    }
    io.out().println("Simulator listening on " + base);
    io.out().println("  profile " + sim.profileName() + ": " + sim.profileDescription() + " (seed " + seed + ")");
    io.out().println();
    io.out().println("Paste into your shell or .env:");
    io.out().println("  ORCHESTRATOR_LLM_URL=" + chat);
    io.out().println();
    io.out().println("Routes: OpenAI " + chat + ", " + base + "/v1/models");
    io.out().println("        Ollama " + base + "/api/chat, /api/tags, /api/show");
    io.out().println("        Anthropic " + base + "/v1/messages");
    io.out().println("Any model id is accepted" + (models.isEmpty() ? "" : " except those not in " + models) + ".");
    io.out().println("Ctrl-C to stop.");
    io.out().flush();
  }

  private static String describeBuiltIns() {
    StringBuilder sb = new StringBuilder();
    Simulator.builtInProfileDescriptions().forEach((name, d) ->
        sb.append("  ").append(String.format("%-18s", name)).append(d).append('\n'));
    return sb.toString().stripTrailing();
  }

  /**
   * Jetty and Javalin log every start and stop at INFO on stderr, which buries the lines the user must paste.
   * Only when the user has not configured these loggers; read by slf4j-simple when the loggers are first made.
   */
  private static void quietServerLogs() {
    for (String logger : List.of("org.eclipse.jetty", "io.javalin")) {
      String prop = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(prop) == null) System.setProperty(prop, "warn");
    }
  }
}
