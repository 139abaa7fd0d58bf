package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.app.Configs;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.RunPipelines;
import dev.spectra.orchestrator.app.SimulatedModels;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.eval.BuildSampleTaker;
import dev.spectra.orchestrator.eval.EvalReport;
import dev.spectra.orchestrator.eval.EvalRunner;
import dev.spectra.orchestrator.eval.PlanSampleTaker;
import dev.spectra.orchestrator.eval.Sample;
import dev.spectra.orchestrator.eval.Scorecard;
import dev.spectra.orchestrator.eval.Subject;
import dev.spectra.orchestrator.eval.Suite;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.run.PlanProbe;
import dev.spectra.orchestrator.run.RunOutcome;
import dev.spectra.orchestrator.run.RunPipeline;
import dev.spectra.orchestrator.run.RunRequest;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator eval}: measures models and routing policies on a suite and prints the SPECTRA scorecard. */
@Command(name = "eval", description = {
    "Measure models and routing policies on a suite of service requests and print the SPECTRA scorecard.",
    "Writes report.md, report.json and report.html (offline charts) into --out; Ctrl-C writes a partial report."})
public final class EvalCommand implements java.util.concurrent.Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  /** How long Ctrl-C waits for the samples in flight and the partial report. */
  private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(120);

  private final Io io;

  @Option(names = "--models", split = ",", paramLabel = "A,B,POLICY",
      description = "Catalog models and routing policies to measure (default: the configured model; with "
          + "--simulate: the seed's four models, local-first and hybrid).")
  List<String> models;

  @Option(names = "--suite", paramLabel = "builtin|DIR", defaultValue = "builtin",
      description = "The built-in suite of 20 requests, or a directory of task files (*.yaml, *.json).")
  String suite;

  @Option(names = "--mode", paramLabel = "plan|build", defaultValue = "plan",
      description = "plan: JSON reliability of plans (fast); build: verified builds in the sandbox.")
  String mode;

  @Option(names = "--repeat", defaultValue = "1", paramLabel = "N", description = "Runs of each task per subject.")
  int repeat;

  @Option(names = "--concurrency", defaultValue = "4", paramLabel = "K",
      description = "Samples in flight at most; each model's own max-concurrent still applies.")
  int concurrency;

  @Option(names = "--builds-per-month", defaultValue = "100", paramLabel = "N",
      description = "Builds a month for the cost projection (the seed's figure: 100).")
  int buildsPerMonth;

  @Option(names = "--weights", paramLabel = "SPEC",
      description = "SPECTRA weights, e.g. autonomy=0.3,cost=0.25,reliability=0.2,quality=0.15,performance=0.1.")
  String weights;

  @Option(names = "--out", paramLabel = "DIR", description = "Where the reports go (default: eval-results/RUN_ID).")
  Path out;

  @Option(names = "--simulate", description = "Measure the seed's models as simulator instances (no model needed).")
  boolean simulate;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Simulator seed with --simulate.")
  long seed;

  @Option(names = "--max-iterations", defaultValue = "3", paramLabel = "N",
      description = "Build mode: fix iterations per build.")
  int maxIterations;

  @Option(names = "--keep-going", description = "Run the tasks that load when some task files do not.")
  boolean keepGoing;

  @Option(names = "--resume", paramLabel = "RUN_ID", description = "Continue an interrupted run.")
  String resume;

  @Option(names = "--unsafe-no-sandbox", description = "Build mode: run generated code without a sandbox.")
  boolean unsafeNoSandbox;

  @Option(names = "--json", description = "Print the JSON report on stdout instead of the table.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  public EvalCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws Exception {
    Instant started = Instant.now();
    String runId;
    Path dir;
    List<Sample> previous = List.of();
    if (resume != null) {
      runId = resume.strip();
      dir = findRun(runId);
      restore(dir.resolve("run.json"));
      previous = readSamples(dir);
      started = Instant.parse(readRunFile(dir.resolve("run.json")).path("started").asText(started.toString()));
    } else {
      runId = "eval-" + RUN_ID_TIME.format(started) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
      dir = out != null ? out.toAbsolutePath().normalize() : io.cwd().resolve("eval-results").resolve(runId);
    }
    validateOptions();
    Scorecard.Weights w;
    try {
      w = weights == null ? Scorecard.Weights.SEED : Scorecard.Weights.parse(weights);
    } catch (IllegalArgumentException e) {
      throw ExitException.usage("--weights: " + e.getMessage());
    }
    Suite tasks = loadSuite();
    boolean fresh = resume == null && !Files.exists(dir);
    Files.createDirectories(dir);
    if (resume == null) writeRunFile(dir, runId, started);

    SimulatedModels sims = simulate ? SimulatedModels.start(dir.resolve("simulated-config"), seed, tasks) : null;
    try {
      Io runIo = simulate ? simulatedIo(dir, sims.configDir()) : io;
      Config config = loadConfig(runIo, sims);
      List<String> names = models != null && !models.isEmpty() ? models
          : simulate ? SimulatedModels.DEFAULT_SUBJECTS : List.of(config.defaultModel());
      for (String n : names) {
        if (config.catalog().get(n).isEmpty() && config.catalog().find(n).isEmpty()
            && !Cascades.isRouteName(config, n)) {
          throw ExitException.usage("--models: unknown model or policy '" + n + "'; known models: "
              + String.join(", ", config.catalog().names())
              + "; policies: local-first, hybrid, cheapest-passing, fixed");
        }
      }
      if (resume == null) writeRunFile(dir, runId, started, names);
      try (Providers providers = ModelFailures.providers(runIo, config);
          Cascades cascades = new Cascades(runIo.env(), runIo.err())) {
        List<Subject> subjects = new ArrayList<>();
        for (String n : names) subjects.add(subject(runIo, config, providers, cascades, n));
        Ledger ledger = cascades.ledger();
        // A resumed run keeps its row; a new one gets one.
        if (ledger.build(runId).isEmpty()) ledger.buildStarted(runId, BuildRecord.Kind.EVAL, "eval " + String.join(",", names) + " on " + tasks.name(),
            dir, null);
        EvalRunner.Options options = new EvalRunner.Options(mode, repeat, concurrency, buildsPerMonth, w,
            maxIterations);
        EvalRunner.SampleTaker taker = mode.equals("plan")
            ? planTaker(config, dir)
            : buildTaker(runIo, config, ledger, dir);
        EvalRunner runner = new EvalRunner(taker, options, progress(), Clock.systemUTC());
        // Ctrl-C: start no new sample, let those in flight finish, and write the partial report before exiting.
        CountDownLatch reported = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        Thread hook = new Thread(() -> {
          interrupted.set(true);
          runner.stop();
          try {
            reported.await(INTERRUPT_GRACE.toSeconds(), TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }, "eval-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        EvalReport report;
        List<Path> written;
        try {
          report = runner.run(runId, tasks, subjects, previous, dir.resolve("samples.jsonl"), started);
          written = report.writeTo(dir);
          ledger.buildFinished(runId, report.partial() ? "partial" : "done", dir);
          print(report, written, runId);
        } finally {
          reported.countDown();
          if (!interrupted.get()) {
            try {
              Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
              // The hook is running; it returns now that the report is written.
            }
          }
        }
        if (report.partial()) {
          io.err().println("The run was interrupted. Continue it with: orchestrator eval --resume " + runId
              + (out != null ? " --out " + dir : ""));
          return ExitCodes.INTERRUPTED;
        }
        return ExitCodes.OK;
      }
    } catch (RuntimeException e) {
      // A run refused before its first sample (unknown model, bad configuration) leaves no directory behind.
      if (fresh && !Files.exists(dir.resolve("samples.jsonl"))) removeRun(dir);
      throw e;
    } finally {
      if (sims != null) sims.close();
    }
  }

  private void removeRun(Path dir) {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      io.err().println("warning: could not remove " + dir + ": " + e.getMessage());
    }
  }

  private void validateOptions() {
    mode = mode.toLowerCase(Locale.ROOT);
    if (!mode.equals("plan") && !mode.equals("build")) {
      throw ExitException.usage("--mode must be plan or build, got '" + mode + "'");
    }
    if (repeat < 1) throw ExitException.usage("--repeat must be at least 1, got " + repeat);
    if (concurrency < 1) throw ExitException.usage("--concurrency must be at least 1, got " + concurrency);
    if (buildsPerMonth < 0) throw ExitException.usage("--builds-per-month must be >= 0, got " + buildsPerMonth);
    if (maxIterations < 0) throw ExitException.usage("--max-iterations must be >= 0, got " + maxIterations);
  }

  private Suite loadSuite() throws IOException {
    Suite s;
    if (suite.equals("builtin")) {
      s = Suite.builtin();
    } else {
      Path d = io.cwd().resolve(suite).normalize();
      if (!Files.isDirectory(d)) {
        throw ExitException.usage("--suite: " + d + " is not a directory; give 'builtin' or a directory of task files");
      }
      s = Suite.load(d);
    }
    if (!s.problems().isEmpty()) {
      for (String p : s.problems()) io.err().println("error: " + p);
      if (!keepGoing) {
        throw ExitException.usage(s.problems().size() + " task file(s) could not be read; fix them or pass "
            + "--keep-going to run the others");
      }
    }
    if (s.tasks().isEmpty()) {
      throw ExitException.usage("--suite: " + s.name() + " has no task (expected *.yaml or *.json files with a "
          + "'request')");
    }
    return s;
  }

  /** The environment of a simulated run: its own ledger and config, placeholder keys, nothing of the user's. */
  private Io simulatedIo(Path dir, Path configDir) {
    Map<String, String> env = new HashMap<>();
    for (String k : List.of("HOME", "PATH", "XDG_DATA_HOME", "XDG_CACHE_HOME")) {
      if (io.env().containsKey(k)) env.put(k, io.env().get(k));
    }
    // The user's config and ledger stay out of it: simulated costs must not count against a real budget.
    env.put("XDG_CONFIG_HOME", dir.resolve("simulated-config").resolve("xdg").toString());
    env.put(Ledger.DB_URL_ENV, "jdbc:sqlite:" + dir.resolve("simulated-ledger.db"));
    for (String k : SimulatedModels.KEY_VARIABLES) env.put(k, "simulated-placeholder-key");
    return new Io(io.out(), io.err(), io.in(), env, configDir);
  }

  private static Config loadConfig(Io runIo, SimulatedModels sims) {
    if (sims == null) return ModelFailures.loadConfig(runIo, Overrides.NONE);
    try {
      return Configs.load(runIo.env(), sims.configDir(), Overrides.NONE);
    } catch (ConfigException e) {
      throw new IllegalStateException("the generated simulator configuration does not load: " + e.getMessage(), e);
    }
  }

  private Subject subject(Io runIo, Config config, Providers providers, Cascades cascades, String name) {
    String resolved = config.catalog().get(name).isPresent() ? name
        : config.catalog().find(name).map(ModelSpec::name).orElse(name);
    Cascade model = cascades.resolve(config, providers, resolved);
    List<ModelSpec> routes = model.plan(ModelRequest.of("probe")).stream()
        .map(n -> config.catalog().get(n)).flatMap(Optional::stream).toList();
    boolean local = !routes.isEmpty() && routes.stream().allMatch(ModelSpec::local);
    int limit = routes.isEmpty() ? 1 : routes.get(0).maxConcurrent();
    boolean simulated = simulate || (!routes.isEmpty() && servedBySimulator(routes.get(0)));
    return new Subject(name, model, simulated, local, limit);
  }

  /** {@return whether the endpoint answers with the simulator's header: such rows are labelled simulations} */
  private static boolean servedBySimulator(ModelSpec spec) {
    URI probe = spec.endpoint().resolve(spec.endpoint().getPath().endsWith("/") ? "models" : spec.endpoint().getPath()
        + "/models");
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<Void> r = client.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.discarding());
      return r.headers().firstValue(Simulator.SIMULATOR_HEADER).isPresent();
    } catch (IOException | IllegalArgumentException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private EvalRunner.SampleTaker planTaker(Config config, Path dir) throws IOException {
    PlanProbe probe = new PlanProbe();
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    PlanSampleTaker.Planning planning = (model, request) -> {
      Path work;
      try {
        work = Files.createTempDirectory(scratch, "plan");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot create a scratch directory under " + scratch, e);
      }
      try {
        return probe.plan(model, request, work);
      } finally {
        deleteQuietly(work);
      }
    };
    return new PlanSampleTaker(planning, name -> config.catalog().get(name).map(ModelSpec::local).orElse(false),
        Clock.systemUTC());
  }

  private EvalRunner.SampleTaker buildTaker(Io runIo, Config config, Ledger ledger, Path dir) {
    Map<String, RunPipeline> pipelines = new ConcurrentHashMap<>();
    BuildSampleTaker.Building building = (subject, task, rep) -> {
      RunPipeline pipeline = pipelines.computeIfAbsent(subject.name(), n -> RunPipelines.create(config, ledger,
          runIo.env(), runIo.cwd(), new RunPipelines.Options(n, unsafeNoSandbox, null, false, Clock.systemUTC())));
      Path target = dir.resolve("builds").resolve(safe(subject.name())).resolve(task.id() + "-" + rep);
      RunOutcome outcome;
      try {
        outcome = pipeline.run(new RunRequest(task.request(), null, null, target, maxIterations, null, true));
      } catch (IOException e) {
        return new BuildSampleTaker.Built(null, false, false, "I/O error: " + e.getMessage(), null);
      }
      return switch (outcome) {
        case RunOutcome.Verified v -> new BuildSampleTaker.Built(v.buildId(), true, false, v.message(), v.report());
        case RunOutcome.Stopped s -> new BuildSampleTaker.Built(s.buildId(), false,
            s.reason() == RunOutcome.Reason.UNREACHABLE, s.message(), s.report());
        case RunOutcome.ClarificationNeeded c -> new BuildSampleTaker.Built(null, false, false, c.message(), null);
        case RunOutcome.BadInput b -> new BuildSampleTaker.Built(null, false, false, b.message(), null);
      };
    };
    return new BuildSampleTaker(building, buildId -> {
      ledger.flush();
      return ledger.calls(new Ledger.CallFilter(null, buildId, null, false, null, 100_000));
    }, Clock.systemUTC());
  }

  /** Removes a sample's scratch directory; what cannot be removed stays under the run's directory. */
  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // Left for the user to see; it is inside the report directory.
    }
  }

  private static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private EvalRunner.Progress progress() {
    if (quiet || json) return EvalRunner.Progress.NONE;
    PrintWriter err = io.err();
    return (s, done, total, ok, cost, elapsed, eta) -> {
      int width = 24;
      int filled = total == 0 ? width : (int) ((long) width * done / total);
      String bar = "#".repeat(filled) + ".".repeat(width - filled);
      String outcome = !s.available() ? "unavailable" : s.succeeded() ? "ok" : "failed";
      synchronized (err) {
        err.printf(Locale.ROOT, "[%s] %d/%d  %-28s %-26s %-11s %6s | ok %d | $%s | %s elapsed, ETA %s%n", bar, done,
            total, truncate(s.subject(), 28), truncate(s.taskId(), 26), outcome, EvalReportFormat.ms(s.latencyMs()),
            ok, cost.setScale(4, java.math.RoundingMode.HALF_UP).toPlainString(), EvalReportFormat.clock(elapsed),
            EvalReportFormat.clock(eta));
        err.flush();
      }
    };
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "~";
  }

  private void print(EvalReport report, List<Path> written, String runId) {
    if (json) {
      io.out().print(report.json());
      io.out().flush();
      return;
    }
    String md = report.markdown();
    int end = md.indexOf("\n## Scores");
    io.out().print(end > 0 ? md.substring(0, end) : md);
    io.out().println();
    io.out().println("Run " + runId + ": reports in " + written.get(0).getParent());
    for (Path p : written) io.out().println("  " + p);
    io.out().flush();
  }

  private void writeRunFile(Path dir, String runId, Instant started) throws IOException {
    writeRunFile(dir, runId, started, models == null ? List.of() : models);
  }

  private void writeRunFile(Path dir, String runId, Instant started, List<String> names) throws IOException {
    ObjectNode run = JSON.createObjectNode();
    run.put("run_id", runId).put("started", started.toString()).put("mode", mode).put("suite", suite)
        .put("repeat", repeat).put("concurrency", concurrency).put("builds_per_month", buildsPerMonth)
        .put("simulate", simulate).put("seed", seed).put("max_iterations", maxIterations)
        .put("keep_going", keepGoing).put("unsafe_no_sandbox", unsafeNoSandbox);
    if (weights != null) run.put("weights", weights);
    ArrayNode m = run.putArray("models");
    names.forEach(m::add);
    EvalReport.writeAtomically(dir.resolve("run.json"), JSON.writeValueAsString(run) + "\n");
  }

  private Path findRun(String runId) {
    List<Path> candidates = new ArrayList<>();
    if (out != null) candidates.add(out.toAbsolutePath().normalize());
    candidates.add(io.cwd().resolve("eval-results").resolve(runId));
    for (Path c : candidates) if (Files.isRegularFile(c.resolve("run.json"))) return c;
    try (Ledger ledger = Ledgers.open(ModelFailures.loadConfig(io, Overrides.NONE), io.env(), Clock.systemUTC())) {
      Optional<BuildRecord> b = ledger.build(runId);
      if (b.isPresent() && b.get().outDir() != null && Files.isRegularFile(Path.of(b.get().outDir(), "run.json"))) {
        return Path.of(b.get().outDir());
      }
    } catch (RuntimeException e) {
      // No usable ledger: the error below says where we looked.
    }
    throw ExitException.usage("--resume: no eval run '" + runId + "' found (looked in " + candidates
        + " and the ledger); pass --out DIR if the run wrote its reports elsewhere");
  }

  private static JsonNode readRunFile(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw ExitException.usage("--resume: " + file + " is not readable: " + e.getMessage());
    }
  }

  private void restore(Path runFile) {
    JsonNode r = readRunFile(runFile);
    mode = r.path("mode").asText(mode);
    suite = r.path("suite").asText(suite);
    repeat = r.path("repeat").asInt(repeat);
    concurrency = r.path("concurrency").asInt(concurrency);
    buildsPerMonth = r.path("builds_per_month").asInt(buildsPerMonth);
    simulate = r.path("simulate").asBoolean(simulate);
    seed = r.path("seed").asLong(seed);
    maxIterations = r.path("max_iterations").asInt(maxIterations);
    keepGoing = r.path("keep_going").asBoolean(keepGoing);
    unsafeNoSandbox = r.path("unsafe_no_sandbox").asBoolean(unsafeNoSandbox);
    if (r.hasNonNull("weights")) weights = r.get("weights").asText();
    List<String> names = new ArrayList<>();
    r.path("models").forEach(n -> names.add(n.asText()));
    if (!names.isEmpty()) models = names;
    if (out == null) out = runFile.getParent();
  }

  private static List<Sample> readSamples(Path dir) throws IOException {
    return EvalRunner.readSamples(dir.resolve("samples.jsonl"));
  }

  /** Small formatting for progress lines. */
  static final class EvalReportFormat {
    private EvalReportFormat() {}

    static String ms(long v) {
      return v >= 10_000 ? String.format(Locale.ROOT, "%.0fs", v / 1000.0) : v + "ms";
    }

    static String clock(Duration d) {
      long s = Math.max(0, d.toSeconds());
      return String.format(Locale.ROOT, "%02d:%02d", s / 60, s % 60);
    }
  }
}
