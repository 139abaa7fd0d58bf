package dev.spectra.orchestrator.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Measures what a gateway adds on top of its upstream: latency with one client (targets interleaved request by
 * request, so drift on a shared machine hits all of them alike) and throughput with many concurrent clients. The
 * same JDK HTTP client drives every target, so its own cost is in every figure and cancels out of the differences.
 */
public final class GatewayBench {

  /** One endpoint to measure: a chat-completions URL and the headers it needs (e.g. Portkey's upstream headers). */
  public record Target(String name, URI chatUrl, Map<String, String> headers) {
    public Target {
      headers = Map.copyOf(headers);
    }
  }

  /** Single-client latency of one target, in milliseconds. */
  public record Latency(String target, int requests, int errors, double p50Ms, double p90Ms, double p99Ms,
      double meanMs) {}

  /** Throughput of one target under {@code clients} concurrent clients. */
  public record Throughput(String target, int clients, int requests, int errors, double seconds,
      double requestsPerSecond) {}

  private final String body;
  private final Consumer<String> progress;

  /** @param body the chat-completions request body every target receives */
  public GatewayBench(String body, Consumer<String> progress) {
    this.body = body;
    this.progress = progress;
  }

  /** One client, {@code warmup} unmeasured rounds then {@code requests} measured ones, targets interleaved. */
  public List<Latency> latency(List<Target> targets, int warmup, int requests) throws InterruptedException {
    long[][] nanos = new long[targets.size()][requests];
    int[] errors = new int[targets.size()];
    // Closed at the end: its selector thread and connections would otherwise outlive the measurement.
    try (HttpClient client = client(1)) {
      for (int i = 0; i < warmup; i++) {
        for (Target t : targets) call(client, t);
        stopIfInterrupted();
      }
      for (int i = 0; i < requests; i++) {
        stopIfInterrupted();
        for (int t = 0; t < targets.size(); t++) {
          long t0 = System.nanoTime();
          if (!call(client, targets.get(t))) errors[t]++;
          nanos[t][i] = System.nanoTime() - t0;
        }
        if ((i + 1) % Math.max(1, requests / 4) == 0) progress.accept("latency: " + (i + 1) + "/" + requests + " rounds");
      }
    }
    List<Latency> out = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      long[] n = nanos[t];
      Arrays.sort(n);
      double mean = Arrays.stream(n).average().orElse(0) / 1e6;
      out.add(new Latency(targets.get(t).name(), requests, errors[t], pct(n, 50), pct(n, 90), pct(n, 99), mean));
    }
    return out;
  }

  /** {@code clients} virtual threads share {@code requests} requests; after a short warm-up of the same shape. */
  public Throughput throughput(Target target, int clients, int requests) throws InterruptedException {
    return throughput(List.of(target), clients, requests, 1).getFirst();
  }

  /**
   * Throughput of every target under {@code clients} concurrent clients: first a warm-up of every target (a tenth
   * of the requests, at least one per client, unmeasured), then {@code requests} per target in {@code slices}
   * rounds that take the targets in turn, so a change of load on a shared machine falls on all of them alike
   * rather than on whichever target ran last. Each target keeps its own client, so its connections stay warm.
   */
  public List<Throughput> throughput(List<Target> targets, int clients, int requests, int slices)
      throws InterruptedException {
    int rounds = Math.max(1, Math.min(slices, requests));
    List<HttpClient> clientsOf = new ArrayList<>();
    long[] nanos = new long[targets.size()];
    int[] errors = new int[targets.size()];
    int[] done = new int[targets.size()];
    try {
      for (Target t : targets) {
        HttpClient c = client(clients);
        clientsOf.add(c);
        progress.accept("throughput warm-up: " + t.name());
        run(c, t, clients, Math.max(clients, requests / 10));
      }
      for (int r = 0; r < rounds; r++) {
        int share = requests / rounds + (r < requests % rounds ? 1 : 0);
        for (int t = 0; t < targets.size(); t++) {
          long t0 = System.nanoTime();
          errors[t] += run(clientsOf.get(t), targets.get(t), clients, share);
          nanos[t] += System.nanoTime() - t0;
          done[t] += share;
        }
        progress.accept("throughput: round " + (r + 1) + "/" + rounds + " of " + clients + " clients done");
      }
    } finally {
      clientsOf.forEach(HttpClient::close);
    }
    List<Throughput> out = new ArrayList<>();
    for (int t = 0; t < targets.size(); t++) {
      double seconds = nanos[t] / 1e9;
      out.add(new Throughput(targets.get(t).name(), clients, done[t], errors[t], seconds, done[t] / seconds));
    }
    return out;
  }

  private static void stopIfInterrupted() throws InterruptedException {
    if (Thread.interrupted()) throw new InterruptedException("benchmark interrupted");
  }

  private int run(HttpClient client, Target target, int clients, int requests) throws InterruptedException {
    stopIfInterrupted();
    AtomicInteger left = new AtomicInteger(requests);
    AtomicInteger errors = new AtomicInteger();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        all.add(pool.submit(() -> {
          while (left.getAndDecrement() > 0) if (!call(client, target)) errors.incrementAndGet();
        }));
      }
      for (Future<?> f : all) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          errors.incrementAndGet();
        } catch (InterruptedException e) {
          // Ctrl-C: no client takes another request, the ones in flight are interrupted, then the rig closes.
          left.set(0);
          pool.shutdownNow();
          throw e;
        }
      }
    }
    return errors.get();
  }

  private boolean call(HttpClient client, Target t) {
    HttpRequest.Builder b = HttpRequest.newBuilder(t.chatUrl()).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    t.headers().forEach(b::header);
    try {
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200 && r.body().length > 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static HttpClient client(int clients) {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
  }

  private static double pct(long[] sorted, int p) {
    if (sorted.length == 0) return 0;
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }

  /** {@code added} = this target's figure minus the baseline's, per percentile. */
  public static Map<String, Double> added(Latency target, Latency baseline) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("p50_ms", target.p50Ms() - baseline.p50Ms());
    m.put("p99_ms", target.p99Ms() - baseline.p99Ms());
    return m;
  }
}
