package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.bench.DashboardBench;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.LedgerException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator bench ui}: how fast each dashboard page answers over a ledger of a million calls. */
@Command(name = "ui", mixinStandardHelpOptions = true, description = {
    "Seed a throwaway ledger with many calls (default: a million, over 60 days), serve the dashboard on a free",
    "loopback port and time each page. Default run: a few minutes, most of it seeding."})
public final class BenchUiCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--rows", paramLabel = "N", description = "Calls to seed (default: ${DEFAULT-VALUE}).")
  int rows = 1_000_000;

  @Option(names = "--days", paramLabel = "N", description = "Days the calls are spread over (default: ${DEFAULT-VALUE}).")
  int days = 60;

  @Option(names = "--runs", paramLabel = "N", description = "Timed requests per page (default: ${DEFAULT-VALUE}).")
  int runs = 20;

  @Option(names = "--passes", paramLabel = "N", description = "Timing passes over the one seeded ledger, each "
      + "reported (default: ${DEFAULT-VALUE}).")
  int passes = 3;

  @Option(names = "--db", paramLabel = "URL", description = "A JDBC URL to seed instead of a temporary SQLite file "
      + "(an empty PostgreSQL database, say). Never your real ledger: rows are added to it.")
  String db;

  @Option(names = "--json", description = "Print the timings as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  public BenchUiCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws Exception {
    if (rows <= 0) throw ExitException.usage("--rows must be > 0, got " + rows);
    if (days <= 0) throw ExitException.usage("--days must be > 0, got " + days);
    if (runs <= 0) throw ExitException.usage("--runs must be > 0, got " + runs);
    if (passes <= 0) throw ExitException.usage("--passes must be > 0, got " + passes);
    Path tmp = Files.createTempDirectory("orchestrator-bench-ui");
    try {
      Ledger ledger;
      try {
        ledger = db != null ? Ledger.open(db, Clock.systemUTC())
            : Ledger.openFile(tmp.resolve("ledger.db"), Clock.systemUTC());
      } catch (LedgerException e) {
        throw ExitException.usage(e.getMessage());
      }
      try (ledger) {
        GatewayKeys keys = new GatewayKeys(ledger.database(), Clock.systemUTC());
        String keyId = keys.create("bench", null, null, false).info().id();
        DashboardBench bench = new DashboardBench(this::progress);
        long t0 = System.nanoTime();
        bench.seed(ledger, rows, days, keyId, 42);
        double seedSeconds = (System.nanoTime() - t0) / 1e9;
        progress(String.format(Locale.ROOT, "seeded %,d calls in %.0f s; timing pages", rows, seedSeconds));
        List<List<DashboardBench.PageTiming>> all = new java.util.ArrayList<>();
        for (int p = 1; p <= passes; p++) {
          progress("pass " + p + " of " + passes);
          all.add(bench.time(ledger, keys, tmp, keyId, 3, runs));
        }
        print(all, seedSeconds, db != null ? "given database" : "sqlite");
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // A temporary directory left behind is harmless.
      }
    }
    return ExitCodes.OK;
  }

  private void print(List<List<DashboardBench.PageTiming>> passes, double seedSeconds, String engine) {
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("rows", rows);
      root.put("days", days);
      root.put("runs", runs);
      root.put("engine", engine);
      root.put("seedSeconds", Math.round(seedSeconds * 10) / 10.0);
      ArrayNode arr = root.putArray("passes");
      for (var timings : passes) {
        ArrayNode pages = arr.addArray();
        for (var t : timings) {
          pages.addObject().put("page", t.page()).put("medianMs", round(t.medianMs())).put("p95Ms", round(t.p95Ms()))
              .put("maxMs", round(t.maxMs())).put("bytes", t.bytes());
        }
      }
      io.out().println(root.toPrettyString());
      return;
    }
    io.out().printf(Locale.ROOT, "%,d calls over %d days (%s), %d timed requests per page, seeded in %.0f s%n", rows,
        days, engine, runs, seedSeconds);
    int n = 1;
    for (var timings : passes) {
      io.out().printf(Locale.ROOT, "pass %d%n%-55s %10s %10s %10s%n", n++, "page", "median ms", "p95 ms", "max ms");
      for (var t : timings) {
        io.out().printf(Locale.ROOT, "%-55s %10.1f %10.1f %10.1f%n", t.page(), t.medianMs(), t.p95Ms(), t.maxMs());
      }
    }
  }

  private static double round(double v) { return Math.round(v * 10) / 10.0; }

  private void progress(String line) {
    if (quiet) return;
    io.err().println(line);
    io.err().flush();
  }
}
