package dev.spectra.orchestrator.model;

import dev.spectra.orchestrator.model.anthropic.AnthropicProvider;
import dev.spectra.orchestrator.model.ollama.OllamaProvider;
import dev.spectra.orchestrator.model.ollama.OllamaServer;
import dev.spectra.orchestrator.model.openai.OpenAiProvider;
import dev.spectra.orchestrator.model.provider.Exchange;
import dev.spectra.orchestrator.model.provider.Transport;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Turns a catalog entry into a {@link Model} that makes one HTTP call per {@code chat} (no retry, no fallback:
 * those belong to the cascade). Create one {@code Providers} per process and close it at the end: its models
 * share one HTTP client and one JSON mapper.
 */
public final class Providers implements AutoCloseable {
  private final Transport transport;
  private final KeyLookup keys;
  private final Options options;

  /**
   * @param ollamaKeepAlive sent as Ollama's {@code keep_alive}; null for Ollama's default (5 minutes)
   * @param warnings receives one-line warnings, e.g. a prompt larger than an Ollama model's window
   */
  public record Options(String ollamaKeepAlive, Consumer<String> warnings) {
    public static final Options DEFAULTS = new Options(OllamaProvider.DEFAULT_KEEP_ALIVE, w -> {});
  }

  public Providers(KeyLookup keys, Options options) {
    this(new Transport(), keys, options);
  }

  public Providers(Transport transport, KeyLookup keys, Options options) {
    this.transport = transport;
    this.keys = keys;
    this.options = options;
  }

  /**
   * {@return a bare provider model for one call}. It owns its own HTTP client: for more than one model, create a
   * {@code Providers} and call {@link #model}.
   */
  public static Model create(ModelSpec spec, KeyLookup keys) {
    return new Providers(keys, Options.DEFAULTS).model(spec);
  }

  /** {@return the model for {@code spec}, sharing this instance's HTTP client} */
  public Model model(ModelSpec spec) {
    String key = keys.key(spec.apiKeyEnv()).orElse(null);
    return switch (spec.kind()) {
      case OLLAMA -> OllamaProvider.create(spec, transport, options.ollamaKeepAlive(), options.warnings());
      case ANTHROPIC -> AnthropicProvider.create(spec, key, transport);
      case OPENAI, OPENAI_COMPATIBLE, LLAMA_CPP, VLLM -> OpenAiProvider.create(spec, key, transport);
    };
  }

  /** {@return the shared transport, for callers that talk to the same servers (benchmarks, probes)} */
  public Transport transport() { return transport; }

  /**
   * Whether a model's server answers now, and for Ollama whether the model is pulled.
   *
   * @param pulled null when unknown (not Ollama, or the server did not answer)
   * @param detail why it is not reachable or not usable, with what to do; empty when fine
   */
  public record Probe(ModelSpec spec, boolean reachable, Boolean pulled, String detail) {
    public boolean usable() { return reachable && !Boolean.FALSE.equals(pulled); }
  }

  /**
   * Checks {@code spec}'s server within {@code limit}: Ollama through {@code /api/tags}, OpenAI-compatible
   * servers through {@code /models}, Anthropic by any HTTP answer. Any HTTP status counts as reachable: a 401
   * means the server is there and the key is the problem.
   */
  public Probe probe(ModelSpec spec, Duration limit) {
    Timeouts t = new Timeouts(min(spec.timeouts().connect(), limit), limit, limit);
    String base = spec.endpoint().toString().replaceAll("/+$", "");
    boolean ollama = spec.kind() == ProviderKind.OLLAMA;
    String hint = ollama ? OllamaProvider.serveHint() : "check the URL and that the server runs";
    // A server that is not running is found without an HTTP client (see Transport.refusesConnection).
    var refused = Transport.refusesConnection(spec.endpoint(), t.connect(), ollama ? base + "/api/tags" : base, hint);
    if (refused.isPresent()) return unreachable(spec, refused.get());
    if (ollama) {
      try {
        List<String> pulled = new OllamaServer(spec.endpoint(), transport, t).pulledModels();
        boolean has = OllamaServer.isPulled(spec.modelId(), pulled);
        return new Probe(spec, true, has, has ? "" : "not pulled: " + OllamaProvider.pullHint(spec.modelId()));
      } catch (ModelException e) {
        return unreachable(spec, e.error());
      }
    }
    URI uri = URI.create(base + "/models");
    HttpRequest.Builder b = Transport.request(uri).GET();
    if (spec.kind() == ProviderKind.ANTHROPIC) b.header("anthropic-version", "2023-06-01");
    // Probes send no key: whether a server is there must not depend on, or leak, a credential.
    try (Exchange exchange = transport.open(b.build(), t, base, hint)) {
      exchange.readErrorBody();
      return new Probe(spec, true, null, exchange.status() == 401 || exchange.status() == 403
          ? (keys.key(spec.apiKeyEnv()).isPresent() || spec.apiKeyEnv() == null ? "" : spec.apiKeyEnv() + " is not set")
          : "");
    } catch (ModelException e) {
      return unreachable(spec, e.error());
    }
  }

  private static Probe unreachable(ModelSpec spec, ModelError error) {
    boolean answered = !(error instanceof ModelError.ConnectionRefused) && !(error instanceof ModelError.Timeout);
    return new Probe(spec, answered, null, error.message());
  }

  private static Duration min(Duration a, Duration b) { return a.compareTo(b) <= 0 ? a : b; }

  @Override public void close() {
    transport.close();
  }
}
