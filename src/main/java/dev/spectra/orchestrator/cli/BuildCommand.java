package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.SetupException;
import dev.spectra.orchestrator.app.Verifiers;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.check.CheckInputException;
import dev.spectra.orchestrator.check.Checker;
import dev.spectra.orchestrator.check.InputProblem;
import dev.spectra.orchestrator.scaffold.BuildHistory;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import dev.spectra.orchestrator.scaffold.BuildReport;
import dev.spectra.orchestrator.scaffold.ContractProblem;
import dev.spectra.orchestrator.scaffold.InvalidContractException;
import dev.spectra.orchestrator.verify.NetworkNeededException;
import dev.spectra.orchestrator.scaffold.OpenApiBuild;
import dev.spectra.orchestrator.scaffold.OutputExistsException;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.VerifySetupException;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyResult;
import dev.spectra.orchestrator.config.Overrides;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator build --openapi FILE}: a verified service from a contract, with no model. */
@Command(name = "build", mixinStandardHelpOptions = true,
    description = {"Build a service from an OpenAPI contract, tested in a sandbox (no model needed).",
        "CRUD operations are implemented; other operations answer 501 and are reported as needing a model.",
        "The project is built in a staging directory and moved into --out only when complete."})
public final class BuildCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Io io;
  private final Supplier<Optional<Verifier>> verifier;

  @Option(names = "--openapi", required = true, paramLabel = "FILE",
      description = "OpenAPI 3.0/3.1 document, YAML or JSON.")
  Path openapi;

  @Option(names = "--stack", paramLabel = "NAME", description = "Target stack (default: javalin).")
  String stack;

  @Option(names = "--out", paramLabel = "DIR", description = "Output directory (default: build/<service-name>).")
  Path out;

  @Option(names = "--force", description = "Replace a non-empty --out (the old one stays until the new one is complete).")
  boolean force;

  @Option(names = "--unsafe-no-sandbox",
      description = "When no sandbox (bubblewrap) is available, compile and run the generated tests unsandboxed.")
  boolean unsafeNoSandbox;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wall-clock limit of verification (default: 180).")
  Integer timeoutSeconds;

  @Option(names = "--strict", description = "Refuse every spec violation of the contract (by default, harmless"
      + " ones are tolerated and listed as warnings with their location).")
  boolean strict;

  @Option(names = "--scenarios", paramLabel = "FILE|DIR",
      description = "Scenario file or directory (format of 'orchestrator check', docs/check.md) run against the"
          + " service in the sandbox during verification (repeatable).")
  List<Path> scenarios = new ArrayList<>();

  @Option(names = "--json", description = "Print the build report as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  @Option(names = "--verbose", description = "Progress in detail: every file downloaded into the dependency cache.")
  boolean verbose;

  public BuildCommand(Io io) {
    // Looked up when the command runs, not when the CLI is assembled for some other command.
    this(io, () -> Optional.of(Verifiers.sandboxed(io.env())));
  }

  /** For tests: a given verifier (or none). */
  BuildCommand(Io io, Supplier<Optional<Verifier>> verifier) {
    this.io = io;
    this.verifier = verifier;
  }

  @Override public Integer call() throws Exception {
    if (timeoutSeconds != null && timeoutSeconds <= 0) {
      throw new ExitException(ExitCodes.USAGE, "--timeout must be a positive number of seconds");
    }
    ProgressListener progress = ProgressLine.forCommand(io, quiet, json, verbose);
    if (json && !quiet) {
      // What the contract loader tolerated is said even with --json (stdout stays the report); progress is not.
      progress = (step, detail) -> {
        if (step.equals("warning")) {
          io.err().println("warning: " + detail);
          io.err().flush();
        }
      };
    }
    List<Path> scenarioPaths = scenarios.stream().map(p -> io.cwd().resolve(p).normalize()).toList();
    try {
      // Refused before anything is built: inside the sandbox a bad file could only fail the check.
      Checker.validateScenarios(scenarioPaths);
    } catch (CheckInputException e) {
      for (InputProblem p : e.problems()) io.err().println("error: " + p);
      return ExitCodes.USAGE;
    }
    var request = new OpenApiBuild.Request(openapi, stack, out, force, unsafeNoSandbox,
        timeoutSeconds == null ? null : Duration.ofSeconds(timeoutSeconds), io.cwd(), strict, scenarioPaths);
    BuildReport report;
    Ledgers.Handle ledger = openLedger();
    BuildJournal journal = ledger == null ? BuildJournal.NONE : Ledgers.buildJournal(ledger.ledger());
    try (ledger) {
      report = new OpenApiBuild(verifier.get(), Clock.systemUTC(), progress, new SecureRandom(), journal)
          .run(request);
    } catch (InvalidContractException e) {
      throw new ExitException(ExitCodes.USAGE, "the OpenAPI document cannot be built:\n" + e.problems().stream()
          .map(p -> "  " + p).collect(Collectors.joining("\n")));
    } catch (OutputExistsException e) {
      throw new ExitException(ExitCodes.USAGE, e.getMessage());
    } catch (InterruptedException e) {
      throw new ExitException(ExitCodes.INTERRUPTED, "interrupted: the build stopped before it was complete, so "
          + (out == null ? "the output directory" : out) + " was left as it was (the half-built project in its"
          + " staging directory was removed). Run the same command again to build from the start.");
    } catch (NetworkNeededException e) {
      throw new ExitException(ExitCodes.NEEDS_NETWORK, e.getMessage());
    } catch (VerifySetupException e) {
      throw new ExitException(ExitCodes.FAILED, e.getMessage());
    } catch (SandboxUnavailableException e) {
      throw new ExitException(ExitCodes.NO_SANDBOX, e.getMessage());
    } catch (IOException e) {
      throw new ExitException(ExitCodes.FAILED, "the build could not be written (nothing was put in the output"
          + " directory): " + e.getMessage());
    } finally {
      if (progress instanceof ProgressLine line) line.finish();
    }
    try {
      // The index keeps what the ledger does not: tests and operations per build, for 'builds'.
      new BuildHistory(Dirs.from(io.env()).buildHistoryFile()).append(report);
    } catch (IOException e) {
      io.err().println("warning: could not record the build in the builds index: " + e.getMessage());
    }
    if (VerifyResult.NONE_TEMPLATE.equals(report.tests().sandbox()) && !json) {
      io.err().println("note: bubblewrap is not installed, so this template-generated code (no model-written code) was"
          + " tested without a sandbox; `run` needs one: " + DoctorCommand.BUBBLEWRAP_INSTALL);
    }
    if (json) {
      io.out().println(JSON.writeValueAsString(report));
    } else {
      var t = report.tests();
      io.out().printf("%s %s -> %s%n", report.passed() ? "built" : "built, but verification FAILED:",
          report.service(), report.out());
      io.out().printf("  operations: %d implemented, %d need a model%n", report.implementedCount(),
          report.needsModelCount());
      io.out().printf("  tests: %s (sandbox: %s)%n", t.summary(), t.sandbox());
      io.out().printf("  start: %s (port from $PORT, default 8080)%n", String.join(" ", report.start().argv()));
      io.out().printf("  report: %s%n", Path.of(report.out()).resolve("BUILD-REPORT.md"));
    }
    io.out().flush();
    if (!report.passed()) {
      throw ExitException.afterResult(ExitCodes.FAILED, (report.tests().timedOut() ? "verification timed out" : "verification failed")
          + "; see " + Path.of(report.out())
          .resolve("BUILD-REPORT.md"));
    }
    return ExitCodes.OK;
  }

  /** The ledger, when it can be opened; a build still runs (and says so) without one. */
  private Ledgers.Handle openLedger() {
    // Bad configuration stops the build (exit 2, naming file:line) like every command; only the ledger is optional.
    var config = ModelFailures.loadConfig(io, Overrides.NONE);
    try {
      return Ledgers.open(config, io.env(), io.err());
    } catch (ExitException | SetupException e) {
      io.err().println("warning: the build is not recorded in the ledger: " + e.getMessage());
      return null;
    }
  }
}
