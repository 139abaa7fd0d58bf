package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.SetupException;
import dev.spectra.orchestrator.app.Verifiers;
import dev.spectra.orchestrator.check.CheckInputException;
import dev.spectra.orchestrator.check.Checker;
import dev.spectra.orchestrator.check.InputProblem;
import dev.spectra.orchestrator.scaffold.BuildHistory;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import dev.spectra.orchestrator.scaffold.BuildReport;
import dev.spectra.orchestrator.scaffold.ContractProblem;
import dev.spectra.orchestrator.scaffold.InvalidContractException;
import dev.spectra.orchestrator.scaffold.OpenApiBuild;
import dev.spectra.orchestrator.scaffold.OutputExistsException;
import dev.spectra.orchestrator.scaffold.ProgressListener;
import dev.spectra.orchestrator.scaffold.SandboxUnavailableException;
import dev.spectra.orchestrator.scaffold.Verifier;
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
    long t0 = System.nanoTime();
    ProgressListener progress = quiet ? ProgressListener.NONE : (step, detail) -> {
      // What the contract loader tolerated is said even with --json (stdout stays the report); progress is not.
      if (step.equals("warning")) io.err().println("warning: " + detail);
      else if (!json) io.err().printf("[%6.1fs] %-8s %s%n", (System.nanoTime() - t0) / 1e9, step, detail);
      io.err().flush();
    };
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
    BuildJournal journal = ledger == null ? BuildJournal.NONE : BuildJournal.ledger(ledger.ledger());
    try (ledger) {
      report = new OpenApiBuild(verifier.get(), Clock.systemUTC(), progress, new SecureRandom(), journal)
          .run(request);
    } catch (InvalidContractException e) {
      throw new ExitException(ExitCodes.USAGE, "the OpenAPI document cannot be built:\n" + e.problems().stream()
          .map(p -> "  " + p).collect(Collectors.joining("\n")));
    } catch (OutputExistsException e) {
      throw new ExitException(ExitCodes.USAGE, e.getMessage());
    } catch (SandboxUnavailableException e) {
      throw new ExitException(ExitCodes.NO_SANDBOX, e.getMessage());
    } catch (IOException e) {
      throw new ExitException(ExitCodes.FAILED, "the build could not be written (nothing was put in the output"
          + " directory): " + e.getMessage());
    }
    try {
      // The index keeps what the ledger does not: tests and operations per build, for 'builds'.
      new BuildHistory(Dirs.from(io.env()).buildHistoryFile()).append(report);
    } catch (IOException e) {
      io.err().println("warning: could not record the build in the builds index: " + e.getMessage());
    }
    if (json) {
      io.out().println(JSON.writeValueAsString(report));
    } else {
      var t = report.tests();
      io.out().printf("%s %s -> %s%n", report.passed() ? "built" : "built, but verification FAILED:",
          report.service(), report.out());
      io.out().printf("  operations: %d implemented, %d need a model%n", report.implementedCount(),
          report.needsModelCount());
      io.out().printf("  tests: %s (sandbox: %s)%n", t.compiled()
          ? t.run() + " run, " + t.passed() + " passed, " + t.failed() + " failed, " + t.skipped() + " pending"
          + (t.timedOut() ? ", timed out" : "")
          : "compilation failed", t.sandbox());
      io.out().printf("  start: %s (port from $PORT, default 8080)%n", String.join(" ", report.start().argv()));
      io.out().printf("  report: %s%n", Path.of(report.out()).resolve("BUILD-REPORT.md"));
    }
    io.out().flush();
    if (!report.passed()) {
      throw new ExitException(ExitCodes.FAILED, "verification failed; see " + Path.of(report.out())
          .resolve("BUILD-REPORT.md"));
    }
    return ExitCodes.OK;
  }

  /** The ledger, when it can be opened; a build still runs (and says so) without one. */
  private Ledgers.Handle openLedger() {
    try {
      return Ledgers.open(ModelFailures.loadConfig(io, Overrides.NONE), io.env(), io.err());
    } catch (ExitException | SetupException e) {
      io.err().println("warning: the build is not recorded in the ledger: " + e.getMessage());
      return null;
    }
  }
}
