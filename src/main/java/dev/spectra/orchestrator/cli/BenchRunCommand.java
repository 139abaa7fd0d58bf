package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.app.RunPipelines;
import dev.spectra.orchestrator.bench.RunBenchmark;
import dev.spectra.orchestrator.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator bench run}: tokens and wall time of one {@code run} of the example, scripted simulator. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = {"Tokens per build of examples/library-loans.txt (ledger count) and wall time per step.",
        "Runs the whole pipeline against the in-process simulator with scripted replies, verified in the sandbox."})
public final class BenchRunCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--json", description = "Print the figures as JSON.")
  Boolean json;

  @Option(names = "--unsafe-no-sandbox", description = "Verify without a sandbox when none exists.")
  Boolean unsafeNoSandbox;

  public BenchRunCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws IOException {
    boolean asJson = json != null && json;
    Path work = Files.createTempDirectory("orchestrator-bench-run-");
    JsonNode figures;
    try {
      boolean unsafe = unsafeNoSandbox != null && unsafeNoSandbox;
      figures = RunBenchmark.run(io.env(), work, (config, ledger, env, cwd) -> RunPipelines.create(config, ledger,
          env, cwd, new RunPipelines.Options(null, unsafe, asJson ? null : io.err(), false, null)));
    } catch (ConfigException e) {
      throw ExitException.usage(e.getMessage());
    } finally {
      deleteQuietly(work);
    }
    if (asJson) {
      io.out().println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(figures));
    } else {
      io.out().println("outcome: " + figures.path("outcome").asText());
      io.out().println("tokens per build (ledger): " + figures.path("ledgerTokens").asLong() + " ("
          + figures.path("ledgerTokensIn").asLong() + " in, " + figures.path("ledgerTokensOut").asLong() + " out, "
          + figures.path("ledgerCalls").asInt() + " calls); goal <= " + figures.path("goalTokens").asInt());
      io.out().println("wall time by step:");
      for (JsonNode s : figures.path("steps")) {
        io.out().printf("  %-24s %7.1f s %7d tokens%n", s.path("step").asText(), s.path("millis").asLong() / 1000.0,
            s.path("tokens").asInt());
      }
      io.out().printf("  %-24s %7.1f s (sandbox: %s)%n", "total", figures.path("wallMillis").asLong() / 1000.0,
          figures.path("sandbox").asText());
    }
    return "verified".equals(figures.path("outcome").asText()) ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private static void deleteQuietly(Path dir) {
    try (var walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind is not worth failing the benchmark over.
    }
  }
}
