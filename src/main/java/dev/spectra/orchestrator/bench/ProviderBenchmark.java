package dev.spectra.orchestrator.bench;

import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.function.Consumer;

/**
 * Measures what the provider layer adds to a call: the same request to the same in-process simulator, once as a
 * bare JDK {@link HttpClient} call (pre-built body, body read as bytes) and once through {@link Model#chat}
 * (JSON body built, response parsed, usage, timing and cost added). Calls are interleaved, alternating which
 * goes first, so drift on a shared machine hits both alike.
 */
public final class ProviderBenchmark {
  /** The question both sides send. */
  static final String PROMPT = "Reply with a short greeting.";
  static final String MODEL_ID = "bench-model";
  /** A dummy key, sent by both sides, so the authenticated path (header, scrubbing) is measured too. */
  private static final String KEY_ENV = "ORCHESTRATOR_BENCH_KEY";
  private static final String KEY = "bench-dummy-key";

  /**
   * @param protocol {@code openai}, {@code ollama} or {@code anthropic}
   * @param bareP50Micros and the rest: microseconds per call
   * @param addedP50Micros provider p50 minus bare p50
   * @param pairedAddedP50Micros median over calls of (provider - bare) for neighbouring calls
   */
  public record Result(String protocol, boolean streaming, int requests, double bareP50Micros, double bareP99Micros,
      double providerP50Micros, double providerP99Micros, double addedP50Micros, double addedP99Micros,
      double pairedAddedP50Micros) {}

  /** Which protocols and how many calls. */
  public record Settings(List<String> protocols, int requests, int warmup) {}

  private ProviderBenchmark() {}

  /** One (protocol, mode) pair ready to call. */
  private record Case(String protocol, boolean streaming, Model model, ModelRequest request, HttpClient client,
      HttpRequest bare) {}

  /**
   * Runs every (protocol, streaming) pair and returns one result each. Every pair is warmed up before any is
   * measured, so the first one measured is not penalised by a colder JIT. {@code progress} gets one line per phase.
   */
  public static List<Result> run(Settings settings, Consumer<String> progress) throws IOException, ModelException,
      InterruptedException {
    List<Result> results = new ArrayList<>();
    try (Simulator sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(42));
        Providers providers = new Providers(Secrets.from(java.util.Map.of(KEY_ENV, KEY)), Providers.Options.DEFAULTS)) {
      List<Case> cases = new ArrayList<>();
      for (String protocol : settings.protocols()) {
        for (boolean streaming : new boolean[] {false, true}) {
          ModelSpec spec = spec(sim.baseUrl(), protocol);
          cases.add(new Case(protocol, streaming, providers.model(spec),
              new ModelRequest(List.of(Message.user(PROMPT)), 64, 0.0, streaming, ResponseFormat.TEXT, null),
              providers.transport().client(spec.timeouts().connect()), bareRequest(sim.baseUrl(), protocol, streaming)));
        }
      }
      progress.accept("warming up: " + settings.warmup() + " call pairs for each of " + cases.size() + " cases");
      for (Case c : cases) {
        for (int i = 0; i < settings.warmup(); i++) {
          bareCall(c.client(), c.bare());
          c.model().chat(c.request());
        }
      }
      for (Case c : cases) {
        progress.accept(c.protocol() + (c.streaming() ? " streaming" : " non-streaming") + ": " + settings.requests()
            + " measured call pairs");
        results.add(measure(c, settings.requests()));
      }
    }
    return results;
  }

  private static Result measure(Case c, int n) throws IOException, ModelException, InterruptedException {
    long[] bareNanos = new long[n];
    long[] providerNanos = new long[n];
    for (int i = 0; i < n; i++) {
      // Alternate the order so neither side always runs on a warmer connection or cache.
      if ((i & 1) == 0) {
        bareNanos[i] = timeBare(c.client(), c.bare());
        providerNanos[i] = timeProvider(c.model(), c.request());
      } else {
        providerNanos[i] = timeProvider(c.model(), c.request());
        bareNanos[i] = timeBare(c.client(), c.bare());
      }
    }
    long[] diff = new long[n];
    for (int i = 0; i < n; i++) diff[i] = providerNanos[i] - bareNanos[i];
    double bp50 = percentile(bareNanos, 50);
    double bp99 = percentile(bareNanos, 99);
    double pp50 = percentile(providerNanos, 50);
    double pp99 = percentile(providerNanos, 99);
    return new Result(c.protocol(), c.streaming(), n, bp50, bp99, pp50, pp99, pp50 - bp50, pp99 - bp99,
        percentile(diff, 50));
  }

  private static long timeBare(HttpClient client, HttpRequest bare) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    bareCall(client, bare);
    return System.nanoTime() - t0;
  }

  private static long timeProvider(Model model, ModelRequest request) throws ModelException {
    long t0 = System.nanoTime();
    model.chat(request);
    return System.nanoTime() - t0;
  }

  private static void bareCall(HttpClient client, HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) throw new IOException("simulator answered HTTP " + response.statusCode());
  }

  /** {@return microseconds at percentile {@code p} of {@code nanos} (nearest rank)} */
  static double percentile(long[] nanos, int p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1000.0;
  }

  private static ModelSpec spec(URI base, String protocol) {
    ProviderKind kind = switch (protocol) {
      case "openai" -> ProviderKind.OPENAI_COMPATIBLE;
      case "ollama" -> ProviderKind.OLLAMA;
      case "anthropic" -> ProviderKind.ANTHROPIC;
      default -> throw new IllegalArgumentException("unknown protocol " + protocol + "; expected openai, ollama or anthropic");
    };
    URI endpoint = kind == ProviderKind.OLLAMA ? base : URI.create(base + "/v1");
    Timeouts t = new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60));
    return new ModelSpec("bench-" + protocol, kind, endpoint, MODEL_ID, false, Price.perMillion("0.15", "0.60"), 8192,
        EnumSet.allOf(Capability.class), t, kind == ProviderKind.OLLAMA ? null : KEY_ENV, 8);
  }

  /** The body a minimal hand-written client would send: fixed bytes, built once. */
  private static HttpRequest bareRequest(URI base, String protocol, boolean streaming) {
    String prompt = "[{\"role\":\"user\",\"content\":\"" + PROMPT + "\"}]";
    String path;
    String body;
    switch (protocol) {
      case "ollama" -> {
        path = "/api/chat";
        body = "{\"model\":\"" + MODEL_ID + "\",\"messages\":" + prompt + ",\"stream\":" + streaming
            + ",\"options\":{\"num_ctx\":8192,\"num_predict\":64,\"temperature\":0.0},\"keep_alive\":\"30m\"}";
      }
      case "anthropic" -> {
        path = "/v1/messages";
        body = "{\"model\":\"" + MODEL_ID + "\",\"max_tokens\":64,\"messages\":" + prompt + ",\"temperature\":0.0"
            + (streaming ? ",\"stream\":true" : "") + "}";
      }
      default -> {
        path = "/v1/chat/completions";
        body = "{\"model\":\"" + MODEL_ID + "\",\"messages\":" + prompt + ",\"max_tokens\":64,\"temperature\":0.0"
            + (streaming ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}";
      }
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (protocol.equals("anthropic")) b.header("anthropic-version", "2023-06-01").header("x-api-key", KEY);
    if (protocol.equals("openai")) b.header("Authorization", "Bearer " + KEY);
    return b.build();
  }
}
