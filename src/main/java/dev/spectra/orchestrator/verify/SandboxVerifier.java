package dev.spectra.orchestrator.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import dev.spectra.orchestrator.verify.checkrunner.CheckRunner;
import dev.spectra.orchestrator.verify.runner.VerifyRunner;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Verifies a generated project in a sandbox without Maven: one JVM inside bubblewrap compiles the main and test
 * sources in process (skipping unchanged source sets) and runs every test on the JUnit Platform; the class paths
 * come from the {@link DependencyCache}, filled once outside the sandbox.
 *
 * <p>Where a verify writes: the project's {@code target/} (classes, {@code target/tmp} as {@code java.io.tmpdir},
 * {@code target/spectra-verify/} with the result and compile hashes) and the orchestrator's cache directory.
 */
public final class SandboxVerifier implements Verifier {
  /** Everything a verifier depends on, so tests can point it at their own cache and their own PATH. */
  record Settings(Path cacheRoot, Optional<List<String>> maven, Map<String, String> mavenEnv, ToolLookup tools,
      Path javaHome, Path userHome, boolean root, Path cgroupRoot) {
    Settings {
      cacheRoot = cacheRoot.toAbsolutePath().normalize();
      mavenEnv = Map.copyOf(mavenEnv);
    }
  }

  /** Where the runner writes its result, relative to the project. */
  static final String RESULT = "target/spectra-verify/result.json";
  /** Where the check runner writes its result, relative to the project. */
  static final String CHECK_RESULT = "target/spectra-verify/check.json";
  /** Heaps of the two JVMs of the check phase; together well under the sandbox's memory limit. */
  private static final String CHECKER_HEAP = "512m";
  private static final String SERVICE_HEAP = "384m";
  private static final String SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";
  private static final String INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap;"
      + " Fedora: sudo dnf install bubblewrap), or pass --unsafe-no-sandbox to run generated code unconfined";

  private final Settings settings;
  private final DependencyCache cache;
  private final ObjectMapper json = new ObjectMapper();
  private final ProcessTree processes = new ProcessTree(VerifyRunner.PROGRESS_PREFIX);
  private final Leftovers leftovers;
  /** Sandboxes of earlier, killed orchestrators are looked for once, before the first verify. */
  private volatile boolean leftoversChecked;
  /** The outcome of trying bubblewrap once: empty until tried, then the problem or "" when it works. */
  private volatile String bubblewrapProblem;

  SandboxVerifier(Settings settings) {
    this.settings = settings;
    this.cache = new DependencyCache(settings.cacheRoot(), settings.maven(), settings.mavenEnv(),
        Optional.of(settings.userHome().resolve(".m2").resolve("repository")));
    this.leftovers = new Leftovers(settings.cacheRoot().resolve("sandboxes"));
  }

  /**
   * The production verifier for this environment: dependencies cached under {@code cacheRoot} (the
   * orchestrator's cache directory), the orchestrator's Maven wrapper to fill it, tools found on {@code PATH}.
   */
  public static SandboxVerifier create(Map<String, String> env, Path cacheRoot) {
    return new SandboxVerifier(Environment.settings(env, cacheRoot));
  }

  /** {@return the Maven command that fills the dependency cache, when one was found} */
  public Optional<List<String>> mavenCommand() { return settings.maven(); }

  /** {@return the environment Maven runs with (the orchestrator's JDK as {@code JAVA_HOME})} */
  public Map<String, String> mavenEnvironment() { return settings.mavenEnv(); }

  /** {@return the cache directory; its {@code m2} is the local Maven repository builds resolve from} */
  public Path cacheRoot() { return settings.cacheRoot(); }

  @Override public VerifyResult verify(Path projectDir, VerifyOptions options)
      throws SandboxUnavailableException, InterruptedException {
    Path project = projectDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(project)) {
      throw new IllegalArgumentException("not a directory: " + project);
    }
    ProgressListener progress = options.progress();
    if (!leftoversChecked) {
      leftoversChecked = true;
      killLeftovers().forEach(line -> progress.onProgress("verify", line));
    }
    Sandbox sandbox = sandbox(options, project);
    ProjectDescriptor descriptor;
    try {
      descriptor = ProjectDescriptor.read(project, json);
      requireInside(project, descriptor);
    } catch (IOException e) {
      return notCompiled(sandbox, ProjectDescriptor.FILE, e.getMessage());
    }
    DependencyCache.Classpaths classpaths = cache.resolve(descriptor.dependencies(), progress);
    Path runner;
    try {
      runner = RunnerJar.locate();
    } catch (IOException e) {
      throw new VerifySetupException("cannot prepare the verify runner: " + e.getMessage(), e);
    }
    Path target = project.resolve("target");
    Path state = target.resolve("spectra-verify");
    Path result = project.resolve(RESULT);
    try {
      for (Path dir : List.of(target.resolve("classes"), target.resolve("test-classes"), state, target.resolve("tmp"))) {
        Files.createDirectories(dir);
      }
      Files.deleteIfExists(result);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write in " + target + ": " + e.getMessage(), e);
    }
    Limits limits = Limits.forWallClock(options.wallClockLimit());
    List<String> runnerArgv = new ArrayList<>(runnerCommand(project, descriptor, classpaths, runner, limits, result));
    if (options.check() != null && !options.check().runTests()) runnerArgv.addAll(List.of("--run-tests", "false"));
    SandboxCommand command = new SandboxCommand(
        runnerArgv,
        project,
        List.of(settings.javaHome(), runner, cache.repository(), classpaths.mainFile().getParent(),
            classpaths.testFile().getParent()),
        environment(sandbox, project),
        limits);
    TreeWatch watch = watch(limits);
    progress.onProgress("verify", "compiling and testing in " + sandbox.name());
    ProcessTree.Outcome outcome = runSandboxed(sandbox, command, project, watch, progress);
    // From here on the workspace is hostile input: links, devices and extra names are removed before anyone reads.
    List<String> distrusted = new ArrayList<>();
    UntrustedTree tree = new UntrustedTree(project);
    sweep(tree, project, distrusted);
    VerifyResult verified = toResult(outcome, tree, descriptor, sandbox, limits, watch, distrusted)
        .withRuntimeClasspath(classpaths.main().stream().map(Path::toString).toList());
    if (options.check() == null || !verified.compiled() || verified.timedOut()) return verified;
    CheckOutcome checked = check(project, descriptor, classpaths, sandbox, options, tree, distrusted);
    return new VerifyResult(verified.compiled(), verified.testsRun(), verified.testsPassed(), verified.testsFailed(),
        verified.failures(), verified.compileErrors(), verified.sandbox(), verified.timedOut(), verified.wallTime(),
        verified.log(), verified.testsSkipped(), verified.runtimeClasspath(), verified.limits(), distrusted, checked);
  }

  /**
   * Starts the compiled service inside a second sandbox run, on a loopback port of that sandbox's own network
   * namespace, and runs {@code orchestrator check} against it there (the {@link CheckRunner}). The checker's JVM
   * gets the orchestrator's own class path, read-only; the contract and scenario files are bound read-only at
   * their host paths; the result comes back as untrusted data ({@link CheckResult}).
   */
  private CheckOutcome check(Path project, ProjectDescriptor d, DependencyCache.Classpaths classpaths,
      Sandbox sandbox, VerifyOptions options, UntrustedTree tree, List<String> distrusted)
      throws SandboxUnavailableException, InterruptedException {
    ServiceCheck spec = options.check();
    ProgressListener progress = options.progress();
    if (d.mainClass().isEmpty()) {
      return CheckOutcome.notRun(ProjectDescriptor.FILE + " names no mainClass, so the service cannot be started", "");
    }
    Path result = project.resolve(CHECK_RESULT);
    try {
      Files.deleteIfExists(result);
    } catch (IOException e) {
      return CheckOutcome.notRun("cannot clear " + result + ": " + e.getMessage(), "");
    }
    List<Path> checkerClasspath = CheckerClasspath.of(System.getProperty("java.class.path", ""));
    Path java = settings.javaHome().resolve("bin").resolve("java");
    List<String> argv = new ArrayList<>(List.of(java.toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData",
        "-Xlog:disable", "-Xlog:all=error:stderr", "-Xmx" + CHECKER_HEAP,
        "-Djava.io.tmpdir=" + project.resolve("target/tmp"), "-Dfile.encoding=UTF-8",
        "-cp", String.join(File.pathSeparator, checkerClasspath.stream().map(Path::toString).toList()),
        CheckRunner.class.getName(),
        "--project", project.toString(),
        "--main-class", d.mainClass(),
        "--service-classpath", classpaths.mainFile().toString(),
        "--java", java.toString(),
        "--heap", SERVICE_HEAP,
        "--contract", spec.contract().toAbsolutePath().normalize().toString(),
        "--fuzz", Integer.toString(spec.fuzz()),
        "--seed", Long.toString(spec.seed()),
        "--security", Boolean.toString(spec.security()),
        "--result", result.toString()));
    for (Path s : spec.scenarios()) argv.addAll(List.of("--scenarios", s.toAbsolutePath().normalize().toString()));
    List<Path> readOnly = new ArrayList<>(List.of(settings.javaHome(), cache.repository(),
        classpaths.mainFile().getParent(), spec.contract()));
    readOnly.addAll(checkerClasspath);
    readOnly.addAll(spec.scenarios());
    Limits limits = Limits.forWallClock(options.wallClockLimit());
    SandboxCommand command = new SandboxCommand(argv, project, readOnly, environment(sandbox, project), limits);
    TreeWatch watch = watch(limits);
    progress.onProgress("check", "starting the service in " + sandbox.name() + " and checking it");
    ProcessTree.Outcome outcome = runSandboxed(sandbox, command, project, watch, progress);
    sweep(tree, project, distrusted);
    return switch (outcome) {
      case ProcessTree.Outcome.TimedOut t -> CheckOutcome.notRun("the check did not finish within the wall-clock "
          + "limit of " + limits.wallClock().toSeconds() + " s (a hanging service?); the sandbox was killed",
          tail(t.output()));
      case ProcessTree.Outcome.OverLimit o -> CheckOutcome.notRun("a limit of the sandbox was passed while the "
          + "service was checked, " + o.limit() + "; the whole process tree was killed", tail(o.output()));
      case ProcessTree.Outcome.Exited e -> CheckResult.read(tree, CHECK_RESULT, json, distrusted, tail(e.output()));
    };
  }

  /** Runs {@code command} in {@code sandbox}; its progress lines ({@code step detail}) become progress events. */
  private ProcessTree.Outcome runSandboxed(Sandbox sandbox, SandboxCommand command, Path project, TreeWatch watch,
      ProgressListener progress) throws SandboxUnavailableException, InterruptedException {
    try (Leftovers.Entry ignored = leftovers.register(project)) {
      return processes.run(sandbox.hostCommand(command), command.env(), project, command.limits(), watch,
          sandbox.lifeline(), line -> {
            int space = line.indexOf(' ');
            progress.onProgress(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
          });
    } catch (IOException e) {
      throw new SandboxUnavailableException("cannot start " + sandbox.name() + ": " + e.getMessage(), e);
    }
  }

  /** Removes what a sandbox run may have planted (links, devices, extra names), each noted in {@code distrusted}. */
  private static void sweep(UntrustedTree tree, Path project, List<String> distrusted) {
    try {
      tree.sweep().forEach(r -> distrusted.add("removed " + r.render()));
    } catch (IOException e) {
      throw new IllegalStateException("the workspace " + project + " cannot be checked after the sandbox ran: "
          + e.getMessage(), e);
    }
  }

  /** The whole-tree watch for one run: a delegated cgroup v2 when there is one and it takes the limits. */
  private TreeWatch watch(Limits limits) {
    TreeWatch w = TreeWatch.detect(settings.cgroupRoot(), Path.of("/proc/self/cgroup"));
    if (w instanceof TreeWatch.Cgroup c && !c.apply(limits)) {
      c.close();
      return new TreeWatch.Polling();
    }
    return w;
  }

  /** {@return the limits and the mechanism a verify here would use, for {@code doctor}} */
  public String describeLimits(Duration wallClock) {
    Limits limits = Limits.forWallClock(wallClock);
    String mechanism = TreeWatch.describeAvailable(settings.cgroupRoot(), Path.of("/proc/self/cgroup"));
    return "whole sandbox: memory " + limits.treeMemoryBytes() / Limits.MIB + " MiB, " + limits.treeThreads()
        + " threads, CPU " + limits.cpu().toSeconds() + " s, wall clock " + limits.wallClock().toSeconds() + " s ("
        + mechanism + ")";
  }

  /** Kills sandboxes that outlived an earlier orchestrator; {@return one line per process killed} */
  public List<String> killLeftovers() {
    return leftovers.killAll();
  }

  /**
   * Picks bubblewrap when it works here; else runs unconfined when the user allowed it or the project is template
   * code only, and refuses otherwise.
   */
  private Sandbox sandbox(VerifyOptions options, Path project)
      throws SandboxUnavailableException, InterruptedException {
    Optional<Path> prlimit = settings.tools().find("prlimit");
    Optional<Path> bwrap = settings.tools().find("bwrap");
    String problem;
    if (bwrap.isEmpty()) {
      problem = "no sandbox tool found: bwrap is not on PATH";
    } else {
      Bubblewrap candidate = Bubblewrap.create(bwrap.get(), prlimit, settings.root(), settings.cacheRoot());
      problem = probe(candidate, project);
      if (problem.isEmpty()) return candidate;
    }
    if (options.unsafeNoSandbox()) return new NoSandbox(prlimit, VerifyResult.NONE_UNSAFE);
    // Code from our own templates and the user's contract is as trusted as the orchestrator that wrote it.
    if (options.templateOnly()) return new NoSandbox(prlimit, VerifyResult.NONE_TEMPLATE);
    throw new SandboxUnavailableException(problem + "; refusing to run generated code outside a sandbox. "
        + INSTALL_HINT);
  }

  /** Runs {@code true} in the sandbox once: bwrap can be installed yet unusable (user namespaces disabled). */
  private String probe(Bubblewrap candidate, Path project) throws InterruptedException {
    String known = bubblewrapProblem;
    if (known != null) return known;
    SandboxCommand trial = new SandboxCommand(List.of("true"), project, List.of(), Map.of("PATH", SANDBOX_PATH),
        Limits.forWallClock(Duration.ofSeconds(20)));
    String problem;
    try {
      ProcessTree.Outcome o = processes.run(candidate.hostCommand(trial), trial.env(), project, trial.limits(),
          new TreeWatch.Polling(), candidate.lifeline(), line -> {});
      problem = o instanceof ProcessTree.Outcome.Exited e && e.code() == 0 ? ""
          : "bubblewrap is installed but cannot create a sandbox here (" + o.output().strip() + ")";
    } catch (IOException e) {
      problem = "bubblewrap could not be started: " + e.getMessage();
    }
    bubblewrapProblem = problem;
    return problem;
  }

  private static void requireInside(Path project, ProjectDescriptor d) throws IOException {
    for (String rel : List.of(d.mainSources(), d.mainResources(), d.testSources(), d.testResources())) {
      if (!project.resolve(rel).normalize().startsWith(project)) {
        throw new IOException(project.resolve(ProjectDescriptor.FILE) + ": source directory '" + rel
            + "' is outside the project");
      }
    }
  }

  private List<String> runnerCommand(Path project, ProjectDescriptor d, DependencyCache.Classpaths cp, Path runner,
      Limits limits, Path result) {
    Path target = project.resolve("target");
    // Jars only: the runner loads the project's compiled classes itself (see VerifyRunner), which keeps the class
    // path stable and archivable. The runner jar holds one package of ours, so it cannot shadow a library.
    List<String> classpath = new ArrayList<>();
    classpath.add(runner.toString());
    cp.test().forEach(p -> classpath.add(p.toString()));
    List<String> argv = new ArrayList<>(List.of(
        settings.javaHome().resolve("bin").resolve("java").toString(),
        // A short-lived JVM: C1 only, the serial collector and the JDK's class archive start fastest.
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-XX:-UsePerfData",
        "-Xlog:disable", "-Xlog:all=error:stderr",
        "-Xmx" + limits.heap(), "-Xss1m"));
    if (Files.isRegularFile(target.resolve("spectra-verify/main.sha256"))) {
      // Verified before, so likely verified again (the fix loop): keep an archive of the classes this run loads
      // (javac, Jetty, JUnit) for the next start. Writing it costs a moment at exit, so a one-off verify skips it.
      // It lives in the workspace, the only writable place, and only this workspace's runs read it.
      argv.addAll(List.of("-XX:+AutoCreateSharedArchive",
          "-XX:SharedArchiveFile=" + target.resolve("spectra-verify/app.jsa")));
    }
    argv.addAll(List.of(
        "-Djava.io.tmpdir=" + target.resolve("tmp"), "-Dbasedir=" + project, "-Dfile.encoding=UTF-8",
        "-cp", String.join(File.pathSeparator, classpath),
        VerifyRunner.class.getName(),
        "--project", project.toString(),
        "--release", Integer.toString(d.javaRelease()),
        "--main-classpath", cp.mainFile().toString(),
        "--test-classpath", cp.testFile().toString(),
        "--main-sources", d.mainSources(), "--main-resources", d.mainResources(),
        "--test-sources", d.testSources(), "--test-resources", d.testResources(),
        "--result", result.toString()));
    return argv;
  }

  /** A fresh environment: nothing of the user's (API keys, tokens, proxies) reaches generated code. */
  private static Map<String, String> environment(Sandbox sandbox, Path project) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PATH", SANDBOX_PATH);
    env.put("LANG", "C.UTF-8");
    env.put("TZ", "UTC");
    // glibc creates up to 8 malloc arenas per core, each reserving 64 MB of address space, which RLIMIT_AS counts.
    env.put("MALLOC_ARENA_MAX", "2");
    String tmp = sandbox instanceof Bubblewrap ? "/tmp" : project.resolve("target/tmp").toString();
    env.put("HOME", tmp);
    env.put("TMPDIR", tmp);
    return env;
  }

  private VerifyResult toResult(ProcessTree.Outcome outcome, UntrustedTree tree, ProjectDescriptor descriptor,
      Sandbox sandbox, Limits limits, TreeWatch watch, List<String> distrusted) {
    RunnerResult r = RunnerResult.read(tree, RESULT, descriptor, json, distrusted);
    boolean haveResult = r != null;
    boolean complete = r != null && r.complete();
    boolean compiled = r != null && r.compiled();
    List<VerifyResult.CompileError> errors = new ArrayList<>(r == null ? List.of() : r.compileErrors());
    List<VerifyResult.TestFailure> failures = new ArrayList<>(r == null ? List.of() : r.failures());
    int run = r == null ? 0 : r.testsRun();
    int passed = r == null ? 0 : r.testsPassed();
    int failed = r == null ? 0 : r.testsFailed();
    StringBuilder log = new StringBuilder(r == null ? "" : r.compileLog());
    log.append(outcome.output());
    boolean timedOut = outcome instanceof ProcessTree.Outcome.TimedOut;
    switch (outcome) {
      case ProcessTree.Outcome.TimedOut t -> log.append("\n[killed: the wall-clock limit of ")
          .append(limits.wallClock().toSeconds()).append(" s was reached]\n");
      case ProcessTree.Outcome.OverLimit o -> {
        failed++;
        run++;
        failures.add(new VerifyResult.TestFailure("", "(sandbox)", "a limit of the sandbox was passed, "
            + o.limit() + "; the whole process tree was killed", ""));
        log.append("\n[killed: ").append(o.limit()).append("]\n");
      }
      case ProcessTree.Outcome.Exited e when !complete && compiled -> {
        failed++;
        run++;
        failures.add(new VerifyResult.TestFailure("", "(test run)", "the test JVM ended with exit code " + e.code()
            + " before the tests finished (a test calling System.exit, a crash, or a resource limit)",
            tail(outcome.output())));
      }
      case ProcessTree.Outcome.Exited e when !haveResult -> errors.add(new VerifyResult.CompileError("", 0,
          "the verify runner ended with exit code " + e.code() + " without a result: " + tail(outcome.output())));
      case ProcessTree.Outcome.Exited e -> { }
    }
    for (String d : distrusted) log.append("\n[refused: ").append(d).append("]");
    return new VerifyResult(compiled, run, passed, failed, failures, errors, sandbox.name(), timedOut,
        outcome.elapsed(), log.toString(), r == null ? 0 : r.testsSkipped(), List.of(), limits.describe(watch), distrusted);
  }

  private static String tail(String output) {
    String s = output.strip();
    return s.length() <= 2000 ? s : s.substring(s.length() - 2000);
  }

  private static VerifyResult notCompiled(Sandbox sandbox, String file, String message) {
    return new VerifyResult(false, 0, 0, 0, List.of(), List.of(new VerifyResult.CompileError(file, 0, message)),
        sandbox.name(), false, Duration.ZERO, message);
  }
}
