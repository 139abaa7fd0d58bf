package dev.spectra.orchestrator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.verify.runner.VerifyRunner;
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
      Path javaHome, Path userHome, boolean root) {
    Settings {
      cacheRoot = cacheRoot.toAbsolutePath().normalize();
      mavenEnv = Map.copyOf(mavenEnv);
    }
  }

  private static final String SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";
  private static final String INSTALL_HINT = "install bubblewrap (Debian/Ubuntu: sudo apt-get install bubblewrap;"
      + " Fedora: sudo dnf install bubblewrap), or pass --unsafe-no-sandbox to run generated code unconfined";

  private final Settings settings;
  private final DependencyCache cache;
  private final ObjectMapper json = new ObjectMapper();
  private final ProcessTree processes = new ProcessTree(VerifyRunner.PROGRESS_PREFIX);
  /** The outcome of trying bubblewrap once: empty until tried, then the problem or "" when it works. */
  private volatile String bubblewrapProblem;

  SandboxVerifier(Settings settings) {
    this.settings = settings;
    this.cache = new DependencyCache(settings.cacheRoot(), settings.maven(), settings.mavenEnv());
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
    Sandbox sandbox = sandbox(options.unsafeNoSandbox(), project);
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
      runner = RunnerClasses.extract(settings.cacheRoot());
    } catch (IOException e) {
      throw new SandboxUnavailableException("cannot prepare the verify runner in " + settings.cacheRoot() + ": "
          + e.getMessage(), e);
    }
    Path target = project.resolve("target");
    Path state = target.resolve("spectra-verify");
    Path result = state.resolve("result.json");
    try {
      for (Path dir : List.of(target.resolve("classes"), target.resolve("test-classes"), state, target.resolve("tmp"))) {
        Files.createDirectories(dir);
      }
      Files.deleteIfExists(result);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot write in " + target + ": " + e.getMessage(), e);
    }
    Limits limits = Limits.forWallClock(options.wallClockLimit());
    SandboxCommand command = new SandboxCommand(
        runnerCommand(project, descriptor, classpaths, runner, limits, result),
        project,
        List.of(settings.javaHome(), runner, cache.repository(), classpaths.mainFile().getParent()),
        environment(sandbox, project),
        limits);
    progress.onProgress("verify", "compiling and testing in " + sandbox.name());
    ProcessTree.Outcome outcome;
    try {
      outcome = processes.run(sandbox.hostCommand(command), command.env(), project, limits.wallClock(),
          limits.processes(), line -> {
            int space = line.indexOf(' ');
            progress.onProgress(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
          });
    } catch (IOException e) {
      throw new SandboxUnavailableException("cannot start " + sandbox.name() + ": " + e.getMessage(), e);
    }
    return toResult(outcome, result, sandbox, limits);
  }

  /** Picks bubblewrap when it works here, else refuses unless the caller allowed running unconfined. */
  private Sandbox sandbox(boolean unsafe, Path project) throws SandboxUnavailableException, InterruptedException {
    Optional<Path> prlimit = settings.tools().find("prlimit");
    Optional<Path> bwrap = settings.tools().find("bwrap");
    String problem;
    if (bwrap.isEmpty()) {
      problem = "no sandbox tool found: bwrap is not on PATH";
    } else {
      Bubblewrap candidate = new Bubblewrap(bwrap.get(), prlimit, Bubblewrap.defaultHidden(settings.userHome()),
          settings.root());
      problem = probe(candidate, project);
      if (problem.isEmpty()) return candidate;
    }
    if (unsafe) return new NoSandbox(prlimit);
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
      ProcessTree.Outcome o = processes.run(candidate.hostCommand(trial), trial.env(), project, Duration.ofSeconds(20),
          16, line -> {});
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

  private VerifyResult toResult(ProcessTree.Outcome outcome, Path resultFile, Sandbox sandbox, Limits limits) {
    JsonNode r = readResult(resultFile);
    boolean haveResult = r != null;
    boolean complete = r != null && r.path("complete").asBoolean(!r.has("complete"));
    boolean compiled = r != null && r.path("compiled").asBoolean(false);
    List<VerifyResult.CompileError> errors = new ArrayList<>();
    List<VerifyResult.TestFailure> failures = new ArrayList<>();
    int run = 0;
    int passed = 0;
    int failed = 0;
    StringBuilder log = new StringBuilder();
    if (r != null) {
      for (JsonNode e : r.path("compileErrors")) {
        errors.add(new VerifyResult.CompileError(e.path("file").asText(), e.path("line").asLong(),
            e.path("message").asText()));
      }
      for (JsonNode f : r.path("failures")) {
        failures.add(new VerifyResult.TestFailure(f.path("testClass").asText(), f.path("testName").asText(),
            f.path("message").asText(), f.path("trace").asText()));
      }
      run = r.path("testsRun").asInt();
      passed = r.path("testsPassed").asInt();
      failed = r.path("testsFailed").asInt();
      log.append(r.path("compileLog").asText(""));
    }
    log.append(outcome.output());
    boolean timedOut = outcome instanceof ProcessTree.Outcome.TimedOut;
    switch (outcome) {
      case ProcessTree.Outcome.TimedOut t -> log.append("\n[killed: the wall-clock limit of ")
          .append(limits.wallClock().toSeconds()).append(" s was reached]\n");
      case ProcessTree.Outcome.TooManyProcesses t -> {
        failed++;
        run++;
        failures.add(new VerifyResult.TestFailure("", "(sandbox)", "the tests started more than "
            + limits.processes() + " processes; the whole process tree was killed", ""));
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
    return new VerifyResult(compiled, run, passed, failed, failures, errors, sandbox.name(), timedOut,
        outcome.elapsed(), log.toString());
  }

  private JsonNode readResult(Path file) {
    try {
      return Files.isRegularFile(file) ? json.readTree(file.toFile()) : null;
    } catch (IOException e) {
      // A result the runner did not finish writing counts as none.
      return null;
    }
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
