package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spectra.orchestrator.verify.CheckOutcome;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.ServiceCheck;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import dev.spectra.orchestrator.verify.workspace.Names;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;

/**
 * {@code build --openapi}: parse and validate, scaffold into a staging directory beside {@code --out}, verify with
 * the {@link Verifier}, write the reports, then move the finished project into {@code --out} in one rename. Whatever
 * stops the build early (bad input, no sandbox, an interrupt, a full disk) leaves {@code --out} as it was.
 */
public final class OpenApiBuild {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Optional<Verifier> verifier;
  private final Clock clock;
  private final ProgressListener progress;
  private final Random random;
  private final BuildJournal journal;

  /**
   * @param verifier the production verifier (wired by the application); empty makes every build refuse with
   *     {@link SandboxUnavailableException} after validating the contract
   */
  public OpenApiBuild(Optional<Verifier> verifier, Clock clock, ProgressListener progress, Random random) {
    this(verifier, clock, progress, random, BuildJournal.NONE);
  }

  /** @param journal receives a row per build and step (the ledger, in production) */
  public OpenApiBuild(Optional<Verifier> verifier, Clock clock, ProgressListener progress, Random random,
      BuildJournal journal) {
    this.verifier = verifier;
    this.clock = clock;
    this.progress = progress == null ? ProgressListener.NONE : progress;
    this.random = random;
    this.journal = journal == null ? BuildJournal.NONE : journal;
  }

  /**
   * What to build.
   *
   * @param openapi the contract
   * @param stack a stack name, or null for the default
   * @param out the output directory, or null for {@code <cwd>/build/<service>}
   * @param force replace a non-empty {@code out}
   * @param unsafeNoSandbox let the verifier run generated code without a sandbox when none is available
   * @param verifyLimit wall-clock limit of verification
   * @param cwd the directory relative paths are resolved against
   * @param strict refuse every spec violation of the contract instead of tolerating harmless ones with a warning
   * @param scenarios scenario files or directories (format of {@code orchestrator check}) run against the service
   *     during verification, resolved against {@code cwd}
   */
  public record Request(Path openapi, String stack, Path out, boolean force, boolean unsafeNoSandbox,
      Duration verifyLimit, Path cwd, boolean strict, List<Path> scenarios) {
    public Request {
      scenarios = scenarios == null ? List.of() : scenarios.stream().map(p -> cwd.resolve(p).toAbsolutePath()
          .normalize()).toList();
    }

    public Request(Path openapi, String stack, Path out, boolean force, boolean unsafeNoSandbox, Duration verifyLimit,
        Path cwd, boolean strict) {
      this(openapi, stack, out, force, unsafeNoSandbox, verifyLimit, cwd, strict, List.of());
    }

    public Request(Path openapi, String stack, Path out, boolean force, boolean unsafeNoSandbox, Duration verifyLimit,
        Path cwd) {
      this(openapi, stack, out, force, unsafeNoSandbox, verifyLimit, cwd, false);
    }
  }

  public BuildReport run(Request request) throws InvalidContractException, OutputExistsException,
      SandboxUnavailableException, InterruptedException, IOException {
    Instant started = clock.instant();
    String id = "b" + started.toString().replaceAll("[^0-9]", "").substring(0, 14) + "-"
        + HexFormat.of().toHexDigits(random.nextInt() & 0xffff, 4);
    journal.buildStarted(id, "build --openapi " + request.openapi(), request.out(), null);
    String outcome = BuildJournal.FAILED;
    Path delivered = null;
    try {
      BuildReport report = run(request, id, started);
      outcome = report.passed() ? BuildJournal.VERIFIED : BuildJournal.FAILED;
      delivered = Path.of(report.out());
      return report;
    } catch (InvalidContractException | OutputExistsException | SandboxUnavailableException e) {
      outcome = BuildJournal.REJECTED;
      throw e;
    } catch (InterruptedException e) {
      outcome = BuildJournal.INTERRUPTED;
      throw e;
    } finally {
      journal.buildFinished(id, outcome, delivered);
    }
  }

  private BuildReport run(Request request, String id, Instant started) throws InvalidContractException,
      OutputExistsException, SandboxUnavailableException, InterruptedException, IOException {
    List<BuildReport.Step> steps = new ArrayList<>();
    Path openapi = request.cwd().resolve(request.openapi());

    long t = clock.millis();
    progress.onProgress("parse", "reading " + request.openapi());
    journal.stepStarted(id, "parse");
    Scaffolder scaffolder = new Scaffolder();
    Scaffolder.Scaffold planned;
    try {
      planned = scaffolder.plan(openapi, request.stack(), request.strict());
    } catch (InvalidContractException e) {
      journal.stepFinished(id, "parse", false, detail("problems", e.problems().size()));
      throw e;
    }
    steps.add(new BuildReport.Step("parse", clock.millis() - t));
    journal.stepFinished(id, "parse", true, detail("operations", planned.plan().operations().size()));
    for (ContractProblem w : planned.warnings()) progress.onProgress("warning", w.toString());
    progress.onProgress("parse", planned.plan().operations().size() + " operations, "
        + planned.plan().needsModel().size() + " need a model");

    Path out = (request.out() == null ? request.cwd().resolve("build").resolve(planned.serviceName())
        : request.cwd().resolve(request.out())).toAbsolutePath().normalize();
    if (out.getParent() == null) throw new OutputExistsException("--out cannot be the file system root");
    boolean replacing = Files.exists(out) && !isEmptyDirectory(out);
    if (replacing && !request.force()) {
      throw new OutputExistsException(out + " is not empty; pass --force to replace it, or choose another --out");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new OutputExistsException(out + " is a file; choose a directory for --out");
    }
    Verifier v = verifier.orElseThrow(() -> new SandboxUnavailableException(
        "this orchestrator build has no sandbox verifier, so generated code cannot be compiled and tested safely;"
            + " nothing was written"));

    Files.createDirectories(out.getParent());
    Path staging = out.resolveSibling("." + out.getFileName() + ".staging-" + id);
    Thread cleanup = new Thread(() -> deleteQuietly(staging), "build-staging-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      t = clock.millis();
      progress.onProgress("scaffold", "writing " + planned.stackName() + " project");
      journal.stepStarted(id, "scaffold");
      Files.createDirectories(staging);
      Scaffolder.Scaffold written = scaffolder.write(planned, staging);
      steps.add(new BuildReport.Step("scaffold", clock.millis() - t));
      journal.stepFinished(id, "scaffold", true, detail("files", written.files().size()));
      progress.onProgress("scaffold", written.files().size() + " files");
      checkInterrupted();

      t = clock.millis();
      progress.onProgress("verify", "compiling and testing");
      journal.stepStarted(id, "verify");
      // Everything in the project came from our templates and the user's contract: no model wrote any of it. The
      // contract as the user gave it lies outside the staging directory: code that ran in the sandbox cannot have
      // edited it. The service is started and checked inside the sandbox.
      VerifyResult result = v.verify(staging, new VerifyOptions(request.verifyLimit() == null
          ? VerifyOptions.DEFAULT_WALL_CLOCK_LIMIT : request.verifyLimit(), request.unsafeNoSandbox(), progress,
          true).withCheck(ServiceCheck.forBuild(openapi.toAbsolutePath().normalize(), request.scenarios())));
      steps.add(new BuildReport.Step("verify", clock.millis() - t));
      journal.stepFinished(id, "verify", result.passed(), JSON.createObjectNode().put("sandbox", result.sandbox())
          .put("testsRun", result.testsRun()).put("testsPassed", result.testsPassed())
          .put("testsFailed", result.testsFailed()).put("compiled", result.compiled()).toString());
      progress.onProgress("verify", BuildReport.Tests.of(result).summary() + " (sandbox: " + result.sandbox() + ")");
      CheckOutcome check = result.check();
      if (check != null) {
        progress.onProgress("check", check.ran() ? check.failures().size() + " failures, " + check.warnings().size()
            + " warnings, " + check.pending().size() + " pending, " + check.requests() + " requests"
            : "could not run: " + check.problem());
      }
      checkInterrupted();

      t = clock.millis();
      List<String> files = new ArrayList<>(written.files());
      boolean offline = !result.runtimeClasspath().isEmpty();
      if (offline) {
        // ./run starts from the jars verification used, so the service starts without the network.
        Path spectra = staging.resolve(".spectra");
        Files.createDirectories(spectra);
        Files.writeString(spectra.resolve("runtime-classpath"), String.join("\n", result.runtimeClasspath()) + "\n",
            StandardCharsets.UTF_8);
        files.add(".spectra/runtime-classpath");
      }
      files.add("BUILD-REPORT.md");
      files.add("build-report.json");
      BuildReport.Start start = new BuildReport.Start(List.of(out.resolve("run").toString()), out.toString(), "PORT",
          offline);
      // The report's own step is timed up to here; the final move is a rename.
      steps.add(new BuildReport.Step("report", clock.millis() - t));
      BuildReport report = new BuildReport(id, planned.serviceName(), request.openapi().toString(),
          planned.stackName(), out.toString(), started.toString(), clock.instant().toString(),
          result.passed() ? BuildReport.PASSED : BuildReport.FAILED, written.operations(), files,
          BuildReport.Tests.of(result), steps, planned.warnings().stream().map(ContractProblem::toString).toList(),
          start, result.check());
      // The sandbox wrote in the staging directory: a report name may be a link it planted there (to ~/.profile).
      // Reports are written in a fresh directory and renamed over whatever is at their names; then only regular
      // files and directories are left to publish.
      UntrustedTree tree = new UntrustedTree(staging);
      tree.replace("build-report.json", (JSON.writeValueAsString(report) + "\n").getBytes(StandardCharsets.UTF_8));
      tree.replace("BUILD-REPORT.md", Names.clean(BuildReportMarkdown.render(report, result.log()))
          .getBytes(StandardCharsets.UTF_8));
      List<UntrustedTree.Removed> removed = tree.sweep();
      if (!removed.isEmpty()) {
        progress.onProgress("move", "not published: " + removed.stream().map(UntrustedTree.Removed::render)
            .collect(java.util.stream.Collectors.joining(", ")));
      }
      checkInterrupted();

      progress.onProgress("move", "into " + out);
      journal.stepStarted(id, "move");
      moveIntoPlace(staging, out, id);
      journal.stepFinished(id, "move", true, null);
      return report;
    } finally {
      deleteQuietly(staging);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook runs and deletes the staging directory.
      }
    }
  }

  private static String detail(String key, int value) {
    return JSON.createObjectNode().put(key, value).toString();
  }

  /** Puts the finished staging directory at {@code out}. With an old {@code out}, it is set aside first. */
  private static void moveIntoPlace(Path staging, Path out, String id) throws IOException {
    Path old = null;
    if (Files.exists(out)) {
      old = out.resolveSibling("." + out.getFileName() + ".old-" + id);
      rename(out, old);
    }
    try {
      rename(staging, out);
    } catch (IOException e) {
      if (old != null) rename(old, out);
      throw e;
    }
    if (old != null) deleteQuietly(old);
  }

  private static void rename(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException e) {
      throw new IOException("cannot rename " + from + " to " + to + " atomically: " + e.getMessage(), e);
    }
  }

  private static void checkInterrupted() throws InterruptedException {
    if (Thread.currentThread().isInterrupted()) throw new InterruptedException("build interrupted");
  }

  private static boolean isEmptyDirectory(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return false;
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    }
  }

  static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          // Best effort: a leftover staging directory is hidden and named after its build.
        }
      });
    } catch (IOException e) {
      // As above.
    }
  }
}
