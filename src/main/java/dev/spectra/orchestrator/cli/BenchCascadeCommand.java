package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.bench.CascadeBenchmark;
import dev.spectra.orchestrator.model.ModelException;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator bench cascade}: what the cascade adds to a call, ledger write included. */
@Command(name = "cascade", description = {
    "Measure what the cascade adds per call (retry, breaker, routing, budget, ledger write) against the bare",
    "provider call on the same in-process simulator endpoint, interleaved; and the chain alone over an instant model."})
public final class BenchCascadeCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--requests", paramLabel = "N", defaultValue = "2000",
      description = "Measured calls of each kind (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  public BenchCascadeCommand(Io io) { this.io = io; }

  @Override public Integer call() throws IOException {
    if (requests <= 0 || requests > 1_000_000) throw ExitException.usage("--requests must be 1..1000000, got " + requests);
    CascadeBenchmark.Result r;
    try {
      r = CascadeBenchmark.run(requests, Cascades::recordingInto, line -> {
        if (!quiet && !json) {
          io.err().println("bench cascade: " + line);
          io.err().flush();
        }
      });
    } catch (ModelException e) {
      throw new ExitException(ExitCodes.FAILED, "the simulator call failed: " + e.getMessage());
    }
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode root = mapper.createObjectNode();
      root.put("requests", r.requests());
      root.put("unit", "microseconds");
      root.set("bareHttp", mapper.valueToTree(r.bare()));
      root.set("cascadeHttp", mapper.valueToTree(r.chained()));
      root.set("pairedDelta", mapper.valueToTree(r.pairedDelta()));
      root.set("cascadeOverInstantModel", mapper.valueToTree(r.isolated()));
      root.put("ledgerRows", r.ledgerRows());
      root.put("expectedLedgerRows", r.expectedRows());
      root.put("ledgerCloseMicros", r.closeMicros());
      io.out().println(root.toPrettyString());
    } else {
      io.out().printf("%d interleaved calls, microseconds        p50      p90      p99     mean%n", r.requests());
      row("bare provider call (HTTP)", r.bare());
      row("through the cascade (HTTP)", r.chained());
      row("cascade minus bare, per pair", r.pairedDelta());
      row("cascade over an instant model", r.isolated());
      io.out().printf("ledger rows: %d of %d expected; commit at close took %d us%n", r.ledgerRows(), r.expectedRows(),
          r.closeMicros());
    }
    return r.ledgerRows() == r.expectedRows() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private void row(String label, CascadeBenchmark.Percentiles p) {
    io.out().printf("  %-36s %8.1f %8.1f %8.1f %8.1f%n", label, p.p50(), p.p90(), p.p99(), p.mean());
  }
}
