package dev.spectra.orchestrator.gateway;

import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and latency histograms, exposed in the Prometheus text format (version 0.0.4). Labels are only catalog
 * model names, HTTP statuses and error codes: never message text, keys or prompts, so nothing secret can reach a
 * scrape. Unknown model names asked by clients are not labels (that would let any client grow the series set).
 */
final class GatewayMetrics {
  /** Seconds; spans a cached local reply to a slow cloud generation. */
  static final double[] BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

  private final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> fallbacks = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> promptTokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> completionTokens = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DoubleAdder> cost = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, DoubleAdder> saved = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Histogram> latency = new ConcurrentHashMap<>();
  private final AtomicLong inFlight = new AtomicLong();
  /**
   * Label text per model name and per model and status, made once: every request counts under them, and building
   * and hashing fresh strings each time was a visible share of the gateway's own cost. Bounded like the series set
   * itself (names are catalog names); past the bound a label is built per call, as before.
   */
  private final ConcurrentHashMap<String, String> modelLabels = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentHashMap<Integer, String>> requestKeys = new ConcurrentHashMap<>();
  private static final int LABEL_CACHE = 1024;

  void request(String model, int status) {
    requests.computeIfAbsent(requestKey(model, status), k -> new LongAdder()).increment();
  }

  void failure(String code) {
    failures.computeIfAbsent(label("type", code), k -> new LongAdder()).increment();
  }

  /** Records what a finished call consumed, per model that actually ran. */
  void served(String requestedModel, String servedModel, List<Attempt> attempts, Usage totalUsage, Money totalCost,
      Money totalSaved, Duration elapsed) {
    int switches = 0;
    for (int i = 1; i < attempts.size(); i++) {
      if (!attempts.get(i).model().equals(attempts.get(i - 1).model())) switches++;
    }
    if (switches > 0) fallbacks.computeIfAbsent(modelLabel(requestedModel), k -> new LongAdder()).add(switches);
    if (attempts.isEmpty()) {
      count(servedModel == null ? requestedModel : servedModel, totalUsage, totalCost, totalSaved);
    } else {
      for (Attempt a : attempts) count(a.model(), a.usage(), a.cost(), a.saved());
    }
    latency.computeIfAbsent(modelLabel(servedModel == null ? requestedModel : servedModel), k -> new Histogram())
        .observe(elapsed.toNanos() / 1e9);
  }

  private void count(String model, Usage usage, Money c, Money s) {
    String l = modelLabel(model);
    promptTokens.computeIfAbsent(l, k -> new LongAdder()).add(usage.promptTokens());
    completionTokens.computeIfAbsent(l, k -> new LongAdder()).add(usage.completionTokens());
    // The series exists from the first call; a free call adds nothing (and skips the decimal conversion).
    if (c != null) add(cost.computeIfAbsent(l, k -> new DoubleAdder()), c);
    if (s != null) add(saved.computeIfAbsent(l, k -> new DoubleAdder()), s);
  }

  private static void add(DoubleAdder sum, Money m) {
    if (m.usd().signum() != 0) sum.add(m.usd().doubleValue());
  }

  private String modelLabel(String model) {
    if (model == null) return label("model", null);
    String cached = modelLabels.get(model);
    if (cached != null) return cached;
    String l = label("model", model);
    if (modelLabels.size() < LABEL_CACHE) modelLabels.putIfAbsent(model, l);
    return l;
  }

  private String requestKey(String model, int status) {
    ConcurrentHashMap<Integer, String> byStatus = model == null ? null : requestKeys.get(model);
    String cached = byStatus == null ? null : byStatus.get(status);
    if (cached != null) return cached;
    String key = modelLabel(model) + "," + label("status", Integer.toString(status));
    if (model != null && requestKeys.size() < LABEL_CACHE) {
      ConcurrentHashMap<Integer, String> m = requestKeys.computeIfAbsent(model, k -> new ConcurrentHashMap<>());
      if (m.size() < 64) m.putIfAbsent(status, key);
    }
    return key;
  }

  void enter() { inFlight.incrementAndGet(); }

  void leave() { inFlight.decrementAndGet(); }

  long inFlight() { return inFlight.get(); }

  String exposition() {
    StringBuilder sb = new StringBuilder(4096);
    counter(sb, "orchestrator_gateway_requests_total", "Chat completion requests by requested model and HTTP status.",
        requests);
    counter(sb, "orchestrator_gateway_failures_total", "Failed requests by error type.", failures);
    counter(sb, "orchestrator_gateway_fallbacks_total", "Route switches made by the cascade, by requested model.",
        fallbacks);
    sb.append("# HELP orchestrator_gateway_tokens_total Tokens by model that ran and kind.\n");
    sb.append("# TYPE orchestrator_gateway_tokens_total counter\n");
    for (var e : new TreeMap<>(promptTokens).entrySet()) {
      sb.append("orchestrator_gateway_tokens_total{").append(e.getKey()).append(",kind=\"prompt\"} ")
          .append(e.getValue().sum()).append('\n');
    }
    for (var e : new TreeMap<>(completionTokens).entrySet()) {
      sb.append("orchestrator_gateway_tokens_total{").append(e.getKey()).append(",kind=\"completion\"} ")
          .append(e.getValue().sum()).append('\n');
    }
    doubles(sb, "orchestrator_gateway_cost_usd_total", "US dollars spent, priced by the model that ran.", cost);
    doubles(sb, "orchestrator_gateway_saved_usd_total", "US dollars saved against the reference cloud model.", saved);
    sb.append("# HELP orchestrator_gateway_request_duration_seconds Time to serve a completion, by served model.\n");
    sb.append("# TYPE orchestrator_gateway_request_duration_seconds histogram\n");
    for (var e : new TreeMap<>(latency).entrySet()) e.getValue().write(sb, "orchestrator_gateway_request_duration_seconds", e.getKey());
    sb.append("# HELP orchestrator_gateway_in_flight Requests being served now.\n");
    sb.append("# TYPE orchestrator_gateway_in_flight gauge\n");
    sb.append("orchestrator_gateway_in_flight ").append(inFlight.get()).append('\n');
    return sb.toString();
  }

  private static void counter(StringBuilder sb, String name, String help, Map<String, LongAdder> values) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    for (var e : new TreeMap<>(values).entrySet()) {
      sb.append(name).append('{').append(e.getKey()).append("} ").append(e.getValue().sum()).append('\n');
    }
  }

  private static void doubles(StringBuilder sb, String name, String help, Map<String, DoubleAdder> values) {
    sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
    sb.append("# TYPE ").append(name).append(" counter\n");
    for (var e : new TreeMap<>(values).entrySet()) {
      sb.append(name).append('{').append(e.getKey()).append("} ").append(number(e.getValue().sum())).append('\n');
    }
  }

  static String number(double d) {
    if (Double.isInfinite(d)) return d > 0 ? "+Inf" : "-Inf";
    if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
    return Double.toString(d);
  }

  /** {@code name="value"} with the value escaped as the exposition format requires. */
  static String label(String name, String value) {
    String v = value == null ? "" : value;
    StringBuilder sb = new StringBuilder(name.length() + v.length() + 4).append(name).append("=\"");
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /** A cumulative histogram over {@link #BUCKETS}; lock-free, so recording never blocks a request. */
  static final class Histogram {
    private final LongAdder[] counts = new LongAdder[BUCKETS.length];
    private final LongAdder count = new LongAdder();
    private final DoubleAdder sum = new DoubleAdder();

    Histogram() {
      for (int i = 0; i < counts.length; i++) counts[i] = new LongAdder();
    }

    void observe(double seconds) {
      for (int i = 0; i < BUCKETS.length; i++) {
        if (seconds <= BUCKETS[i]) {
          counts[i].increment();
          break;
        }
      }
      count.increment();
      sum.add(seconds);
    }

    void write(StringBuilder sb, String name, String labels) {
      long cumulative = 0;
      for (int i = 0; i < BUCKETS.length; i++) {
        cumulative += counts[i].sum();
        sb.append(name).append("_bucket{").append(labels).append(",le=\"").append(number(BUCKETS[i])).append("\"} ")
            .append(cumulative).append('\n');
      }
      long total = count.sum();
      sb.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append(total).append('\n');
      sb.append(name).append("_sum{").append(labels).append("} ").append(number(sum.sum())).append('\n');
      sb.append(name).append("_count{").append(labels).append("} ").append(total).append('\n');
    }
  }
}
