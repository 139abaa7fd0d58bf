package dev.spectra.orchestrator.bench;

import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.model.TokenListener;
import dev.spectra.orchestrator.model.Usage;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeBuilder;
import dev.spectra.orchestrator.reliability.CascadeSettings;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import dev.spectra.orchestrator.structured.StructuredOptions;
import dev.spectra.orchestrator.structured.StructuredOutput;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Measures what the cascade adds to a model call: retry, circuit breaker, routing, structured-output pass-through,
 * budget reservation and the ledger write (a real SQLite file), in two ways:
 *
 * <ul>
 *   <li><b>over HTTP</b>: the bare provider call and the same call through the cascade, interleaved pair by pair
 *       (alternating which goes first) against one in-process simulator endpoint, so both see the same server and
 *       machine noise;
 *   <li><b>isolated</b>: the cascade over an in-process model that answers at once, so the figure is the chain's own
 *       cost without network jitter hiding it.
 * </ul>
 */
public final class CascadeBenchmark {
  /**
   * Percentiles in microseconds.
   *
   * @param bare the provider call alone over HTTP
   * @param chained the same call through the cascade over HTTP
   * @param pairedDelta chained minus bare of each interleaved pair
   * @param isolated the cascade over an instant in-process model
   * @param ledgerRows rows the ledger held after the run (must equal the cascade calls made)
   * @param closeMicros time to commit the queued rows at close
   */
  public record Result(int requests, Percentiles bare, Percentiles chained, Percentiles pairedDelta,
      Percentiles isolated, long ledgerRows, long expectedRows, long closeMicros) {}

  public record Percentiles(double p50, double p90, double p99, double mean) {
    static Percentiles of(long[] nanos) {
      long[] s = nanos.clone();
      Arrays.sort(s);
      double mean = Arrays.stream(s).average().orElse(0) / 1000.0;
      return new Percentiles(at(s, 50), at(s, 90), at(s, 99), Math.round(mean * 10) / 10.0);
    }

    private static double at(long[] sorted, int p) {
      if (sorted.length == 0) return 0;
      int rank = (int) Math.ceil(p / 100.0 * sorted.length);
      return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 100.0) / 10.0;
    }
  }

  private CascadeBenchmark() {}

  /** Runs {@code requests} measured pairs (after a warm-up of the same size, at most 500) and reports progress. */
  public static Result run(int requests, LedgerRecording recording, Consumer<String> progress)
      throws IOException, ModelException {
    Path dir = Files.createTempDirectory("cascade-bench");
    int warmup = Math.min(requests, 500);
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(1));
        Providers providers = new Providers(Secrets.none(), Providers.Options.DEFAULTS)) {
      // A paid model, so the budget guard reserves and settles on every call, as it would for a cloud fallback.
      ModelSpec spec = new ModelSpec("bench-model", ProviderKind.OPENAI_COMPATIBLE, URI.create(sim.baseUrl() + "/v1"),
          "gpt-4o-mini", false, Price.perMillion("0.15", "0.60"), 128_000, EnumSet.of(Capability.STREAMING),
          Timeouts.CLOUD_DEFAULT, null, 64);
      Model bare = providers.model(spec);
      CascadeSettings settings = CascadeSettings.defaults(List.of(spec), "bench", List.of("bench-model"))
          .withBudgets(new CascadeSettings.Budgets(Money.usd("1000000"), null, false, 64));
      StructuredOptions options = StructuredOptions.defaults();
      ModelRequest request = ModelRequest.of("Say hello.").withMaxTokens(16);
      long[] bareNs = new long[requests];
      long[] chainNs = new long[requests];
      long[] deltaNs = new long[requests];
      long[] isolatedNs = new long[requests];
      long rows;
      long closeMicros;
      Ledger ledger = Ledger.openFile(dir.resolve("ledger.db"), Clock.systemUTC());
      try {
        Cascade cascade = recording.into(new CascadeBuilder(settings).providers(s -> bare)
            .structuredOutput((m, s) -> new StructuredOutput(m, s, options)), ledger).build();
        Model instant = new InstantModel();
        Cascade isolated = recording.into(new CascadeBuilder(settings).providers(s -> instant)
            .structuredOutput((m, s) -> new StructuredOutput(m, s, options)), ledger).build();
        progress.accept("warming up (" + warmup + " calls each)");
        for (int i = 0; i < warmup; i++) {
          bare.chat(request);
          cascade.chat(request);
          isolated.chat(request);
        }
        progress.accept("measuring " + requests + " interleaved pairs");
        for (int i = 0; i < requests; i++) {
          long b;
          long c;
          if ((i & 1) == 0) {
            b = time(bare, request);
            c = time(cascade, request);
          } else {
            c = time(cascade, request);
            b = time(bare, request);
          }
          bareNs[i] = b;
          chainNs[i] = c;
          deltaNs[i] = c - b;
          isolatedNs[i] = time(isolated, request);
          if (i > 0 && i % 1000 == 0) progress.accept(i + "/" + requests);
        }
        ledger.flush();
        rows = ledger.calls(Ledger.CallFilter.latest(Integer.MAX_VALUE)).size();
      } finally {
        long t0 = System.nanoTime();
        ledger.close();
        closeMicros = (System.nanoTime() - t0) / 1000;
      }
      return new Result(requests, Percentiles.of(bareNs), Percentiles.of(chainNs), Percentiles.of(deltaNs),
          Percentiles.of(isolatedNs), rows, 2L * (warmup + requests), closeMicros);
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) Files.deleteIfExists(p);
      }
      Files.deleteIfExists(dir);
    }
  }

  private static long time(Model model, ModelRequest request) throws ModelException {
    long t0 = System.nanoTime();
    model.chat(request);
    return System.nanoTime() - t0;
  }

  /** Answers at once, so only the chain is measured. */
  private static final class InstantModel implements Model {
    private static final Usage USAGE = new Usage(12, 4, false);

    @Override public String name() { return "instant"; }

    @Override public ModelReply chat(ModelRequest request, TokenListener listener) {
      return new ModelReply("Hello.", null, USAGE, FinishReason.STOP, "instant", "instant", Duration.ZERO,
          Duration.ZERO, null, null, List.of());
    }
  }
}
