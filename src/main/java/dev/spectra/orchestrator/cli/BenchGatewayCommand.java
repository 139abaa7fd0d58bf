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
 * {@code orchestrator bench gateway}: added latency and throughput of the gateway against direct calls to the same
 * in-process simulator, side by side with the Portkey gateway when Node is available.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true, description = {
    "Measure the gateway's added latency (one client) and throughput (many clients) against direct calls to the",
    "same simulator, and against the Portkey gateway when node/npm are available. Default run: under a minute."})
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

  @Override public Integer call() throws InterruptedException {
    if (clients <= 0) throw ExitException.usage("--clients must be > 0, got " + clients);
    if (requests <= 0) throw ExitException.usage("--requests must be > 0, got " + requests);
    if (throughputRequests <= 0) throw ExitException.usage("--throughput-requests must be > 0, got " + throughputRequests);
    long t0 = System.nanoTime();
    GatewayBench bench = new GatewayBench(BODY, this::progress);
    try (BenchRig rig = BenchRig.start(Cascades::recordingInto)) {
      List<GatewayBench.Target> targets = new ArrayList<>();
      targets.add(new GatewayBench.Target("direct", rig.simulatorChatUrl(), Map.of()));
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
      progress("latency: one client, " + requests + " requests per target, targets interleaved");
      List<GatewayBench.Latency> latency = bench.latency(latencyTargets, Math.max(200, requests / 5), requests);
      List<GatewayBench.Throughput> throughput = new ArrayList<>();
      for (GatewayBench.Target t : targets) {
        progress("throughput: " + clients + " clients, " + throughputRequests + " requests to " + t.name());
        throughput.add(bench.throughput(t, clients, throughputRequests));
      }
      print(latency, throughput, rig.portkeyNote(), (System.nanoTime() - t0) / 1e9);
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

  private void print(List<GatewayBench.Latency> latency, List<GatewayBench.Throughput> throughput, String portkeyNote,
      double seconds) {
    GatewayBench.Latency direct = find(latency, l -> l.target().equals("direct"));
    GatewayBench.Latency ours = find(latency, l -> l.target().equals("orchestrator"));
    GatewayBench.Latency portkey = find(latency, l -> l.target().equals("portkey"));
    GatewayBench.Throughput tDirect = find(throughput, t -> t.target().equals("direct"));
    GatewayBench.Throughput tOurs = find(throughput, t -> t.target().equals("orchestrator"));
    GatewayBench.Throughput tPortkey = find(throughput, t -> t.target().equals("portkey"));
    double addedP50 = ours.p50Ms() - direct.p50Ms();
    double addedP99 = ours.p99Ms() - direct.p99Ms();
    double vsDirect = tOurs.requestsPerSecond() / tDirect.requestsPerSecond();
    Double vsPortkey = tPortkey == null ? null : tOurs.requestsPerSecond() / tPortkey.requestsPerSecond();
    String command = "orchestrator bench gateway --clients " + clients + " --requests " + requests
        + " --throughput-requests " + throughputRequests + (noPortkey ? " --no-portkey" : "");
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("command", command);
      ArrayNode lat = root.putArray("latency");
      for (GatewayBench.Latency l : latency) lat.add(m.valueToTree(l));
      ArrayNode thr = root.putArray("throughput");
      for (GatewayBench.Throughput t : throughput) thr.add(m.valueToTree(t));
      ObjectNode goals = root.putObject("goals");
      goals.put("added_p50_ms", addedP50);
      goals.put("added_p50_ok", addedP50 <= 0.5);
      goals.put("added_p99_ms", addedP99);
      goals.put("added_p99_ok", addedP99 <= 2.0);
      goals.put("throughput_vs_direct", vsDirect);
      goals.put("throughput_vs_direct_ok", vsDirect >= 0.8);
      if (vsPortkey == null) goals.putNull("throughput_vs_portkey"); else goals.put("throughput_vs_portkey", vsPortkey);
      if (vsPortkey == null) goals.putNull("throughput_vs_portkey_ok"); else goals.put("throughput_vs_portkey_ok", vsPortkey >= 2.0);
      if (portkeyNote == null) root.putNull("portkey_note"); else root.put("portkey_note", portkeyNote);
      root.put("seconds", seconds);
      io.out().println(root.toPrettyString());
      io.out().flush();
      return;
    }
    var out = io.out();
    out.println("Gateway benchmark (upstream: in-process simulator, profile perfect, no simulated latency)");
    out.println();
    out.printf("One client, %d requests per target (ms):%n", requests);
    out.printf("  %-14s %8s %8s %8s %8s %7s%n", "target", "p50", "p90", "p99", "mean", "errors");
    for (GatewayBench.Latency l : latency) {
      out.printf("  %-14s %8.3f %8.3f %8.3f %8.3f %7d%n", l.target(), l.p50Ms(), l.p90Ms(), l.p99Ms(), l.meanMs(), l.errors());
    }
    out.printf("  added by orchestrator: p50 %+.3f ms (goal <= 0.5) %s, p99 %+.3f ms (goal <= 2) %s%n", addedP50,
        mark(addedP50 <= 0.5), addedP99, mark(addedP99 <= 2.0));
    GatewayBench.Latency alone = find(latency, l -> l.target().equals("gateway-alone"));
    if (alone != null) {
      out.printf("  gateway-alone (in-process model, no cascade, no upstream exchange): p50 %.3f ms, p99 %.3f ms%n",
          alone.p50Ms(), alone.p99Ms());
    }
    if (portkey != null) {
      out.printf("  added by portkey:      p50 %+.3f ms, p99 %+.3f ms%n", portkey.p50Ms() - direct.p50Ms(),
          portkey.p99Ms() - direct.p99Ms());
    }
    out.println();
    out.printf("%d concurrent clients, %d requests per target:%n", clients, throughputRequests);
    out.printf("  %-14s %10s %8s %7s%n", "target", "req/s", "seconds", "errors");
    for (GatewayBench.Throughput t : throughput) {
      out.printf("  %-14s %10.0f %8.2f %7d%n", t.target(), t.requestsPerSecond(), t.seconds(), t.errors());
    }
    out.printf("  orchestrator / direct:  %.2f (goal >= 0.80) %s%n", vsDirect, mark(vsDirect >= 0.8));
    if (vsPortkey != null) out.printf("  orchestrator / portkey: %.2f (goal >= 2.00) %s%n", vsPortkey, mark(vsPortkey >= 2.0));
    if (portkeyNote != null) out.println("  portkey: " + portkeyNote);
    out.println();
    out.printf("Took %.1f s. Command: %s%n", seconds, command);
    out.flush();
  }

  private static String mark(boolean ok) {
    return ok ? "ok" : "MISSED";
  }
}
