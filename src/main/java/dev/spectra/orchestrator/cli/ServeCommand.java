package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.app.Dashboards;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.app.SetupException;
import dev.spectra.orchestrator.dashboard.Dashboard;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.gateway.GatewayOptions;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.LedgerException;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeBuilder;
import dev.spectra.orchestrator.reliability.RoutingPolicy;
import io.javalin.util.JavalinBindException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator serve}: the OpenAI-compatible gateway in front of the cascade. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = {
    "Serve an OpenAI-compatible API (/v1/chat/completions, /v1/models) in front of the cascade.",
    "Any OpenAI client gets local-first fallback, JSON that conforms to its response_format, budgets and a cost",
    "ledger: point it at http://HOST:PORT/v1. Binding beyond loopback requires keys ('orchestrator keys create')."})
public final class ServeCommand implements Callable<Integer> {
  /** Routing policies offered as virtual model names when the cascade resolves them. */
  /** The policies listed as models; {@code fixed} is left out, it needs a model after it. */
  static final List<String> POLICIES = java.util.Arrays.stream(RoutingPolicy.values())
      .filter(p -> p != RoutingPolicy.FIXED).map(RoutingPolicy::label).toList();

  private final Io io;
  private final Consumer<Gateway> started;

  @Option(names = "--host", paramLabel = "ADDR", description = "Address to bind (default: ${DEFAULT-VALUE}).")
  String host = GatewayOptions.DEFAULT_HOST;

  @Option(names = "--port", paramLabel = "PORT", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  int port = GatewayOptions.DEFAULT_PORT;

  @Option(names = "--max-body-bytes", paramLabel = "N", description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
  long maxBodyBytes = GatewayOptions.DEFAULT_MAX_BODY;

  @Option(names = "--require-keys", description = "Require gateway keys even on loopback.")
  boolean requireKeys;

  @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Allow browser calls from this origin (repeatable; CORS is off without it).")
  List<String> corsOrigins = new ArrayList<>();

  @Option(names = "--shutdown-grace", paramLabel = "SECONDS", description = "How long Ctrl-C waits for in-flight requests (default: ${DEFAULT-VALUE}).")
  int shutdownGraceSeconds = 10;

  @Option(names = "--url", paramLabel = "URL", description = "Model endpoint, like ORCHESTRATOR_LLM_URL.")
  String url;

  @Option(names = "--model", paramLabel = "M", description = "Model id at --url, like ORCHESTRATOR_LLM_MODEL.")
  String model;

  @Option(names = "--json", description = "Print the startup summary and one line per request as JSON on stdout.")
  boolean json;

  @Option(names = "--quiet", description = "No per-request log lines.")
  boolean quiet;

  @Option(names = "--no-ui", description = "Do not serve the dashboard at /ui.")
  boolean noUi;

  @Option(names = "--evals", paramLabel = "DIR", description = "Eval runs the dashboard lists (default: ./eval-results).")
  Path evals;

  public ServeCommand(Io io) {
    this(io, g -> {});
  }

  /** For tests: {@code started} gets the running gateway (and may close it to end the command). */
  ServeCommand(Io io, Consumer<Gateway> started) {
    this.io = io;
    this.started = started;
  }

  @Override public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) throw ExitException.usage("--port must be 0..65535, got " + port);
    if (maxBodyBytes <= 0) throw ExitException.usage("--max-body-bytes must be > 0, got " + maxBodyBytes);
    if (shutdownGraceSeconds < 0) throw ExitException.usage("--shutdown-grace must be >= 0, got " + shutdownGraceSeconds);
    Config config = ModelFailures.loadConfig(io, url == null && model == null ? Overrides.NONE
        : new Overrides(url, model, null, null, null));
    CascadeBuilder builder;
    try {
      builder = Cascades.builder(config);
    } catch (ConfigException e) {
      throw ExitException.usage(e.getMessage());
    }
    Ledger ledger;
    try {
      ledger = Ledgers.open(config, io.env(), Clock.systemUTC());
    } catch (LedgerException e) {
      throw ExitException.usage(e.getMessage());
    }
    Providers providers = ModelFailures.providers(io, config);
    Cascade cascade;
    try {
      // Budgets (monthly, per key) are reserved in the ledger database: every replica on it draws on one figure.
      cascade = Cascades.recordingInto(builder.providers(providers::model), ledger).build();
    } catch (IllegalArgumentException e) {
      ledger.close();
      providers.close();
      throw ExitException.usage("routing: " + e.getMessage());
    }

    GatewayKeys keys = new GatewayKeys(ledger.database(), Clock.systemUTC());
    GatewayOptions options = new GatewayOptions(host, port, maxBodyBytes, requireKeys, corsOrigins,
        Duration.ofSeconds(shutdownGraceSeconds));
    Dashboard dashboard;
    try {
      dashboard = noUi ? null : Dashboards.create(config, io.env(), ledger, Gateway.keysRequired(options),
          evals != null ? evals.toAbsolutePath().normalize() : io.cwd().resolve("eval-results"), Clock.systemUTC());
    } catch (SetupException e) {
      ledger.close();
      providers.close();
      throw ExitException.usage(e.getMessage());
    }
    Gateway gateway;
    try {
      Gateway.Builder gb = Gateway.builder(Gateway.directory(cascade::resolve, () -> listing(config, cascade)))
          .options(options).keys(keys).environment(redactable(config)).listener(this::log)
          .onStopped(() -> {
            // Last, after every in-flight request finished or was cancelled: commits every queued ledger row.
            try {
              ledger.close();
            } finally {
              providers.close();
            }
          });
      if (dashboard != null) gb.mount(dashboard::register).onDraining(dashboard::close);
      gateway = gb.start();
    } catch (IllegalStateException | LedgerException e) {
      if (dashboard != null) dashboard.close();
      ledger.close();
      providers.close();
      throw ExitException.usage(e.getMessage());
    } catch (JavalinBindException e) {
      if (dashboard != null) dashboard.close();
      ledger.close();
      providers.close();
      throw ExitException.usage("cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "); pass another --port or stop what uses it");
    }
    // Ctrl-C and SIGTERM: stop accepting, let in-flight requests finish within the grace period, flush the ledger.
    Thread hook = new Thread(gateway::close, "gateway-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    banner(config, gateway, keys, ledger, dashboard != null);
    started.accept(gateway);
    gateway.awaitClosed();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is what closed the gateway.
    }
    return ExitCodes.OK;
  }

  /** Catalog models, then the policies and named routes the cascade resolves. */
  static List<Gateway.Listed> listing(Config config, Cascade cascade) {
    List<Gateway.Listed> out = new ArrayList<>();
    for (ModelSpec spec : config.catalog().all()) out.add(new Gateway.Listed(spec.name(), spec.local() ? "local" : "cloud"));
    List<String> virtual = new ArrayList<>(POLICIES);
    virtual.addAll(config.routing().value().routesOrEmpty().keySet());
    for (String name : virtual) {
      try {
        cascade.resolve(name);
        out.add(new Gateway.Listed(name, "orchestrator"));
      } catch (IllegalArgumentException notConfigured) {
        // A policy the configuration cannot serve (e.g. hybrid without a cloud model) is not offered.
      }
    }
    return out;
  }

  /** The environment plus every provider key the catalog names (they may come from .env, not the environment). */
  private Map<String, String> redactable(Config config) {
    Map<String, String> env = new HashMap<>(io.env());
    for (ModelSpec spec : config.catalog().all()) {
      if (spec.apiKeyEnv() == null) continue;
      config.secrets().value(spec.apiKeyEnv()).ifPresent(v -> env.put("CATALOG_KEY_" + spec.apiKeyEnv(), v));
    }
    return env;
  }

  private void banner(Config config, Gateway gateway, GatewayKeys keys, Ledger ledger, boolean ui) {
    String base = gateway.baseUrl() + "/v1";
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("event", "listening");
      o.put("base_url", base);
      o.put("chat_completions_url", base + "/chat/completions");
      o.put("default_model", config.defaultModel());
      o.put("keys_required", gateway.keysRequired());
      o.put("keys", keys.location());
      o.put("ledger", ledger.location());
      if (ui) o.put("dashboard_url", gateway.baseUrl() + "/ui");
      io.out().println(o);
      io.out().flush();
      return;
    }
    var err = io.err();
    err.println("Gateway listening on " + base + " (default model: " + config.defaultModel() + ")");
    err.println("Point OpenAI clients at it:");
    err.println("  OPENAI_BASE_URL=" + base);
    err.println("  ORCHESTRATOR_LLM_URL=" + base + "/chat/completions");
    err.println(gateway.keysRequired() ? "Gateway keys required (Authorization: Bearer ...), from " + keys.location()
        : "No gateway key needed on loopback; any API key a client sends is ignored and never forwarded.");
    if (ui) err.println("Dashboard: " + gateway.baseUrl() + "/ui");
    err.println("Ledger: " + ledger.location() + ". Ctrl-C stops (in-flight requests get " + shutdownGraceSeconds
        + " s to finish).");
    err.flush();
  }

  private void log(Gateway.Call c) {
    if (quiet && !json) return;
    if (json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("event", "request");
      o.put("id", c.requestId());
      o.put("model", c.requestedModel());
      o.put("served_model", c.servedModel());
      o.put("status", c.status());
      o.put("error", c.errorCode());
      o.put("detail", c.detail());
      o.put("attempts", c.attempts());
      o.put("prompt_tokens", c.usage().promptTokens());
      o.put("completion_tokens", c.usage().completionTokens());
      o.put("cost_usd", c.cost() == null ? null : c.cost().usd().toPlainString());
      o.put("ms", c.elapsed().toMillis());
      o.put("stream", c.stream());
      o.put("key", c.apiKeyId());
      o.put("client_disconnected", c.clientDisconnected());
      if (c.guesses() != null) o.set("guesses", o.arrayNode().addAll(c.guesses().stream().map(o::textNode).toList()));
      synchronized (io.out()) {
        io.out().println(o);
        io.out().flush();
      }
      return;
    }
    String line = c.status() + " " + c.requestedModel() + " -> " + (c.servedModel() == null ? "-" : c.servedModel())
        + " attempts=" + c.attempts() + " tokens=" + c.usage().promptTokens() + "+" + c.usage().completionTokens()
        + " cost=" + (c.cost() == null ? "unpriced" : c.cost().toString()) + " " + c.elapsed().toMillis() + "ms"
        + (c.stream() ? " stream" : "") + (c.apiKeyId() == null ? "" : " key=" + c.apiKeyId())
        + (c.errorCode() == null ? "" : " error=" + c.errorCode())
        + (c.detail() == null ? "" : " detail=\"" + c.detail() + "\"")
        + (c.guesses() == null ? "" : " lenient guesses=" + c.guesses().size()
            + (c.guesses().isEmpty() ? "" : " (" + String.join(", ", c.guesses()) + ")"))
        + (c.clientDisconnected() ? " client-disconnected" : "");
    synchronized (io.err()) {
      io.err().println(line);
      io.err().flush();
    }
  }
}
