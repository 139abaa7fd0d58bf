package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spectra.orchestrator.app.HiddenGraders;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.app.Configs;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.RunPipelines;
import dev.spectra.orchestrator.app.Verifiers;
import dev.spectra.orchestrator.app.SimulatedModels;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.verify.ReusingVerifier;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.eval.EvalReport;
import dev.spectra.orchestrator.eval.BuildProjection;
import dev.spectra.orchestrator.eval.EvalRunner;
import dev.spectra.orchestrator.eval.EvalSession;
import dev.spectra.orchestrator.eval.EvalSettings;
import dev.spectra.orchestrator.eval.EvalTask;
import dev.spectra.orchestrator.eval.RunInfo;
import dev.spectra.orchestrator.eval.SampleTakers;
import dev.spectra.orchestrator.eval.Sample;
import dev.spectra.orchestrator.eval.Scorecard;
import dev.spectra.orchestrator.eval.Subject;
import dev.spectra.orchestrator.eval.Suite;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.QueueException;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.run.PlanProbe;
import dev.spectra.orchestrator.run.RunOutcome;
import dev.spectra.orchestrator.run.RunPipeline;
import dev.spectra.orchestrator.run.RunRequest;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.IOException;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code orchestrator eval}: measures models and routing policies on a suite and prints the SPECTRA scorecard. */
@Command(name = "eval", description = {
    "Measure models and routing policies on a suite of service requests and print the SPECTRA scorecard.",
    "Writes report.md, report.json and report.html (offline charts) into --out; Ctrl-C writes a partial report."})
public final class EvalCommand implements java.util.concurrent.Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);


  private final Io io;

  @Option(names = "--models", split = ",", paramLabel = "A,B,POLICY",
      description = "Catalog models and routing policies to measure (default: the configured model; with "
          + "--simulate: the seed's four models, local-first and hybrid).")
  List<String> models;

  @Option(names = "--suite", paramLabel = "builtin|DIR", defaultValue = "builtin",
      description = "The built-in suite of 30 requests, or a directory of task files (*.yaml, *.json).")
  String suite;

  @Option(names = "--mode", paramLabel = "plan|build", defaultValue = "plan",
      description = "plan: can each plan's contract carry the hidden scenarios (fast); build: builds graded by them.")
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

  @Option(names = "--workers", description = "Queue every sample for 'orchestrator worker' processes (needs a "
      + "PostgreSQL ORCHESTRATOR_DB_URL) and wait for them; the same reports, naming each sample's worker.")
  boolean workers;

  @Spec
  CommandSpec spec;

  public EvalCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws Exception {
    Instant started = Instant.now();
    String runId;
    Path dir;
    List<Sample> previous = List.of();
    String command = commandLine();
    boolean defaultPlace;
    if (resume != null) {
      runId = resume.strip();
      dir = findRun(runId);
      EvalSettings saved = readSettings(dir.resolve("run.json"));
      restore(saved, dir);
      command = saved.command().isEmpty() ? command : saved.command();
      previous = EvalRunner.readSamples(dir.resolve("samples.jsonl"));
      started = saved.started();
    } else {
      runId = "eval-" + RUN_ID_TIME.format(started) + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
      dir = out != null ? out.toAbsolutePath().normalize() : io.cwd().resolve("eval-results").resolve(runId);
    }
    defaultPlace = dir.equals(io.cwd().resolve("eval-results").resolve(runId).toAbsolutePath().normalize());
    validateOptions();
    if (workers && !suite.startsWith("builtin")) {
      // Workers load a suite directory themselves: by the path every worker sees (docs/workers.md).
      suite = io.cwd().resolve(suite).toAbsolutePath().normalize().toString();
    }
    Scorecard.Weights w;
    try {
      w = weights == null ? Scorecard.Weights.SEED : Scorecard.Weights.parse(weights);
    } catch (IllegalArgumentException e) {
      throw ExitException.usage("--weights: " + e.getMessage());
    }
    Suite tasks = loadSuite();
    if (resume != null && models != null && !models.isEmpty() && finished(tasks, models, previous)) {
      // Nothing left to run: say so, exit 0, and leave the reports as they are.
      io.err().println("Run " + runId + " is already finished (" + previous.size() + " samples); its reports are in "
          + dir + ".");
      if (json && Files.isRegularFile(dir.resolve("report.json"))) io.out().print(Files.readString(dir.resolve("report.json")));
      io.out().flush();
      return ExitCodes.OK;
    }
    boolean fresh = resume == null && !Files.exists(dir);
    Files.createDirectories(dir);
    EvalSettings settings = new EvalSettings(runId, started, mode, suite, repeat, concurrency, buildsPerMonth,
        simulate, seed, maxIterations, keepGoing, unsafeNoSandbox, weights, models, command);
    if (resume == null) settings.write(dir);

    // With --workers the queue must exist before anything is written: a refusal leaves no run behind.
    Ledgers.Handle queueLedger = null;
    JobQueue queue = null;
    try {
      if (workers) {
        queueLedger = Ledgers.open(ModelFailures.loadConfig(io, Overrides.NONE), io.env(), io.err());
        try {
          queue = JobQueue.in(queueLedger.ledger().database(), Clock.systemUTC());
        } catch (QueueException e) {
          throw ExitException.usage("--workers: " + e.getMessage());
        }
      }
      try (Context ctx = open(dir, tasks, runId)) {
        if (resume == null) settings.withModels(ctx.names()).write(dir);
        Ledger ledger = ctx.ledger();
        // A resumed run keeps its row; a new one gets one.
        if (ledger.build(runId).isEmpty()) ledger.buildStarted(runId, BuildRecord.Kind.EVAL, "eval " + String.join(",", ctx.names()) + " on " + tasks.name(),
            dir, null);
        List<Subject> subjects = ctx.subjects();
        EvalRunner.SampleTaker taker = ctx.taker();
        int inFlight = concurrency;
        if (queue != null) {
          // Every sample goes to the queue at once; the workers' own concurrency is the limit now.
          int total = Math.max(1, subjects.size() * tasks.tasks().size() * repeat);
          inFlight = total;
          subjects = subjects.stream().map(s -> new Subject(s.name(), s.model(), s.simulated(), s.local(), total,
              s.routes())).toList();
          taker = EvalWorkers.queued(queue, settings.withModels(ctx.names()), quiet || json ? null : io.err());
        }
        EvalRunner.Options options = new EvalRunner.Options(mode, repeat, inFlight, buildsPerMonth, w,
            maxIterations);
        EvalRunner runner = new EvalRunner(taker, options, quiet || json ? EvalRunner.Progress.NONE
            : progressLine(), Clock.systemUTC());
        RunInfo info = new RunInfo(runId, mode, tasks.name(), tasks.tasks().size(), repeat, started, buildsPerMonth,
            w, command, Main.Version.version(), simulate ? seed : null, BuildProjection.fromLedger(ledger),
            ctx.infos());
        EvalSession.Outcome outcome = new EvalSession(runner, io.err()).run(info, tasks, subjects, previous, dir,
            defaultPlace, report -> ledger.buildFinished(runId, report.partial() ? "partial" : "done", dir));
        // With --workers the builds were verified by the workers, each with its own count.
        if (mode.equals("build") && !quiet && !json && queue == null) {
          io.err().println("Verifications: " + ctx.verified().ran() + " run in the sandbox, "
              + ctx.verified().reused() + " reused for identical sources.");
        }
        print(outcome.report(), outcome.written(), runId);
        return outcome instanceof EvalSession.Outcome.Interrupted ? ExitCodes.INTERRUPTED : ExitCodes.OK;
      }
    } catch (RuntimeException e) {
      // A run refused before its first sample (unknown model, bad configuration) leaves no directory behind.
      if (fresh && !Files.exists(dir.resolve("samples.jsonl"))) removeRun(dir);
      throw e;
    } finally {
      if (queueLedger != null) queueLedger.close();
    }
  }

  /**
   * What a run's samples are taken with (simulators, configuration, subjects, the sample taker), for this command
   * and for a worker taking one of its samples; closing it stops the simulators and closes the connections.
   */
  record Context(SimulatedModels sims, Providers providers, Cascades cascades, List<String> names,
      List<Subject> subjects, List<RunInfo.SubjectInfo> infos, Ledger ledger, EvalRunner.SampleTaker taker,
      ReusingVerifier.Memory verified) implements AutoCloseable {
    @Override public void close() {
      try {
        providers.close();
      } finally {
        try {
          cascades.close();
        } finally {
          if (sims != null) sims.close();
        }
      }
    }
  }

  /** Starts what the run's samples need, with this command's settings; samples' files go into {@code dir}. */
  Context open(Path dir, Suite tasks, String runId) throws IOException {
    SimulatedModels sims = simulate ? SimulatedModels.start(dir.resolve("simulated-config"), seed, tasks) : null;
    Providers providers = null;
    Cascades cascades = null;
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
      providers = ModelFailures.providers(runIo, config);
      cascades = new Cascades(runIo.env(), runIo.err());
      List<Subject> subjects = new ArrayList<>();
      List<RunInfo.SubjectInfo> infos = new ArrayList<>();
      for (String n : names) {
        Subject s = subject(runIo, config, providers, cascades, n);
        subjects.add(s);
        infos.add(subjectInfo(config, s));
      }
      Ledger ledger = cascades.ledger();
      // One verifier for every build and grading of the run: identical projects are verified once.
      ReusingVerifier.Memory verified = new ReusingVerifier.Memory();
      Verifier verifier = Verifiers.reusing(runIo.env(), verified);
      EvalRunner.SampleTaker taker = mode.equals("plan")
          ? SampleTakers.plans(config, dir, runId)
          : SampleTakers.builds(ledger, runId, name -> RunPipelines.create(config, ledger, runIo.env(), runIo.cwd(),
              new RunPipelines.Options(name, unsafeNoSandbox, null, false, Clock.systemUTC()), verifier), dir,
              maxIterations, HiddenGraders.over(verifier, unsafeNoSandbox, dir.resolve("grading")));
      return new Context(sims, providers, cascades, names, subjects, infos, ledger, taker, verified);
    } catch (IOException | RuntimeException e) {
      try {
        if (providers != null) providers.close();
        if (cascades != null) cascades.close();
      } finally {
        if (sims != null) sims.close();
      }
      throw e;
    }
  }

  /** {@return whether every sample of {@code names} × the suite × repeats is already in {@code previous}} */
  private boolean finished(Suite tasks, List<String> names, List<Sample> previous) {
    java.util.Set<String> have = new java.util.HashSet<>();
    java.util.Set<String> unavailable = new java.util.HashSet<>();
    for (Sample s : previous) {
      have.add(s.key());
      if (!s.available()) unavailable.add(s.subject());
    }
    for (String n : names) {
      if (unavailable.contains(n)) continue;
      for (int r = 0; r < repeat; r++) {
        for (EvalTask t : tasks.tasks()) if (!have.contains(Sample.key(n, t.id(), r))) return false;
      }
    }
    return true;
  }

  /** {@return the command line as typed, for the reports; arguments with spaces quoted} */
  private String commandLine() {
    List<String> args = spec == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
    // The parse result holds the whole command line, the subcommand's name included.
    StringBuilder sb = new StringBuilder(args.isEmpty() ? "orchestrator eval" : "orchestrator");
    for (String a : args) {
      sb.append(' ');
      sb.append(a.matches("[A-Za-z0-9_@%+=:,./-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }

  private static RunInfo.SubjectInfo subjectInfo(Config config, Subject s) {
    List<RunInfo.RouteInfo> routes = new ArrayList<>();
    for (String n : s.routes()) {
      config.catalog().get(n).ifPresent(spec -> routes.add(new RunInfo.RouteInfo(spec.name(), spec.modelId(),
          spec.endpoint().toString(), spec.local(), spec.priceIfKnown().map(p -> "$"
              + p.inputPerMillion().stripTrailingZeros().toPlainString() + " / $"
              + p.outputPerMillion().stripTrailingZeros().toPlainString()).orElse("unpriced"),
          config.catalog().priceSource(spec.name()))));
    }
    return new RunInfo.SubjectInfo(s.name(), routes);
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

  Suite loadSuite() throws IOException {
    Suite s;
    if (suite.equals("builtin")) {
      s = Suite.builtin();
    } else if (suite.startsWith("builtin:")) {
      // A part of the built-in suite, for a quicker run: its task ids, comma-separated.
      Suite all = Suite.builtin();
      List<String> wanted = java.util.Arrays.stream(suite.substring("builtin:".length()).split(","))
          .map(String::strip).filter(x -> !x.isEmpty()).toList();
      List<String> known = all.tasks().stream().map(EvalTask::id).toList();
      List<String> unknown = wanted.stream().filter(w -> !known.contains(w)).toList();
      if (wanted.isEmpty() || !unknown.isEmpty()) {
        throw ExitException.usage("--suite " + suite + ": " + (wanted.isEmpty() ? "no task id given"
            : "unknown task id(s) " + String.join(", ", unknown)) + "; built-in tasks: " + String.join(", ", known));
      }
      s = new Suite(suite, all.tasks().stream().filter(t -> wanted.contains(t.id())).toList(), all.problems());
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
    // Hybrid routes by complexity: a probe sees only one of its models, so list every model it may call.
    List<String> names = new ArrayList<>(routes.stream().map(ModelSpec::name).toList());
    for (String n : config.catalog().names()) {
      if (!names.contains(n) && Cascades.isRouteName(config, name) && mentions(config, n)) names.add(n);
    }
    return new Subject(name, model, simulated, local, limit, names);
  }

  /** {@return whether the routing configuration names model {@code n}} */
  private static boolean mentions(Config config, String n) {
    return config.routing().value().mentions(n);
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

  /**
   * One updating line on a terminal (a line every 15 s elsewhere) with the runner's counts; the renderer computes
   * its own estimate and holds it back until it means something.
   */
  private EvalRunner.Progress progressLine() {
    ProgressLine line = new ProgressLine(io.err(), ProgressLine.terminalColumns(io), false, System::nanoTime);
    return (s, done, total, ok, cost, elapsed, eta) -> {
      line.onCount("eval", "samples, " + ok + " ok, $" + cost.setScale(4, java.math.RoundingMode.HALF_UP)
          .toPlainString(), done, total, -1, s.subject() + " " + s.taskId() + " "
          + (!s.available() ? "unavailable" : s.succeeded() ? "ok" : "failed")
          + (s.worker() == null ? "" : " by " + s.worker()));
      if (done >= total) line.finish();
    };
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

  private static EvalSettings readSettings(Path file) {
    try {
      return EvalSettings.read(file);
    } catch (IOException | RuntimeException e) {
      throw ExitException.usage("--resume: " + file + " is not readable: " + e.getMessage());
    }
  }

  void restore(EvalSettings r, Path dir) {
    mode = r.mode();
    suite = r.suite();
    repeat = r.repeat();
    concurrency = r.concurrency();
    buildsPerMonth = r.buildsPerMonth();
    simulate = r.simulate();
    seed = r.seed();
    maxIterations = r.maxIterations();
    keepGoing = r.keepGoing();
    unsafeNoSandbox = r.unsafeNoSandbox();
    if (r.weights() != null) weights = r.weights();
    if (!r.models().isEmpty()) models = r.models();
    if (out == null) out = dir;
  }
}
