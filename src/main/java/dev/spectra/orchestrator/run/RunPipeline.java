package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import dev.spectra.orchestrator.verify.VerifyOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.util.stream.Stream;

/**
 * {@code orchestrator run}: plan -> scaffold -> implement -> verify/fix -> output, in that order, each step
 * journalled in the staging directory so {@link #resume} continues where a build stopped (budget, Ctrl-C, a
 * crash) without asking a model again for what is done. The order below is the policy; each step is its own class.
 */
public final class RunPipeline {
  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
      .withZone(ZoneOffset.UTC);

  private final Ports.Sessions sessions;
  private final Ports.ProjectScaffolder scaffolder;
  private final Ports.ProjectVerifier verifier;
  private final BuildJournal journal;
  private final Progress progress;
  private final Clock clock;
  private final Steps.Hook hook;
  private final Path runsDir;
  private final Path cwd;
  private final Supplier<String> ids;

  /**
   * How a pipeline is set up around its parts.
   *
   * @param progress where live progress goes, or null for none ({@code --quiet}, {@code --json})
   * @param interactive progress may redraw one line (a terminal)
   * @param clock null for the system clock
   * @param runsDir where stopped builds are indexed by id
   * @param hook called between steps; {@link Steps.Hook#NONE} but in tests that stop a build on purpose
   * @param ids build ids; null for time-based random ones
   */
  public record Setup(boolean unsafeNoSandbox, PrintWriter progress, boolean interactive, Clock clock, Path runsDir,
      Path cwd, Steps.Hook hook, Supplier<String> ids) {}

  /**
   * {@return the pipeline over the contract builder's scaffold and {@code verifier}}
   *
   * @param sessions the model side: one cascade session per build
   * @param verifier compiles and tests the project, in the sandbox unless {@code unsafeNoSandbox}
   * @param journal where builds and steps are recorded, and read back on resume
   */
  public static RunPipeline create(Ports.Sessions sessions, dev.spectra.orchestrator.verify.Verifier verifier,
      BuildJournal journal, Setup setup) {
    Clock clock = setup.clock() == null ? Clock.systemUTC() : setup.clock();
    Progress progress = setup.progress() == null ? Progress.NONE
        : Progress.stderr(setup.progress(), clock, setup.interactive());
    Ports.ProjectVerifier verify = new VerifierAdapter(verifier, new VerifyOptions(VerifyOptions.DEFAULT_WALL_CLOCK_LIMIT,
        setup.unsafeNoSandbox(), (step, detail) -> progress.note(step + ": " + detail)));
    return new RunPipeline(sessions, BuilderScaffolder.create(), verify, journal, progress, clock, setup.hook(),
        setup.runsDir(), setup.cwd(), setup.ids());
  }

  RunPipeline(Ports.Sessions sessions, Ports.ProjectScaffolder scaffolder, Ports.ProjectVerifier verifier,
      BuildJournal journal, Progress progress, Clock clock, Steps.Hook hook, Path runsDir, Path cwd,
      Supplier<String> ids) {
    this.sessions = sessions;
    this.scaffolder = scaffolder;
    this.verifier = verifier;
    this.journal = journal;
    this.progress = progress;
    this.clock = clock;
    this.hook = hook;
    this.runsDir = runsDir;
    this.cwd = cwd;
    this.ids = ids != null ? ids : () -> "run-" + ID_TIME.format(clock.instant()) + "-"
        + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
  }

  /** Starts a new build. */
  public RunOutcome run(RunRequest request) throws IOException {
    Path openApi = null;
    if (request.openApi() != null) {
      openApi = cwd.resolve(request.openApi()).normalize();
      if (!Files.isRegularFile(openApi)) {
        return new RunOutcome.BadInput("--openapi " + request.openApi() + ": no such file");
      }
      List<String> problems = scaffolder.validate(openApi);
      if (!problems.isEmpty()) {
        return new RunOutcome.BadInput("--openapi " + request.openApi() + " is not a usable OpenAPI 3 document:\n  "
            + String.join("\n  ", problems));
      }
    }
    Path out = request.out() == null ? null : cwd.resolve(request.out()).normalize();
    if (out != null && !request.force() && nonEmpty(out)) {
      return new RunOutcome.BadInput("--out " + request.out() + " is not empty: choose another directory or pass "
          + "--force to replace it");
    }
    if (request.request().isBlank() && openApi == null) {
      return new RunOutcome.ClarificationNeeded(Planner.emptyRequestMessage());
    }
    String id = request.buildId() != null ? request.buildId() : ids.get();
    Path staging = (out != null ? out.getParent() : cwd).resolve(".orchestrator-" + id);
    Files.createDirectories(staging);
    RunState state = new RunState();
    state.buildId = id;
    state.request = request.request();
    state.stack = request.stack();
    state.outDir = out == null ? null : out.toString();
    state.force = request.force();
    state.maxIterations = request.maxIterations();
    state.budgetUsd = request.budget() == null ? null : request.budget().usd().toPlainString();
    state.startedAt = clock.instant().toString();
    if (openApi != null) {
      // A copy, so resuming does not depend on the user's file staying as it was.
      Path copy = staging.resolve("given-openapi" + (openApi.toString().endsWith(".json") ? ".json" : ".yaml"));
      Files.copy(openApi, copy, StandardCopyOption.REPLACE_EXISTING);
      state.openApiFile = copy.toString();
    }
    state.save(staging);
    index(id, staging);
    journal.buildStarted(id, request.request(), out, staging);
    progress.note("build " + id + " (if it stops: orchestrator resume " + id + ")");
    return execute(state, staging);
  }

  /**
   * Continues a stopped build from its last completed step.
   *
   * @param buildIdOrDir a build id, or the staging directory itself
   * @param budget a new total budget for the whole build, or null to keep the old one
   * @param maxIterations a new iteration limit, or null
   */
  public RunOutcome resume(String buildIdOrDir, Money budget, Integer maxIterations, Path out, boolean force)
      throws IOException {
    Path staging = locate(buildIdOrDir);
    if (staging == null || !Files.isRegularFile(RunState.file(staging))) {
      return new RunOutcome.BadInput("no stopped build '" + buildIdOrDir + "' to resume (its staging directory is "
          + "gone or it finished); 'orchestrator builds' lists builds");
    }
    RunState state = RunState.load(staging);
    if (budget != null) state.budgetUsd = budget.usd().toPlainString();
    if (maxIterations != null) state.maxIterations = maxIterations;
    if (out != null) state.outDir = cwd.resolve(out).normalize().toString();
    if (force) state.force = true;
    String recorded = journal.lastCompletedStep(state.buildId);
    String saved = state.completedSteps.isEmpty() ? null : List.copyOf(state.completedSteps)
        .get(state.completedSteps.size() - 1);
    progress.note("resuming " + state.buildId + " after " + (saved == null ? "no step" : saved)
        + (recorded != null && !recorded.equals(saved) ? " (ledger: " + recorded + ")" : ""));
    state.status = "running";
    state.statusDetail = null;
    state.save(staging);
    return execute(state, staging);
  }

  private RunOutcome execute(RunState state, Path staging) throws IOException {
    Path project = staging.resolve("project");
    Ports.Session session = sessions.open(state.buildId, remainingBudget(state));
    // A new session starts at the first route: replay the escalations this build already made.
    for (RunState.Escalation e : state.escalations) {
      if (e.escalated()) session.escalator().escalate(new ModelError.ArtifactFailed(e.artifact(), e.reason()));
    }
    ModelStep model = new ModelStep(session.model(), progress, state.buildId);
    Steps steps = new Steps(state, staging, journal, progress, clock, hook);
    try {
      if (!state.done("plan")) {
        Planner planner = new Planner(model, scaffolder, staging);
        OpenApiDoc given = state.openApiFile == null ? null : OpenApiDoc.read(Path.of(state.openApiFile));
        // The plan is part of the state before the step counts as done: a build stopped right after it resumes
        // with it.
        Planner.Result result = steps.model("plan", model.modelName(), tally -> {
          Planner.Result r = planner.plan(state.request, given, tally);
          if (r instanceof Planner.Result.Planned p) state.plan = p.plan().json();
          return r;
        });
        switch (result) {
          case Planner.Result.Clarification c -> {
            journal.buildFinished(state.buildId, "clarification-needed", null);
            delete(staging);
            Files.deleteIfExists(runsDir.resolve(state.buildId));
            return new RunOutcome.ClarificationNeeded(c.message());
          }
          case Planner.Result.Planned p -> state.plan = p.plan().json();
        }
        steps.save();
      }
      Plan plan = new Plan(state.plan);
      if (state.outDir == null) state.outDir = cwd.resolve(plan.service()).toString();
      if (!state.force && nonEmpty(Path.of(state.outDir))) {
        return stop(state, staging, project, RunOutcome.Reason.FAILED, "the output directory " + state.outDir
            + " is not empty", "orchestrator resume " + state.buildId + " --force");
      }
      if (!state.done("scaffold")) steps.plain("scaffold", () -> scaffold(state, staging, project, plan));
      Implementer implementer = new Implementer(model, project, state);
      for (Ports.PendingOperation op : state.pending) {
        String step = "implement:" + op.operationId();
        if (state.done(step)) continue;
        steps.model(step, model.modelName(), tally -> implementer.implement(op, plan, tally));
      }
      // The document the project was scaffolded from, kept in the staging directory (see scaffold()).
      Path contract = state.openApiFile != null ? Path.of(state.openApiFile) : staging.resolve("openapi.json");
      FixLoop.Result result = new FixLoop(model, implementer, verifier, session.escalator(), project, contract, state,
          steps).run();
      if (result instanceof FixLoop.Result.GaveUp gaveUp) {
        return stop(state, staging, project, RunOutcome.Reason.FAILED, "the service does not verify: "
            + gaveUp.reason(), "orchestrator resume " + state.buildId + " --max-iterations "
            + (state.maxIterations + 2));
      }
      state.status = "verified";
      Path out = Path.of(state.outDir);
      RunReport.write(state, project);
      steps.plain("output", () -> {
        publish(project, out, state.buildId, state);
        return null;
      });
      var report = RunReport.json(state, out);
      journal.buildFinished(state.buildId, "verified", out);
      delete(staging);
      Files.deleteIfExists(runsDir.resolve(state.buildId));
      return new RunOutcome.Verified(state.buildId, out, "verified: " + plan.service() + " in " + out + " ("
          + state.totalTokens() + " tokens, " + state.iteration + " fix iteration" + (state.iteration == 1 ? "" : "s")
          + ")", report);
    } catch (ModelException e) {
      return stopOnModelError(state, staging, project, e.error());
    } catch (Steps.Stopped e) {
      return stop(state, staging, project, RunOutcome.Reason.INTERRUPTED, "stopped after step " + e.getMessage(),
          "orchestrator resume " + state.buildId);
    } catch (Ports.CannotVerify e) {
      return switch (e) {
        // Not a missing sandbox: once the network is back, the same build continues where it stopped.
        case Ports.NetworkNeeded n -> stop(state, staging, project, RunOutcome.Reason.NEEDS_NETWORK, n.getMessage(),
            "orchestrator resume " + state.buildId);
        case Ports.SandboxMissing m -> stop(state, staging, project, RunOutcome.Reason.NO_SANDBOX, m.getMessage(),
            "orchestrator resume " + state.buildId + " --unsafe-no-sandbox");
        case Ports.SetupFailed f -> stop(state, staging, project, RunOutcome.Reason.FAILED,
            "verification could not be set up: " + f.getMessage(), "orchestrator resume " + state.buildId);
      };
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return stop(state, staging, project, RunOutcome.Reason.INTERRUPTED, "interrupted",
          "orchestrator resume " + state.buildId);
    } catch (UncheckedScaffold e) {
      return stop(state, staging, project, RunOutcome.Reason.FAILED, "the planned OpenAPI document could not be "
          + "scaffolded: " + e.getMessage(), null);
    }
  }

  private Object scaffold(RunState state, Path staging, Path project, Plan plan) throws IOException {
    Path tmp = staging.resolve("project.tmp");
    delete(tmp);
    delete(project);
    Path doc;
    if (state.openApiFile != null) {
      doc = Path.of(state.openApiFile);
    } else {
      doc = staging.resolve("openapi.json");
      plan.openApi().write(doc);
    }
    Ports.Scaffolded scaffolded;
    try {
      scaffolded = scaffolder.scaffold(doc, state.stack, tmp);
    } catch (Ports.ScaffoldFailed e) {
      throw new UncheckedScaffold(e);
    }
    // The scaffold's tests that assert "501 until a model implements it" stop being true now; the plan's
    // acceptance scenarios take their place.
    try (Stream<Path> files = Files.walk(tmp.resolve("src/test"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (Files.readString(f).contains("// NEEDS MODEL")) Files.delete(f);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      // No tests at all: nothing to remove.
    }
    ScenarioTests.write(tmp, scaffolded.basePackage(), scaffolded.appStart(), plan.scenarios());
    // The plan's behaviours are for operations that are not plain CRUD; one it gives for an operation the scaffold
    // generated (an account that opens with balance 0) hands that handler to the model too, the CRUD code as its start.
    Map<String, String> behaviours = plan.behaviours();
    List<Ports.PendingOperation> handed = scaffolded.generated().stream()
        .filter(o -> behaviours.containsKey(o.operationId())).toList();
    parkScaffoldScenarios(tmp.resolve(SCAFFOLD_SCENARIOS), handed);
    state.knownFiles.clear();
    KnownFiles.recordScaffold(tmp, state);
    Files.move(tmp, project, StandardCopyOption.ATOMIC_MOVE);
    state.basePackage = scaffolded.basePackage();
    state.appStart = scaffolded.appStart();
    List<Ports.PendingOperation> pending = new ArrayList<>(scaffolded.pending());
    pending.addAll(handed);
    state.pending = pending;
    return null;
  }

  /** The scaffold's behavioural tests of its CRUD operations, as data. */
  static final String SCAFFOLD_SCENARIOS = "src/test/resources/scenarios.json";

  /**
   * Marks pending every scaffold scenario with a step on an operation handed to the model: they post placeholder
   * values and expect plain CRUD answers (a url "sample-1" stored as given), which the operation's rules may rightly
   * refuse. The plan's own acceptance scenarios and the check cover those operations instead.
   */
  private static void parkScaffoldScenarios(Path file, List<Ports.PendingOperation> handed) throws IOException {
    if (handed.isEmpty() || !Files.isRegularFile(file)) return;
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode root = json.readTree(file.toFile());
    for (com.fasterxml.jackson.databind.JsonNode scenario : root.path("scenarios")) {
      if (!(scenario instanceof com.fasterxml.jackson.databind.node.ObjectNode s)) continue;
      for (com.fasterxml.jackson.databind.JsonNode step : scenario.path("steps")) {
        String path = step.path("path").asText().replaceFirst("\\?.*", "");
        for (Ports.PendingOperation op : handed) {
          String template = "^" + op.path().replaceAll("\\{[^}/]+}", "[^/]+") + "/?$";
          if (op.method().equalsIgnoreCase(step.path("method").asText()) && path.matches(template)
              && !s.hasNonNull("pending")) {
            s.put("pending", "the model implements " + op.operationId() + " with the rules of its behaviour");
          }
        }
      }
    }
    Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(root));
  }

  /** Carries a scaffold refusal out of a step body that may only throw I/O errors. */
  private static final class UncheckedScaffold extends RuntimeException {
    UncheckedScaffold(Ports.ScaffoldFailed cause) {
      super(cause.getMessage(), cause, false, false);
    }
  }

  private RunOutcome stopOnModelError(RunState state, Path staging, Path project, ModelError error)
      throws IOException {
    String resume = "orchestrator resume " + state.buildId;
    return switch (error) {
      case ModelError.BudgetExhausted b -> stop(state, staging, project, RunOutcome.Reason.BUDGET,
          b.message(), resume + " --budget " + suggestedBudget(state, b));
      case ModelError.ConnectionRefused c -> unreachable(state, staging, project, c.message(), resume);
      case ModelError.Timeout t when t.phase() == ModelError.Timeout.Phase.CONNECT ->
          unreachable(state, staging, project, t.message(), resume);
      case ModelError.CircuitOpen c -> unreachable(state, staging, project, c.message(), resume);
      case ModelError.InvalidOutput i -> stop(state, staging, project, RunOutcome.Reason.FAILED,
          "the model's answer stayed unusable after re-asking: " + i.message(), resume + " --model <another>");
      default -> stop(state, staging, project, RunOutcome.Reason.MODEL_ERROR, error.message(), resume);
    };
  }

  private RunOutcome unreachable(RunState state, Path staging, Path project, String detail, String resume)
      throws IOException {
    return stop(state, staging, project, RunOutcome.Reason.UNREACHABLE, "no model reachable: " + detail
        + ". 'orchestrator build --openapi FILE' builds the CRUD part of a service without a model.", resume);
  }

  private RunOutcome stop(RunState state, Path staging, Path project, RunOutcome.Reason reason, String message,
      String resume) throws IOException {
    state.status = reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    state.statusDetail = message;
    state.save(staging);
    RunReport.write(state, Files.isDirectory(project) ? project : staging);
    journal.buildFinished(state.buildId, state.status, null);
    return new RunOutcome.Stopped(state.buildId, reason, staging, message + "\nstaging directory kept: " + staging,
        resume, RunReport.json(state, project));
  }

  private static String suggestedBudget(RunState state, ModelError.BudgetExhausted b) {
    BigDecimal limit = state.budgetUsd == null ? b.limit().usd() : new BigDecimal(state.budgetUsd);
    BigDecimal doubled = limit.signum() == 0 ? new BigDecimal("0.10") : limit.multiply(BigDecimal.TWO);
    return doubled.stripTrailingZeros().toPlainString();
  }

  private static Money remainingBudget(RunState state) {
    if (state.budgetUsd == null) return null;
    Money spent = Money.ZERO;
    for (RunState.StepRecord s : state.steps) spent = spent.plus(Money.usd(s.costUsd()));
    Money left = Money.usd(state.budgetUsd).minus(spent);
    return left.usd().signum() < 0 ? Money.ZERO : left;
  }

  /**
   * Moves the verified project into place in one rename; a replaced directory is removed only afterwards. The
   * sandbox has written in the project: what is not a regular file or a directory (links, devices, extra names of a
   * file) is removed first, so only regular files and directories are published.
   */
  private static void publish(Path project, Path out, String buildId, RunState state) throws IOException {
    for (UntrustedTree.Removed r : new UntrustedTree(project).sweep()) {
      state.refusals.add(new RunState.Refusal("output", r.path(), "not published: " + r.what()));
    }
    Files.createDirectories(out.getParent());
    Path replaced = null;
    if (Files.exists(out)) {
      replaced = out.resolveSibling("." + out.getFileName() + ".replaced-" + buildId);
      Files.move(out, replaced, StandardCopyOption.ATOMIC_MOVE);
    }
    try {
      Files.move(project, out, StandardCopyOption.ATOMIC_MOVE);
    } catch (DirectoryNotEmptyException e) {
      throw new IOException("cannot move the project into " + out + ": " + e.getMessage(), e);
    }
    if (replaced != null) new UntrustedTree(replaced).deleteAll();
  }

  private void index(String id, Path staging) throws IOException {
    Files.createDirectories(runsDir);
    Files.writeString(runsDir.resolve(id), staging.toAbsolutePath().toString());
  }

  private Path locate(String idOrDir) throws IOException {
    Path asDir = cwd.resolve(idOrDir);
    if (Files.isRegularFile(RunState.file(asDir))) return asDir;
    if (!idOrDir.matches("[A-Za-z0-9._-]+")) return null;
    // The ledger is the record of builds; the index under the data directory serves when there is no ledger.
    Path recorded = journal.stagingDir(idOrDir);
    if (recorded != null && Files.isRegularFile(RunState.file(recorded))) return recorded;
    Path entry = runsDir.resolve(idOrDir);
    if (!Files.isRegularFile(entry)) return null;
    return Path.of(Files.readString(entry).strip());
  }

  private static boolean nonEmpty(Path dir) throws IOException {
    if (!Files.exists(dir)) return false;
    if (!Files.isDirectory(dir)) return true;
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isPresent();
    }
  }

  /** Deletes a tree the sandbox may have written into: links are removed, never followed. */
  static void delete(Path dir) throws IOException {
    new UntrustedTree(dir).deleteAll();
  }
}
