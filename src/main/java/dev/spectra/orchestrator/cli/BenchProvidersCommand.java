package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.bench.ProviderBenchmark;
import dev.spectra.orchestrator.model.ModelException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator bench providers}: what the provider layer adds to a call, against a bare HttpClient call. */
@Command(name = "providers", description = {
    "Measure the provider layer's added cost per call against a bare JDK HttpClient call to the same in-process",
    "simulator endpoint: p50 and p99, non-streaming and streaming, per protocol. Goal: <= 200 us added at p50."})
public final class BenchProvidersCommand implements Callable<Integer> {
  static final double GOAL_MICROS = 200.0;

  private final Io io;

  @Option(names = "--requests", paramLabel = "N", defaultValue = "400",
      description = "Measured call pairs per protocol and mode (default ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "200",
      description = "Unmeasured call pairs first, so the JIT has compiled both paths (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--protocol", paramLabel = "P", split = ",", defaultValue = "openai,ollama,anthropic",
      description = "Protocols to measure: openai, ollama, anthropic (default all).")
  List<String> protocols;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  public BenchProvidersCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws IOException, InterruptedException {
    if (requests < 10) throw ExitException.usage("--requests must be >= 10 for a p99, got " + requests);
    if (warmup < 0) throw ExitException.usage("--warmup must be >= 0, got " + warmup);
    for (String p : protocols) {
      if (!List.of("openai", "ollama", "anthropic").contains(p)) {
        throw ExitException.usage("unknown --protocol '" + p + "'; expected openai, ollama or anthropic");
      }
    }
    List<ProviderBenchmark.Result> results;
    long t0 = System.nanoTime();
    try {
      results = ProviderBenchmark.run(new ProviderBenchmark.Settings(protocols, requests, warmup), line -> {
        if (!json) {
          io.err().printf("bench providers: %s (%.0f s elapsed)%n", line, (System.nanoTime() - t0) / 1e9);
          io.err().flush();
        }
      });
    } catch (ModelException e) {
      throw new ExitException(ExitCodes.FAILED, "the benchmark's own simulator call failed: " + e.error().message());
    }
    boolean met = results.stream().allMatch(r -> r.addedP50Micros() <= GOAL_MICROS);
    if (json) printJson(results, met);
    else printText(results, met);
    return ExitCodes.OK;
  }

  private void printText(List<ProviderBenchmark.Result> results, boolean met) {
    String fmt = "%-10s %-14s %6s %10s %10s %10s %10s %11s %11s %13s%n";
    io.out().printf(fmt, "PROTOCOL", "MODE", "CALLS", "BARE p50", "BARE p99", "PROV p50", "PROV p99", "ADDED p50",
        "ADDED p99", "PAIRED p50");
    for (ProviderBenchmark.Result r : results) {
      io.out().printf(fmt, r.protocol(), r.streaming() ? "streaming" : "non-streaming", r.requests(),
          us(r.bareP50Micros()), us(r.bareP99Micros()), us(r.providerP50Micros()), us(r.providerP99Micros()),
          us(r.addedP50Micros()), us(r.addedP99Micros()), us(r.pairedAddedP50Micros()));
    }
    io.out().println();
    io.out().println("Times in microseconds per call. ADDED = provider minus bare at the same percentile; PAIRED = "
        + "median of per-pair differences.");
    io.out().printf("Goal (added p50 <= %.0f us): %s%n", GOAL_MICROS, met ? "met" : "NOT met");
  }

  private static String us(double micros) {
    return String.format("%.1f", micros);
  }

  private void printJson(List<ProviderBenchmark.Result> results, boolean met) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("goalAddedP50Micros", GOAL_MICROS);
    root.put("goalMet", met);
    ArrayNode list = root.putArray("results");
    for (ProviderBenchmark.Result r : results) list.add(mapper.valueToTree(r));
    io.out().println(root.toPrettyString());
  }
}
