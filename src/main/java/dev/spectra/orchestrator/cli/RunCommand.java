package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.RunPipelines;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.queue.BuildJob;
import dev.spectra.orchestrator.queue.Job;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JobRecord;
import dev.spectra.orchestrator.queue.QueueException;
import dev.spectra.orchestrator.run.RunOutcome;
import dev.spectra.orchestrator.run.RunPipeline;
import dev.spectra.orchestrator.run.RunRequest;
import dev.spectra.orchestrator.scaffold.Scaffolder;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orchestrator run "Build a service that ..."}: plan, implement, verify and fix with the model. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Builds a verified service from a sentence: plan, scaffold, implement, verify, fix.",
        "CRUD comes from the deterministic scaffold; the model writes only the rest, and nothing is called done",
        "until it compiles and passes its tests in the sandbox."})
public final class RunCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final Io io;

  @Parameters(index = "0", arity = "0..1", paramLabel = "REQUEST",
      description = "What to build, in a sentence, or @FILE to read it from a file.")
  String request;

  @Option(names = "--openapi", paramLabel = "FILE",
      description = "Your OpenAPI 3 document: authoritative; the model only plans behaviours and scenarios.")
  Path openApi;

  @Option(names = "--stack", paramLabel = "NAME", description = "Stack of the generated project (default: javalin).")
  String stack;

  @Option(names = "--out", paramLabel = "DIR", description = "Where the verified project goes (default: a folder named after the service, here).")
  Path out;

  @Option(names = "--model", paramLabel = "M", description = "Catalog model to use (default: the configured one).")
  String model;

  @Option(names = "--route", paramLabel = "POLICY",
      description = "Routing policy instead of one model (local-first, hybrid, cheapest-passing, fixed).")
  String route;

  @Option(names = "--max-iterations", paramLabel = "N", defaultValue = "3",
      description = "Fix iterations at most (default: ${DEFAULT-VALUE}).")
  Integer maxIterations;

  @Option(names = "--budget", paramLabel = "USD", description = "Most the whole build may spend, in US dollars.")
  BigDecimal budget;

  @Option(names = "--submit", description = "Queue the build for 'orchestrator worker' processes instead of running "
      + "it here; prints its id. Needs a PostgreSQL ORCHESTRATOR_DB_URL and an absolute --out the workers reach.")
  boolean submit;




  @Mixin BuildFlags flags = new BuildFlags();

  public RunCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws IOException {
    if (model != null && route != null) throw ExitException.usage("--model and --route exclude each other");
    if (maxIterations < 0) throw ExitException.usage("--max-iterations must be 0 or more, got " + maxIterations);
    if (budget != null && budget.signum() < 0) throw ExitException.usage("--budget must be 0 or more, got " + budget);
    if (stack != null && !Scaffolder.stacks().contains(stack)) {
      throw ExitException.usage("--stack " + stack + ": unknown; available: " + String.join(", ", Scaffolder.stacks()));
    }
    String text = requestText(request);
    Config config = config(io);
    if (submit) return submit(config, text);
    try (Ledgers.Handle ledger = Ledgers.open(config, io.env(), io.err())) {
      RunPipeline pipeline = pipeline(io, config, ledger, model != null ? model : route, flags.unsafeNoSandbox,
          flags.silent());
      RunOutcome outcome = pipeline.run(new RunRequest(text, openApi, stack, out, maxIterations,
          budget == null ? null : new Money(budget), flags.force));
      return print(io, outcome, flags.json);
    }
  }

  /**
   * {@code run --submit}: checks what can be checked here (model name, documents, output directory), then queues the
   * build with everything a worker on another machine needs.
   */
  private int submit(Config config, String text) throws IOException {
    if (out == null) {
      throw ExitException.usage("--submit needs --out DIR: an absolute directory that the workers can reach (they "
          + "write the service there)");
    }
    if (!out.isAbsolute()) {
      throw ExitException.usage("--out " + out + ": with --submit give an absolute path; a worker writes the "
          + "service there, on its own machine, so it must name the same place for every worker (a shared disk)");
    }
    String openApiText = null;
    if (openApi != null) {
      Path file = io.cwd().resolve(openApi).normalize();
      if (!Files.isRegularFile(file)) throw ExitException.usage("--openapi " + openApi + ": no such file");
      openApiText = Files.readString(file);
    }
    if (text.isBlank() && openApi == null) {
      throw ExitException.usage("nothing to build: give a request (\"Build a service that ...\" or @FILE) or "
          + "--openapi FILE");
    }
    if (!flags.force && Files.isDirectory(out)) {
      try (var entries = Files.list(out)) {
        if (entries.findAny().isPresent()) {
          throw ExitException.usage("--out " + out + " is not empty: choose another directory or pass --force to "
              + "replace it");
        }
      }
    }
    try (Ledgers.Handle ledger = Ledgers.open(config, io.env(), io.err())) {
      // The model or policy must be known here too; the workers resolve it again with their own configuration.
      pipeline(io, config, ledger, model != null ? model : route, flags.unsafeNoSandbox, true);
      JobQueue queue;
      try {
        queue = JobQueue.in(ledger.ledger().database(), java.time.Clock.systemUTC());
      } catch (QueueException e) {
        throw ExitException.usage(e.getMessage());
      }
      String id = "run-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
          .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now()) + "-"
          + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current()
              .nextInt(1 << 16));
      BuildJob job = new BuildJob(text, openApi == null ? null : openApi.getFileName().toString(), openApiText, stack,
          out.normalize().toString(), maxIterations, budget == null ? null : budget.toPlainString(), flags.force,
          model != null ? model : route, flags.unsafeNoSandbox);
      queue.submit(new Job(id, Job.Kind.BUILD, null, job.toJson()));
      String follow = "orchestrator builds " + id;
      if (flags.json) {
        ObjectNode node = JSON.createObjectNode();
        node.put("build_id", id).put("status", JobRecord.QUEUED).put("out", job.out()).put("follow", follow);
        io.out().println(JSON.writeValueAsString(node));
      } else {
        io.out().println("queued build " + id + " (output: " + job.out() + ")");
        io.out().println("  follow it: " + follow);
      }
      return ExitCodes.OK;
    }
  }

  private String requestText(String arg) {
    if (arg == null) return "";
    if (!arg.startsWith("@")) return arg;
    Path file = io.cwd().resolve(arg.substring(1));
    try {
      return Files.readString(file).strip();
    } catch (NoSuchFileException e) {
      throw ExitException.usage("cannot read the request from " + arg.substring(1) + ": no such file " + file
          + " (after @ comes the path of a text file with the request)");
    } catch (IOException e) {
      throw ExitException.usage("cannot read the request from " + arg.substring(1) + ": " + e.getMessage());
    }
  }

  static Config config(Io io) {
    return ModelFailures.loadConfig(io, Overrides.NONE);
  }

  static RunPipeline pipeline(Io io, Config config, Ledgers.Handle ledger, String model, boolean unsafe,
      boolean silent) {
    try {
      return RunPipelines.create(config, ledger.ledger(), io.env(), io.cwd(), new RunPipelines.Options(model, unsafe,
          silent ? null : io.err(), System.console() != null, null));
    } catch (IllegalArgumentException e) {
      throw ExitException.usage(e.getMessage());
    }
  }

  /** Prints an outcome and returns its exit code; shared with {@code resume}. */
  static int print(Io io, RunOutcome outcome, boolean json) throws IOException {
    int code = switch (outcome) {
      case RunOutcome.Verified v -> ExitCodes.OK;
      case RunOutcome.ClarificationNeeded c -> ExitCodes.USAGE;
      case RunOutcome.BadInput b -> ExitCodes.USAGE;
      case RunOutcome.Stopped s -> switch (s.reason()) {
        case FAILED -> ExitCodes.FAILED;
        case BUDGET -> ExitCodes.BUDGET;
        case UNREACHABLE -> ExitCodes.UNREACHABLE;
        case MODEL_ERROR -> ExitCodes.MODEL_ERROR;
        case NO_SANDBOX -> ExitCodes.NO_SANDBOX;
        case NEEDS_NETWORK -> ExitCodes.NEEDS_NETWORK;
        case INTERRUPTED -> ExitCodes.INTERRUPTED;
      };
    };
    if (json) {
      ObjectNode node = JSON.createObjectNode();
      node.put("status", status(outcome));
      if (outcome.buildId() != null) node.put("buildId", outcome.buildId());
      node.put("message", outcome.message());
      if (outcome instanceof RunOutcome.Verified v) node.put("out", v.out().toString());
      if (outcome instanceof RunOutcome.Stopped s) {
        node.put("staging", s.staging().toString());
        if (s.resumeCommand() != null) node.put("resume", s.resumeCommand());
      }
      node.put("exitCode", code);
      if (outcome.report() != null) node.set("report", outcome.report());
      io.out().println(JSON.writeValueAsString(node));
      return code;
    }
    switch (outcome) {
      case RunOutcome.Verified v -> {
        var totals = v.report().path("totals");
        io.out().println(v.message());
        io.out().println("  tokens " + totals.path("tokens").asInt() + ", cost $" + totals.path("costUsd").asText()
            + ", saved $" + totals.path("savedUsd").asText() + ", escalations "
            + v.report().path("escalations").size() + "; report: " + v.out().resolve("BUILD-REPORT.md"));
      }
      case RunOutcome.ClarificationNeeded c -> throw ExitException.usage("the request needs more detail: "
          + c.message());
      case RunOutcome.BadInput b -> throw ExitException.usage(b.message());
      case RunOutcome.Stopped s -> {
        io.err().println("error: " + s.message());
        if (s.resumeCommand() != null) io.err().println("to continue: " + s.resumeCommand());
      }
    }
    return code;
  }

  private static String status(RunOutcome outcome) {
    return switch (outcome) {
      case RunOutcome.Verified v -> "verified";
      case RunOutcome.ClarificationNeeded c -> "clarification-needed";
      case RunOutcome.BadInput b -> "bad-input";
      case RunOutcome.Stopped s -> s.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    };
  }
}
