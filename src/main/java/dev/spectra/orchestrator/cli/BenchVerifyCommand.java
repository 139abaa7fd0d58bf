package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spectra.orchestrator.app.Verifiers;
import dev.spectra.orchestrator.bench.VerifyBench;
import dev.spectra.orchestrator.scaffold.InvalidContractException;
import dev.spectra.orchestrator.verify.NetworkNeededException;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.VerifySetupException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator bench verify}: sandboxed verify against plain {@code mvn test} on one generated project. */
@Command(name = "verify", description = {
    "Time the sandboxed verify against a plain 'mvn -o test' on the same generated project.",
    "Scaffolds the contract, warms the dependency cache, then alternates both tools: 'clean' (target/ deleted,",
    "everything compiles) and 'unchanged' (nothing to compile, every test runs). Reports medians and ratios."})
public final class BenchVerifyCommand implements Callable<Integer> {
  static final String DEFAULT_OPENAPI = "examples/bookshop-api.yaml";

  private final Io io;

  @Option(names = "--openapi", paramLabel = "FILE",
      description = "OpenAPI contract to scaffold and measure (default: " + DEFAULT_OPENAPI + ").")
  Path openapi;

  @Option(names = "--repetitions", paramLabel = "N", defaultValue = "3",
      description = "Runs of each tool in each situation; medians are reported (default: ${DEFAULT-VALUE}).")
  int repetitions;

  @Option(names = "--json", description = "Print the report as JSON on stdout, with every sample.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  public BenchVerifyCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws Exception {
    if (repetitions < 1) throw ExitException.usage("--repetitions must be at least 1, got " + repetitions);
    Path contract = resolveContract();
    ProgressListener progress = ProgressLine.forCommand(io, quiet, json, false);
    VerifyBench.Report report;
    try {
      report = new VerifyBench(Verifiers.sandboxed(io.env())).run(new VerifyBench.Options(contract, repetitions, progress));
    } catch (InvalidContractException e) {
      throw ExitException.usage(e.getMessage());
    } catch (NetworkNeededException e) {
      throw new ExitException(ExitCodes.NEEDS_NETWORK, e.getMessage());
    } catch (VerifySetupException e) {
      throw new ExitException(ExitCodes.FAILED, e.getMessage());
    } catch (SandboxUnavailableException e) {
      throw new ExitException(ExitCodes.NO_SANDBOX, e.getMessage());
    } catch (IOException e) {
      throw new ExitException(ExitCodes.FAILED, e.getMessage());
    } finally {
      if (progress instanceof ProgressLine line) line.finish();
    }
    if (json) {
      io.out().println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
      return ExitCodes.OK;
    }
    io.out().printf("bench verify: %s, %d tests, %s, %s, %d CPUs, %d repetitions%n", report.openapi(),
        report.testsRun(), report.sandbox(), report.java(), report.cpus(), report.repetitions());
    io.out().printf("%-10s %22s %22s %7s%n", "situation", "sandboxed verify (ms)", "mvn -o test (ms)", "ratio");
    for (VerifyBench.Comparison c : report.comparisons()) {
      io.out().printf(Locale.ROOT, "%-10s %22s %22s %7.2f%n", c.situation(), fmt(c.sandboxedVerify()),
          fmt(c.mavenTest()), c.ratio());
    }
    io.out().println("medians (min-max); Maven: " + report.mavenCommand());
    return ExitCodes.OK;
  }

  private Path resolveContract() {
    if (openapi != null) {
      Path p = io.cwd().resolve(openapi);
      if (!Files.isRegularFile(p)) throw ExitException.usage("--openapi " + openapi + ": no such file");
      return p;
    }
    // The default example ships with the orchestrator; find it from the install when not run from the checkout.
    for (Path base : new Path[] {io.cwd(), installDir()}) {
      if (base == null) continue;
      Path p = base.resolve(DEFAULT_OPENAPI);
      if (Files.isRegularFile(p)) return p;
    }
    throw ExitException.usage(DEFAULT_OPENAPI + " not found; pass --openapi FILE");
  }

  private static Path installDir() {
    String home = System.getProperty("orchestrator.home");
    return home == null || home.isBlank() ? null : Path.of(home);
  }

  private static String fmt(VerifyBench.Stats s) {
    return s.median() + " (" + s.min() + "-" + s.max() + ")";
  }
}
