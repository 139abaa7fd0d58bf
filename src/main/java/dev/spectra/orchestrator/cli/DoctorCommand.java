package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator doctor}: is this machine ready? Configuration, endpoints, keys (set or not), JDK, sandbox. */
@Command(name = "doctor", description = {
    "Check the setup: configuration sources in effect, model endpoints reachable, which API keys are set",
    "(never their values), the JDK, and the sandbox tool (bwrap). Exit 1 when something needs fixing."})
public final class DoctorCommand implements Callable<Integer> {
  /** How to install the sandbox tool, for every message that needs it. */
  static final String BUBBLEWRAP_INSTALL = "sudo apt-get install bubblewrap (Debian/Ubuntu), sudo dnf install"
      + " bubblewrap (Fedora), sudo pacman -S bubblewrap (Arch)";

  private final Io io;

  @Option(names = "--json", description = "Print the findings as JSON.")
  boolean json;

  public DoctorCommand(Io io) {
    this.io = io;
  }

  /** One model checked, with its role (default, fallback). */
  private record Checked(String role, Providers.Probe probe) {}

  @Override public Integer call() throws InterruptedException {
    Config config = ModelFailures.loadConfig(io, Overrides.NONE);
    List<ModelSpec> wanted = new ArrayList<>();
    List<String> roles = new ArrayList<>();
    wanted.add(config.defaultSpec());
    roles.add("default");
    config.fallbackModel().flatMap(config.catalog()::get).ifPresent(s -> {
      wanted.add(s);
      roles.add("fallback");
    });
    List<Providers.Probe> probes;
    try (Providers providers = ModelFailures.providers(io, config)) {
      probes = ModelsCommand.probeAll(providers, wanted, ModelsCommand.PROBE_LIMIT);
    }
    List<Checked> checked = new ArrayList<>();
    for (int i = 0; i < probes.size(); i++) checked.add(new Checked(roles.get(i), probes.get(i)));

    TreeSet<String> keyNames = new TreeSet<>(Secrets.WELL_KNOWN);
    for (ModelSpec s : config.catalog().all()) if (s.apiKeyEnv() != null) keyNames.add(s.apiKeyEnv());
    Optional<Path> bwrap = onPath("bwrap");

    List<String> problems = new ArrayList<>();
    // The ledger database: calls, builds, gateway keys and budgets. Opening it also brings its schema up to date.
    String database;
    String queue = "none: builds and eval samples run in the process that starts them (workers need PostgreSQL)";
    try (dev.spectra.orchestrator.ledger.Ledger ledger = dev.spectra.orchestrator.app.Ledgers.open(config, io.env(),
        java.time.Clock.systemUTC())) {
      database = ledger.location() + (ledger.database().shared()
          ? " (PostgreSQL: shared by every process on it): ok" : " (SQLite: this machine only): ok");
      if (dev.spectra.orchestrator.queue.JobQueue.supported(ledger.database())) {
        try {
          dev.spectra.orchestrator.queue.JobQueue.Summary q = dev.spectra.orchestrator.queue.JobQueue
              .in(ledger.database(), java.time.Clock.systemUTC()).summary();
          queue = q.queued() + " queued, " + q.running() + " running" + (q.workers().isEmpty() ? ""
              : " (on " + String.join(", ", q.workers()) + ")") + ": ok";
        } catch (dev.spectra.orchestrator.queue.QueueException e) {
          queue = "not usable";
          problems.add("job queue: " + e.getMessage());
        }
      }

    } catch (dev.spectra.orchestrator.ledger.LedgerException e) {
      database = "not usable";
      problems.add("ledger database: " + e.getMessage());
    }
    for (Checked c : checked) {
      Providers.Probe p = c.probe();
      if (!p.usable()) problems.add(c.role() + " model " + p.spec().name() + ": " + p.detail());
    }
    for (Checked c : checked) {
      ModelSpec s = c.probe().spec();
      if (s.apiKeyEnv() != null && !config.secrets().isSet(s.apiKeyEnv())) {
        problems.add(c.role() + " model " + s.name() + " needs " + s.apiKeyEnv() + ", which is not set");
      }
    }
    if (bwrap.isEmpty()) {
      problems.add("bwrap (bubblewrap) is not on PATH: `build --openapi` still tests its template code without a"
          + " sandbox, but `run` and `eval --mode build` refuse to run model-written code; install it: "
          + BUBBLEWRAP_INSTALL);
    }

    if (json) printJson(config, checked, keyNames, bwrap, database, queue, problems);
    else printText(config, checked, keyNames, bwrap, database, queue, problems);
    return problems.isEmpty() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private Optional<Path> onPath(String tool) {
    String path = io.env().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) continue;
      Path p = Path.of(dir, tool);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** {@return the sandbox's limits and the mechanism that would enforce the whole-tree ones here} */
  private String limits() {
    return dev.spectra.orchestrator.app.Verifiers.sandboxed(io.env())
        .describeLimits(dev.spectra.orchestrator.verify.VerifyOptions.DEFAULT_WALL_CLOCK_LIMIT);
  }

  private void printText(Config config, List<Checked> checked, TreeSet<String> keys, Optional<Path> bwrap,
      String database, String queue, List<String> problems) {
    var out = io.out();
    out.println("Configuration");
    out.println("  files read: " + (config.files().isEmpty() ? "none (built-in defaults)" : ""));
    for (Path f : config.files()) out.println("    " + f);
    for (Config.Source s : config.sources()) out.printf("  %-18s %s   <- %s%n", s.setting(), s.value(), s.origin());
    out.println("  catalog            " + config.catalog().version() + " (" + config.catalog().all().size() + " models)");
    for (String w : config.warnings()) out.println("  warning: " + w);
    out.println("Models");
    for (Checked c : checked) {
      Providers.Probe p = c.probe();
      out.printf("  %-9s %s (%s at %s): %s%n", c.role(), p.spec().name(), p.spec().kind().configName(),
          p.spec().endpoint(), p.usable() ? "ok" + (Boolean.TRUE.equals(p.pulled()) ? ", pulled" : "") : p.detail());
    }
    if (config.fallbackModel().isEmpty()) out.println("  fallback  none (set ORCHESTRATOR_FALLBACK_MODEL to add one)");
    out.println("API keys (values are never shown)");
    for (String k : keys) out.printf("  %-18s %s%n", k, config.secrets().isSet(k) ? "set" : "not set");
    out.println("Java");
    out.println("  " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home"));
    out.println("Sandbox");
    out.println("  bwrap: " + bwrap.map(Path::toString).orElse("not found"));
    out.println("  confinement: unprivileged user " + "65534 in its own user, PID, network, IPC and UTS namespaces;"
        + " read-only system, JDK and dependency cache; no home directory, no /etc/shadow");
    out.println("  limits: " + limits());
    out.println("Ledger database (" + dev.spectra.orchestrator.ledger.Ledger.DB_URL_ENV + ")");
    out.println("  " + database);
    out.println("Job queue (orchestrator worker)");
    out.println("  " + queue);
    out.println();
    if (problems.isEmpty()) {
      out.println("All checks passed.");
    } else {
      out.println(problems.size() + " problem(s):");
      for (String p : problems) out.println("  - " + p);
    }
  }

  private void printJson(Config config, List<Checked> checked, TreeSet<String> keys, Optional<Path> bwrap,
      String database, String queue, List<String> problems) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ObjectNode cfg = root.putObject("configuration");
    ArrayNode files = cfg.putArray("files");
    config.files().forEach(f -> files.add(f.toString()));
    ArrayNode sources = cfg.putArray("settings");
    for (Config.Source s : config.sources()) {
      sources.addObject().put("setting", s.setting()).put("value", s.value()).put("origin", s.origin());
    }
    cfg.put("catalogVersion", config.catalog().version());
    ArrayNode warnings = cfg.putArray("warnings");
    config.warnings().forEach(warnings::add);
    ArrayNode models = root.putArray("models");
    for (Checked c : checked) {
      Providers.Probe p = c.probe();
      ObjectNode m = models.addObject();
      m.put("role", c.role());
      m.put("name", p.spec().name());
      m.put("kind", p.spec().kind().configName());
      m.put("endpoint", p.spec().endpoint().toString());
      m.put("reachable", p.reachable());
      if (p.pulled() != null) m.put("pulled", p.pulled());
      m.put("usable", p.usable());
      m.put("detail", p.detail());
    }
    ObjectNode apiKeys = root.putObject("apiKeys");
    for (String k : keys) apiKeys.put(k, config.secrets().isSet(k) ? "set" : "not set");
    ObjectNode java = root.putObject("java");
    java.put("version", Runtime.version().toString());
    java.put("vendor", System.getProperty("java.vendor"));
    java.put("home", System.getProperty("java.home"));
    ObjectNode sandbox = root.putObject("sandbox");
    sandbox.put("bwrap", bwrap.map(Path::toString).orElse(null));
    sandbox.put("limits", limits());
    root.put("database", database);
    root.put("queue", queue);
    ArrayNode problemList = root.putArray("problems");
    problems.forEach(problemList::add);
    root.put("ok", problems.isEmpty());
    io.out().println(root.toPrettyString());
  }
}
