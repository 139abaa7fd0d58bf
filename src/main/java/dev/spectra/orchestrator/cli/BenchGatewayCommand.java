package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.bench.BenchRig;
import dev.spectra.orchestrator.bench.GatewayBench;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orchestrator bench gateway}: added latency and throughput of the gateway, side by side in one run with
 * direct calls to the same in-process simulator, a minimal relay on the gateway's own server and client stack (the
 * floor for one more hop), and the Portkey gateway when Node is available.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = {
    "Measure the gateway's added latency (one client) and throughput (many clients) against direct calls to the",
    "same simulator, a minimal Java relay on the same server and client stack (the floor for the extra hop), and",
    "against the Portkey gateway when node/npm are available. Default run: about a minute per round."})
public final class BenchGatewayCommand implements Callable<Integer> {
  static final String BODY = "{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}],"
      + "\"max_tokens\":16}";

  private final Io io;

  @Option(names = "--clients", paramLabel = "N", description = "Concurrent clients for throughput (default: ${DEFAULT-VALUE}).")
  int clients = 100;

  @Option(names = "--requests", paramLabel = "N", description = "Measured single-client requests per target (default: ${DEFAULT-VALUE}).")
  int requests = 2000;

  @Option(names = "--throughput-requests", paramLabel = "N", description = "Requests per target in the throughput run (default: ${DEFAULT-VALUE}).")
  int throughputRequests = 10000;

  @Option(names = "--warmup", paramLabel = "N", description = "Unmeasured single-client rounds over every target before "
      + "the measured ones, each run (default: a fifth of --requests, at least 200).")
  Integer warmup;

  @Option(names = "--warmup-rounds", paramLabel = "N", description = "Whole rounds (latency and throughput, same "
      + "shape as the measured ones) run and discarded before the first measured one: the servers' request paths "
      + "keep getting faster over the first tens of thousands of requests as the JIT compiles them, the gateway's "
      + "longer path most (default: ${DEFAULT-VALUE}).")
  int discardedRounds = 2;

  @Option(names = "--runs", paramLabel = "N", description = "Consecutive rounds, each with its own warm-up, latency and "
      + "throughput; the figures are printed per round and as a range (default: ${DEFAULT-VALUE}).")
  int runs = 1;

  @Option(names = "--no-portkey", description = "Skip the Portkey comparison.")
  boolean noPortkey;

  @Option(names = "--portkey-dir", paramLabel = "DIR", description = "Where Portkey is (or gets) npm-installed (default: ~/.cache/orchestrator/portkey).")
  Path portkeyDir;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  public BenchGatewayCommand(Io io) {
    this.io = io;
  }

  /** Added p50 of the gateway at most this multiple of the minimal relay's. */
  static final double ADDED_P50_VS_RELAY_GOAL = 1.2;
  /** Throughput with many clients at least this multiple of Portkey's, in every round. */
  static final double THROUGHPUT_VS_PORTKEY_GOAL = 2.0;
  /** Throughput rounds per run: the targets take turns this many times. */
  private static final int SLICES = 4;

  /** One round's figures and the ratios the goals are about. */
  record Round(int run, List<GatewayBench.Latency> latency, List<GatewayBench.Throughput> throughput) {
    GatewayBench.Latency latencyOf(String target) {
      return find(latency, l -> l.target().equals(target));
    }

    GatewayBench.Throughput throughputOf(String target) {
      return find(throughput, t -> t.target().equals(target));
    }

    /** {@return p50 of {@code target} minus direct's, or null when either was not measured} */
    Double addedP50(String target) {
      GatewayBench.Latency l = latencyOf(target);
      GatewayBench.Latency d = latencyOf("direct");
      return l == null || d == null ? null : l.p50Ms() - d.p50Ms();
    }

    Double addedP99(String target) {
      GatewayBench.Latency l = latencyOf(target);
      GatewayBench.Latency d = latencyOf("direct");
      return l == null || d == null ? null : l.p99Ms() - d.p99Ms();
    }

    /** {@return the gateway's added p50 over the relay's; null when the relay added nothing measurable} */
    Double addedP50VsRelay() {
      Double ours = addedP50("orchestrator");
      Double relay = addedP50("relay");
      return ours == null || relay == null || relay <= 0 ? null : ours / relay;
    }

    /** {@return the gateway's requests per second over {@code target}'s, or null when it was not measured} */
    Double throughputVs(String target) {
      GatewayBench.Throughput ours = throughputOf("orchestrator");
      GatewayBench.Throughput other = throughputOf(target);
      return ours == null || other == null || other.requestsPerSecond() <= 0 ? null
          : ours.requestsPerSecond() / other.requestsPerSecond();
    }
  }

  @Override public Integer call() throws InterruptedException {
    if (clients <= 0) throw ExitException.usage("--clients must be > 0, got " + clients);
    if (requests <= 0) throw ExitException.usage("--requests must be > 0, got " + requests);
    if (throughputRequests <= 0) throw ExitException.usage("--throughput-requests must be > 0, got " + throughputRequests);
    if (runs <= 0) throw ExitException.usage("--runs must be > 0, got " + runs);
    if (warmup != null && warmup < 0) throw ExitException.usage("--warmup must be >= 0, got " + warmup);
    if (discardedRounds < 0) throw ExitException.usage("--warmup-rounds must be >= 0, got " + discardedRounds);
    int warmupRounds = warmup != null ? warmup : Math.max(200, requests / 5);
    long t0 = System.nanoTime();
    GatewayBench bench = new GatewayBench(BODY, this::progress);
    try (BenchRig rig = BenchRig.start(Cascades::recordingInto)) {
      List<GatewayBench.Target> targets = new ArrayList<>();
      targets.add(new GatewayBench.Target("direct", rig.simulatorChatUrl(), Map.of()));
      targets.add(new GatewayBench.Target("relay", rig.relayChatUrl(), Map.of()));
      targets.add(new GatewayBench.Target("orchestrator", rig.gatewayChatUrl(), Map.of()));
      if (noPortkey) {
        rig.dropPortkey("skipped (--no-portkey)");
      } else {
        Path dir = portkeyDir != null ? io.cwd().resolve(portkeyDir) : Dirs.from(io.env()).cache().resolve("portkey");
        progress("starting Portkey from " + dir);
        rig.startPortkey(dir, this::progress);
        rig.portkeyChatUrl().ifPresent(u -> targets.add(new GatewayBench.Target("portkey", u, rig.portkeyHeaders())));
      }
      // Each target must answer correctly before it is timed: a fast error is not a fast gateway.
      for (GatewayBench.Target t : List.copyOf(targets)) {
        GatewayBench.Latency probe = bench.latency(List.of(t), 0, 3).getFirst();
        if (probe.errors() > 0) {
          if (t.name().equals("portkey")) {
            targets.remove(t);
            rig.dropPortkey("Portkey did not answer 200 through its custom-host route; skipped");
          } else {
            throw new ExitException(ExitCodes.FAILED, t.name() + " did not answer 200 to the benchmark request");
          }
        }
      }
      // Latency only: the gateway in front of an in-process model, to split its own cost from the upstream exchange.
      List<GatewayBench.Target> latencyTargets = new ArrayList<>(targets);
      GatewayBench.Target alone = new GatewayBench.Target("gateway-alone", rig.gatewayAloneChatUrl(), Map.of());
      if (bench.latency(List.of(alone), 0, 3).getFirst().errors() > 0) {
        throw new ExitException(ExitCodes.FAILED, "gateway-alone did not answer 200 to the benchmark request");
      }
      latencyTargets.add(alone);
      for (int r = 1; r <= discardedRounds; r++) {
        progress("warm-up round " + r + "/" + discardedRounds + " (unmeasured): one client, " + warmupRounds + " + "
            + requests + " rounds; " + clients + " clients, " + throughputRequests + " requests per target");
        bench.latency(latencyTargets, warmupRounds, requests);
        bench.throughput(targets, clients, throughputRequests, SLICES);
      }
      List<Round> rounds = new ArrayList<>();
      for (int run = 1; run <= runs; run++) {
        String of = runs > 1 ? "run " + run + "/" + runs + ": " : "";
        progress(of + "latency: one client, " + warmupRounds + " warm-up rounds then " + requests
            + " requests per target, targets interleaved");
        List<GatewayBench.Latency> latency = bench.latency(latencyTargets, warmupRounds, requests);
        progress(of + "throughput: " + clients + " clients, warm-up then " + throughputRequests
            + " requests per target, targets in turn");
        List<GatewayBench.Throughput> throughput = bench.throughput(targets, clients, throughputRequests, SLICES);
        Round round = new Round(run, latency, throughput);
        rounds.add(round);
        if (runs > 1) progress(of + summaryLine(round));
      }
      print(rounds, rig.portkeyNote(), (System.nanoTime() - t0) / 1e9);
      return ExitCodes.OK;
    } catch (IOException e) {
      throw new ExitException(ExitCodes.FAILED, "cannot start the benchmark: " + e.getMessage());
    }
  }

  private void progress(String line) {
    if (quiet || json) return;
    io.err().println("[bench gateway] " + line);
    io.err().flush();
  }

  private static <T> T find(List<T> list, java.util.function.Predicate<T> p) {
    return list.stream().filter(p).findFirst().orElse(null);
  }

  private static String summaryLine(Round r) {
    return String.format(java.util.Locale.ROOT, "added p50 orchestrator %s ms, relay %s ms (%s of the relay's); "
        + "throughput orchestrator / portkey %s", fmt(r.addedP50("orchestrator"), "%+.3f"),
        fmt(r.addedP50("relay"), "%+.3f"), fmt(r.addedP50VsRelay(), "%.2fx"), fmt(r.throughputVs("portkey"), "%.2f"));
  }

  private static String fmt(Double v, String format) {
    return v == null ? "n/a" : String.format(java.util.Locale.ROOT, format, v);
  }

  /** {@return min and max of a ratio over the rounds that measured it, or null when none did} */
  private static double[] range(List<Round> rounds, java.util.function.Function<Round, Double> f) {
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    int n = 0;
    for (Round r : rounds) {
      Double v = f.apply(r);
      if (v == null) continue;
      min = Math.min(min, v);
      max = Math.max(max, v);
      n++;
    }
    return n == 0 ? null : new double[] {min, max};
  }

  /** {@return whether every round met the goal; null when no round measured it} */
  private static Boolean everyRound(List<Round> rounds, java.util.function.Function<Round, Double> f,
      java.util.function.DoublePredicate ok) {
    boolean any = false;
    for (Round r : rounds) {
      Double v = f.apply(r);
      if (v == null) return any ? Boolean.FALSE : null;
      if (!ok.test(v)) return false;
      any = true;
    }
    return any ? Boolean.TRUE : null;
  }

  private String command() {
    return "orchestrator bench gateway --clients " + clients + " --requests " + requests + " --throughput-requests "
        + throughputRequests + (warmup != null ? " --warmup " + warmup : "")
        + (discardedRounds != 2 ? " --warmup-rounds " + discardedRounds : "") + (runs != 1 ? " --runs " + runs : "") + (noPortkey ? " --no-portkey" : "");
  }

  private void print(List<Round> rounds, String portkeyNote, double seconds) {
    java.util.function.Function<Round, Double> vsRelay = Round::addedP50VsRelay;
    java.util.function.Function<Round, Double> vsPortkey = r -> r.throughputVs("portkey");
    Boolean latencyOk = everyRound(rounds, vsRelay, v -> v <= ADDED_P50_VS_RELAY_GOAL);
    Boolean throughputOk = everyRound(rounds, vsPortkey, v -> v >= THROUGHPUT_VS_PORTKEY_GOAL);
    if (json) {
      printJson(rounds, portkeyNote, seconds, latencyOk, throughputOk);
      return;
    }
    var out = io.out();
    out.println("Gateway benchmark (upstream: in-process simulator, profile perfect, no simulated latency)");
    out.println("Targets: direct = the simulator itself; relay = a minimal pass-through on the gateway's server and");
    out.println("client stack (the floor for one more hop); orchestrator = the gateway (cascade + ledger); portkey.");
    for (Round r : rounds) {
      out.println();
      if (rounds.size() > 1) out.printf("Run %d of %d%n", r.run(), rounds.size());
      out.printf("One client, %d requests per target after a warm-up, targets interleaved (ms):%n", requests);
      out.printf("  %-14s %8s %8s %8s %8s %9s %7s%n", "target", "p50", "p90", "p99", "mean", "added p50", "errors");
      for (GatewayBench.Latency l : r.latency()) {
        Double added = l.target().equals("direct") ? null : r.addedP50(l.target());
        out.printf("  %-14s %8.3f %8.3f %8.3f %8.3f %9s %7d%n", l.target(), l.p50Ms(), l.p90Ms(), l.p99Ms(),
            l.meanMs(), fmt(added, "%+.3f"), l.errors());
      }
      out.printf("  orchestrator added p50 / relay added p50: %s (goal <= %.1f) %s%n", fmt(r.addedP50VsRelay(), "%.2f"),
          ADDED_P50_VS_RELAY_GOAL, mark(r.addedP50VsRelay(), v -> v <= ADDED_P50_VS_RELAY_GOAL));
      out.printf("  orchestrator added p99: %s ms (relay %s ms)%n", fmt(r.addedP99("orchestrator"), "%+.3f"),
          fmt(r.addedP99("relay"), "%+.3f"));
      out.printf("%d concurrent clients, %d requests per target after a warm-up, targets in %d turns:%n", clients,
          throughputRequests, SLICES);
      out.printf("  %-14s %10s %8s %7s%n", "target", "req/s", "seconds", "errors");
      for (GatewayBench.Throughput t : r.throughput()) {
        out.printf("  %-14s %10.0f %8.2f %7d%n", t.target(), t.requestsPerSecond(), t.seconds(), t.errors());
      }
      out.printf("  orchestrator / portkey: %s (goal >= %.1f) %s%n", fmt(r.throughputVs("portkey"), "%.2f"),
          THROUGHPUT_VS_PORTKEY_GOAL, mark(r.throughputVs("portkey"), v -> v >= THROUGHPUT_VS_PORTKEY_GOAL));
      out.printf("  orchestrator / relay: %s, orchestrator / direct: %s%n", fmt(r.throughputVs("relay"), "%.2f"),
          fmt(r.throughputVs("direct"), "%.2f"));
    }
    if (rounds.size() > 1) {
      out.println();
      out.printf("Across %d runs (min-max):%n", rounds.size());
      out.printf("  orchestrator added p50:            %s ms%n", rangeText(rounds, r -> r.addedP50("orchestrator"), "%+.3f"));
      out.printf("  relay added p50:                   %s ms%n", rangeText(rounds, r -> r.addedP50("relay"), "%+.3f"));
      out.printf("  portkey added p50:                 %s ms%n", rangeText(rounds, r -> r.addedP50("portkey"), "%+.3f"));
      out.printf("  orchestrator / relay, added p50:   %s (goal <= %.1f in every run) %s%n",
          rangeText(rounds, vsRelay, "%.2f"), ADDED_P50_VS_RELAY_GOAL, verdict(latencyOk));
      out.printf("  orchestrator / portkey, req/s:     %s (goal >= %.1f in every run) %s%n",
          rangeText(rounds, vsPortkey, "%.2f"), THROUGHPUT_VS_PORTKEY_GOAL, verdict(throughputOk));
      out.printf("  orchestrator / relay, req/s:       %s%n", rangeText(rounds, r -> r.throughputVs("relay"), "%.2f"));
      out.printf("  orchestrator / direct, req/s:      %s%n", rangeText(rounds, r -> r.throughputVs("direct"), "%.2f"));
    }
    if (portkeyNote != null) out.println("  portkey: " + portkeyNote);
    out.println();
    out.printf("Took %.1f s. Command: %s%n", seconds, command());
    out.flush();
  }

  private static String rangeText(List<Round> rounds, java.util.function.Function<Round, Double> f, String format) {
    double[] r = range(rounds, f);
    return r == null ? "n/a" : fmt(r[0], format) + " to " + fmt(r[1], format);
  }

  private void printJson(List<Round> rounds, String portkeyNote, double seconds, Boolean latencyOk,
      Boolean throughputOk) {
    ObjectMapper m = new ObjectMapper();
    ObjectNode root = m.createObjectNode();
    root.put("command", command());
    ArrayNode runsNode = root.putArray("runs");
    for (Round r : rounds) {
      ObjectNode run = runsNode.addObject();
      run.put("run", r.run());
      ArrayNode lat = run.putArray("latency");
      for (GatewayBench.Latency l : r.latency()) lat.add(m.valueToTree(l));
      ArrayNode thr = run.putArray("throughput");
      for (GatewayBench.Throughput t : r.throughput()) thr.add(m.valueToTree(t));
      ObjectNode added = run.putObject("added_p50_ms");
      for (String t : List.of("relay", "orchestrator", "portkey", "gateway-alone")) putOrNull(added, t, r.addedP50(t));
      putOrNull(run, "added_p99_ms_orchestrator", r.addedP99("orchestrator"));
      putOrNull(run, "added_p50_vs_relay", r.addedP50VsRelay());
      putOrNull(run, "throughput_vs_portkey", r.throughputVs("portkey"));
      putOrNull(run, "throughput_vs_relay", r.throughputVs("relay"));
      putOrNull(run, "throughput_vs_direct", r.throughputVs("direct"));
    }
    ObjectNode ranges = root.putObject("ranges");
    putRange(ranges, "added_p50_ms_orchestrator", range(rounds, r -> r.addedP50("orchestrator")));
    putRange(ranges, "added_p50_ms_relay", range(rounds, r -> r.addedP50("relay")));
    putRange(ranges, "added_p50_ms_portkey", range(rounds, r -> r.addedP50("portkey")));
    putRange(ranges, "added_p50_vs_relay", range(rounds, Round::addedP50VsRelay));
    putRange(ranges, "throughput_vs_portkey", range(rounds, r -> r.throughputVs("portkey")));
    putRange(ranges, "throughput_vs_relay", range(rounds, r -> r.throughputVs("relay")));
    putRange(ranges, "throughput_vs_direct", range(rounds, r -> r.throughputVs("direct")));
    ObjectNode goals = root.putObject("goals");
    goals.put("added_p50_vs_relay_max", ADDED_P50_VS_RELAY_GOAL);
    if (latencyOk == null) goals.putNull("added_p50_vs_relay_ok"); else goals.put("added_p50_vs_relay_ok", latencyOk);
    goals.put("throughput_vs_portkey_min", THROUGHPUT_VS_PORTKEY_GOAL);
    if (throughputOk == null) goals.putNull("throughput_vs_portkey_ok");
    else goals.put("throughput_vs_portkey_ok", throughputOk);
    if (portkeyNote == null) root.putNull("portkey_note"); else root.put("portkey_note", portkeyNote);
    root.put("seconds", seconds);
    io.out().println(root.toPrettyString());
    io.out().flush();
  }

  private static void putOrNull(ObjectNode node, String field, Double v) {
    if (v == null) node.putNull(field); else node.put(field, v);
  }

  private static void putRange(ObjectNode node, String field, double[] r) {
    if (r == null) {
      node.putNull(field);
      return;
    }
    ObjectNode o = node.putObject(field);
    o.put("min", r[0]);
    o.put("max", r[1]);
  }

  private static String mark(Double v, java.util.function.DoublePredicate ok) {
    return v == null ? "" : ok.test(v) ? "ok" : "MISSED";
  }

  private static String verdict(Boolean ok) {
    return ok == null ? "(not measured)" : ok ? "met" : "MISSED";
  }
}
