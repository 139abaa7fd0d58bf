package dev.spectra.orchestrator.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Timeouts;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Builds the {@link Config} from, highest precedence first: flags, the environment, {@code .env} in the working
 * directory, {@code orchestrator.yaml} in the working directory, the user's {@code orchestrator.yaml} (the caller
 * names it: {@code $XDG_CONFIG_HOME/orchestrator/}, default {@code ~/.config/orchestrator/}), and built-in defaults.
 *
 * <p>It reads only the map and directory it is given, never {@code System.getenv()}, so tests pass their own.
 */
public final class ConfigLoader {
  public static final String FILE_NAME = "orchestrator.yaml";
  public static final String DOT_ENV = ".env";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
  private static final String KINDS = Arrays.stream(ProviderKind.values()).map(ProviderKind::configName)
      .collect(Collectors.joining(", "));

  private ConfigLoader() {}

  /** A file as read (for lines) and as bound (for values). */
  private record Bound(YamlDoc doc, ConfigFile file) {
    /** {@return whether the file writes the key at {@code pointer}, even as null} */
    boolean has(String pointer) { return !doc.root().at(pointer).isMissingNode(); }
  }

  /** One setting's value with where it came from, so a bad value can be reported at its source. */
  private record Value(String value, String origin, Site site) {}

  /** Where to point an error about a value. */
  @FunctionalInterface
  private interface Site {
    ConfigException error(String expected);
  }

  /**
   * Loads the configuration; see the class comment for the order.
   *
   * @param userFile the user's {@code orchestrator.yaml}, read when it exists; null for none
   */
  public static Config load(Map<String, String> env, Path cwd, Path userFile, Overrides flags)
      throws ConfigException {
    Overrides f = flags == null ? Overrides.NONE : flags;
    List<Bound> docs = new ArrayList<>();   // lowest precedence first
    Path local = cwd.resolve(FILE_NAME).toAbsolutePath().normalize();
    Path xdg = userFile == null ? null : userFile.toAbsolutePath().normalize();
    if (xdg != null && Files.isRegularFile(xdg) && !xdg.equals(local)) docs.add(bind(YamlDoc.read(xdg)));
    if (Files.isRegularFile(local)) docs.add(bind(YamlDoc.read(local)));
    Path envFile = cwd.resolve(DOT_ENV).toAbsolutePath().normalize();
    DotEnv dotEnv = Files.isRegularFile(envFile) ? DotEnv.read(envFile) : null;

    Map<String, String> merged = new HashMap<>();
    if (dotEnv != null) merged.putAll(dotEnv.values());
    merged.putAll(env);

    Map<String, ModelSpec> specs = new LinkedHashMap<>();
    Map<String, String> priceSources = new HashMap<>();
    for (ModelSpec s : BuiltinCatalog.models()) {
      specs.put(s.name(), s);
      priceSources.put(s.name(), "catalog " + BuiltinCatalog.VERSION);
    }
    boolean customized = false;
    // Models whose timeouts the user set: a URL that moves one to a local server must keep them.
    Set<String> timedByUser = new java.util.HashSet<>();
    for (Bound bound : docs) {
      if (bound.file().models() == null) continue;
      YamlDoc doc = bound.doc();
      for (Map.Entry<String, ConfigFile.Model> e : bound.file().models().entrySet()) {
        String name = e.getKey();
        String at = "/models/" + name;
        ModelSpec base = specs.get(name);
        specs.put(name, model(bound, name, e.getValue(), base));
        priceSources.put(name, specs.get(name).local() && e.getValue().local() != null
            ? "free: marked local at " + origin(doc, at + "/local")
            : bound.has(at + "/price") ? origin(doc, at + "/price")
            : base != null ? priceSources.getOrDefault(name, "catalog " + BuiltinCatalog.VERSION)
            : specs.get(name).local() ? "free: a local model of your own" : "unpriced: no price in configuration");
        if (e.getValue().timeouts() != null) timedByUser.add(name);
        customized = true;
      }
    }

    List<Config.Source> sources = new ArrayList<>();
    Value url = pick("llm.url", f.llmUrl(), "--url", "ORCHESTRATOR_LLM_URL", env, dotEnv, docs, "/llm/url",
        c -> c.llm() == null ? null : c.llm().url(), sources);
    Value model = pick("llm.model", f.llmModel(), "--model", "ORCHESTRATOR_LLM_MODEL", env, dotEnv, docs, "/llm/model",
        c -> c.llm() == null ? null : c.llm().model(), sources);
    Value kind = pick("llm.kind", f.llmKind(), "--kind", "ORCHESTRATOR_LLM_KIND", env, dotEnv, docs, "/llm/kind",
        c -> c.llm() == null ? null : c.llm().kind(), sources);
    Value fbUrl = pick("fallback.url", f.fallbackUrl(), "--fallback-url", "ORCHESTRATOR_FALLBACK_URL", env, dotEnv,
        docs, "/fallback/url", c -> c.fallback() == null ? null : c.fallback().url(), sources);
    Value fbModel = pick("fallback.model", f.fallbackModel(), "--fallback-model", "ORCHESTRATOR_FALLBACK_MODEL", env,
        dotEnv, docs, "/fallback/model", c -> c.fallback() == null ? null : c.fallback().model(), sources);
    Value fbKind = pick("fallback.kind", null, "--fallback-kind", "ORCHESTRATOR_FALLBACK_KIND", env, dotEnv, docs,
        "/fallback/kind", c -> c.fallback() == null ? null : c.fallback().kind(), sources);

    if (model == null) {
      model = new Value(BuiltinCatalog.DEFAULT_MODEL, "default", e -> new ConfigException("default", 0, "llm.model", e));
      sources.add(new Config.Source("llm.model", model.value(), "default"));
    }
    if (url == null) sources.add(new Config.Source("llm.url", "(the model's catalog endpoint)", "default"));
    String defaultName = resolve(specs, url, model, kind, priceSources, timedByUser);
    String fallbackName = null;
    if (fbUrl != null && fbModel == null) {
      throw fbUrl.site().error("a fallback URL needs a fallback model too: set ORCHESTRATOR_FALLBACK_MODEL");
    }
    if (fbModel != null) fallbackName = resolve(specs, fbUrl, fbModel, fbKind, priceSources, timedByUser);
    if (fallbackName == null) sources.add(new Config.Source("fallback.model", "(none)", "default"));

    String reference = BuiltinCatalog.REFERENCE_MODEL;
    String referenceOrigin = "default";
    String keepAlive = dev.spectra.orchestrator.model.ollama.OllamaProvider.DEFAULT_KEEP_ALIVE;
    String keepAliveOrigin = "default";
    Config.Section<ConfigFile.Routing> routing = Config.Section.absent("routing", ConfigFile.Routing.NONE);
    Config.Section<ConfigFile.Budgets> budgets = Config.Section.absent("budgets", ConfigFile.Budgets.NONE);
    Config.Section<ConfigFile.LedgerLocation> ledger =
        Config.Section.absent("ledger", ConfigFile.LedgerLocation.NONE);
    for (Bound bound : docs) {
      YamlDoc doc = bound.doc();
      ConfigFile file = bound.file();
      if (file.referenceModel() != null) {
        if (file.referenceModel().isBlank() || !specs.containsKey(file.referenceModel())) {
          throw doc.error("/reference-model", "expected the name of a catalog model, one of " + specs.keySet());
        }
        reference = file.referenceModel();
        referenceOrigin = origin(doc, "/reference-model");
      }
      if (bound.has("/ollama/keep-alive")) {
        keepAlive = file.ollama().keepAlive();
        keepAliveOrigin = origin(doc, "/ollama/keep-alive");
      }
      // A section comes whole from the highest-precedence file that has it.
      if (file.routing() != null) routing = new Config.Section<>(doc, "routing", checked(doc, file.routing()));
      if (file.budgets() != null) budgets = new Config.Section<>(doc, "budgets", checked(doc, file.budgets()));
      if (file.ledger() != null) ledger = new Config.Section<>(doc, "ledger", file.ledger());
    }
    sources.add(new Config.Source("reference-model", reference, referenceOrigin));
    sources.add(new Config.Source("ollama.keep-alive", String.valueOf(keepAlive), keepAliveOrigin));

    Catalog catalog = new Catalog(BuiltinCatalog.VERSION + (customized ? "+local" : ""), specs.values(),
        priceSources);
    List<Path> files = new ArrayList<>();
    for (Bound d : docs) files.add(d.doc().file());
    if (dotEnv != null) files.add(dotEnv.file());
    return new Config(catalog, defaultName, fallbackName, reference, keepAlive, routing, budgets, ledger, sources,
        files, List.of(), merged);
  }

  /** Binds one file; a key pasted under {@code api-key:} is refused before anything could echo it. */
  private static Bound bind(YamlDoc doc) throws ConfigException {
    JsonNode models = doc.root().path("models");
    if (models.isObject()) {
      for (var e : models.properties()) {
        if (e.getValue().has("api-key")) {
          throw doc.error("/models/" + e.getKey() + "/api-key", "API keys do not belong in orchestrator.yaml: put the "
              + "key in an environment variable (or .env) and name the variable in api-key-env");
        }
      }
    }
    return new Bound(doc, ConfigBinder.bind(doc));
  }

  /** Checks the ranges of {@code routing:}, so a bad value stops every command, not only those that route. */
  private static ConfigFile.Routing checked(YamlDoc doc, ConfigFile.Routing r) throws ConfigException {
    names(doc, "/routing/local-models", r.localModels());
    names(doc, "/routing/fallbacks", r.fallbacks());
    for (var e : r.routesOrEmpty().entrySet()) {
      if (e.getValue() == null) throw doc.error("/routing/routes/" + e.getKey(), "expected a list of model names");
      names(doc, "/routing/routes/" + e.getKey(), e.getValue());
    }
    if (r.hybrid() != null) {
      var h = r.hybrid();
      atLeast(doc, "/routing/hybrid/max-simple-tokens", h.maxSimpleTokens(), 0);
      atLeast(doc, "/routing/hybrid/max-simple-entities", h.maxSimpleEntities(), 0);
      atLeast(doc, "/routing/hybrid/max-simple-operations", h.maxSimpleOperations(), 0);
      atLeast(doc, "/routing/hybrid/max-simple-rules", h.maxSimpleRules(), 0);
    }
    if (r.retry() != null) atLeast(doc, "/routing/retry/max-attempts", r.retry().maxAttempts(), 1);
    if (r.breaker() != null) {
      var b = r.breaker();
      atLeast(doc, "/routing/breaker/consecutive-failures", b.consecutiveFailures(), 1);
      atLeast(doc, "/routing/breaker/window", b.window(), 1);
      atLeast(doc, "/routing/breaker/min-calls", b.minCalls(), 1);
      if (b.failureRatio() != null && (b.failureRatio() <= 0 || b.failureRatio() > 1)) {
        throw doc.error("/routing/breaker/failure-ratio", "expected a number above 0 and at most 1");
      }
    }
    atLeast(doc, "/routing/max-escalations-per-request", r.maxEscalationsPerRequest(), 0);
    atLeast(doc, "/routing/max-escalations-per-build", r.maxEscalationsPerBuild(), 0);
    return r;
  }

  /** Checks the ranges of {@code budgets:}. */
  private static ConfigFile.Budgets checked(YamlDoc doc, ConfigFile.Budgets b) throws ConfigException {
    if (b.monthlyUsd() != null && b.monthlyUsd().signum() < 0) {
      throw doc.error("/budgets/monthly-usd", "expected an amount in US dollars >= 0");
    }
    if (b.buildUsd() != null && b.buildUsd().signum() < 0) {
      throw doc.error("/budgets/build-usd", "expected an amount in US dollars >= 0");
    }
    atLeast(doc, "/budgets/default-max-tokens", b.defaultMaxTokens(), 1);
    return b;
  }

  private static void names(YamlDoc doc, String at, List<String> names) throws ConfigException {
    if (names == null) return;
    for (String n : names) {
      if (n == null || n.isBlank()) throw doc.error(at, "expected a list of model names");
    }
  }

  private static void atLeast(YamlDoc doc, String at, Integer value, int min) throws ConfigException {
    if (value != null && value < min) throw doc.error(at, "expected a whole number >= " + min + ", got " + value);
  }

  /** Takes the highest-precedence source that sets {@code setting} and records it. */
  private static Value pick(String setting, String flag, String flagName, String envName, Map<String, String> env,
      DotEnv dotEnv, List<Bound> docs, String pointer, Function<ConfigFile, String> inFile,
      List<Config.Source> sources) {
    Value v = null;
    if (flag != null && !flag.isBlank()) {
      v = new Value(flag.strip(), "flag " + flagName, e -> new ConfigException("flag", 0, flagName, e));
    } else if (env.get(envName) != null && !env.get(envName).isBlank()) {
      v = new Value(env.get(envName).strip(), "environment " + envName,
          e -> new ConfigException("environment", 0, envName, e));
    } else if (dotEnv != null && dotEnv.values().get(envName) != null && !dotEnv.values().get(envName).isBlank()) {
      int line = dotEnv.lines().get(envName);
      v = new Value(dotEnv.values().get(envName).strip(), dotEnv.file() + ":" + line,
          e -> ConfigException.at(dotEnv.file(), line, envName, e));
    } else {
      for (int i = docs.size() - 1; i >= 0 && v == null; i--) {
        YamlDoc doc = docs.get(i).doc();
        String value = inFile.apply(docs.get(i).file());
        if (value == null) continue;
        v = new Value(value.strip(), origin(doc, pointer), e -> doc.error(pointer, e));
      }
    }
    if (v != null) sources.add(new Config.Source(setting, v.value(), v.origin()));
    return v;
  }

  private static String origin(YamlDoc doc, String pointer) {
    return doc.file() + ":" + doc.line(pointer);
  }

  /**
   * Makes the (url, model, kind) triple a catalog entry and returns its name. A model found in the catalog (by
   * name or model id) keeps its prices, its local or cloud standing and its window wherever the URL points (a cloud
   * model behind a loopback proxy or a test double still costs what the catalog says); a URL moves it to that
   * server. An unknown model becomes an entry of its own, on the URL's server or the default Ollama.
   */
  private static String resolve(Map<String, ModelSpec> specs, Value url, Value model, Value kindValue,
      Map<String, String> priceSources, Set<String> timedByUser) throws ConfigException {
    ProviderKind explicit = kindValue == null ? null : kind(kindValue.value(), kindValue.site());
    ModelSpec template = specs.get(model.value());
    boolean byName = template != null;
    if (template == null) {
      template = specs.values().stream().filter(s -> s.modelId().equals(model.value())).findFirst().orElse(null);
    }
    if (url == null) {
      if (template != null) return template.name();
      ModelSpec derived = derived(model.value(), model.value(), new Endpoints.Endpoint(
          explicit == null ? ProviderKind.OLLAMA : explicit, explicit == null || explicit == ProviderKind.OLLAMA
              ? Endpoints.OLLAMA_DEFAULT : defaultEndpoint(explicit, model.site())));
      specs.put(derived.name(), derived);
      priceSources.put(derived.name(), derivedPriceSource(derived));
      return derived.name();
    }
    Endpoints.Endpoint ep;
    try {
      ep = Endpoints.parse(url.value(), explicit);
    } catch (Endpoints.BadUrl e) {
      throw url.site().error(e.getMessage());
    }
    if (template == null) {
      ModelSpec derived = derived(model.value(), model.value(), ep);
      specs.put(derived.name(), derived);
      priceSources.put(derived.name(), derivedPriceSource(derived));
      return derived.name();
    }
    // A catalog name on another kind of server: the server's own id is what the user typed only when it was an id.
    String modelId = byName && ep.kind() != template.kind() ? model.value() : template.modelId();
    // The catalog's standing and price follow the model, not the URL: only an explicit price changes a price.
    boolean local = template.local();
    // Timeouts follow the server, not the price: a local server loads models cold and answers slower at first.
    boolean localServer = Endpoints.isLocal(ep.base()) || ep.kind() == ProviderKind.OLLAMA;
    Set<Capability> caps = ep.kind() == template.kind() ? template.capabilities()
        : BuiltinCatalog.defaultCapabilities(ep.kind());
    // A key follows the model to another URL only where it belongs (see BuiltinCatalog.scopedKeyEnv).
    String keyEnv = ep.kind() == template.kind() ? BuiltinCatalog.scopedKeyEnv(template.apiKeyEnv(), ep.base())
        : BuiltinCatalog.defaultKeyEnv(ep.kind(), ep.base());
    ModelSpec moved = new ModelSpec(template.name(), ep.kind(), ep.base(), modelId, local,
        template.price(), template.contextWindow(), caps,
        localServer && !timedByUser.contains(template.name()) ? Timeouts.LOCAL_DEFAULT : template.timeouts(), keyEnv,
        template.maxConcurrent());
    specs.put(moved.name(), moved);
    return moved.name();
  }

  private static URI defaultEndpoint(ProviderKind kind, Site site) throws ConfigException {
    return switch (kind) {
      case OLLAMA -> Endpoints.OLLAMA_DEFAULT;
      case OPENAI -> Endpoints.OPENAI_DEFAULT;
      case ANTHROPIC -> Endpoints.ANTHROPIC_DEFAULT;
      default -> throw site.error("a model of kind " + kind.configName() + " needs a URL: set ORCHESTRATOR_LLM_URL");
    };
  }

  private static String derivedPriceSource(ModelSpec derived) {
    return derived.local() ? "free: a local model of your own" : "unpriced: not in the catalog, no price configured";
  }

  /** An entry for a model the catalog does not know: free when local, unpriced otherwise. */
  private static ModelSpec derived(String name, String modelId, Endpoints.Endpoint ep) {
    boolean local = Endpoints.isLocal(ep.base()) || ep.kind() == ProviderKind.OLLAMA;
    return new ModelSpec(name, ep.kind(), ep.base(), modelId, local, local ? Price.FREE : null,
        local ? 8192 : 128_000, BuiltinCatalog.defaultCapabilities(ep.kind()),
        local ? Timeouts.LOCAL_DEFAULT : Timeouts.CLOUD_DEFAULT, BuiltinCatalog.defaultKeyEnv(ep.kind(), ep.base()),
        local ? 2 : 8);
  }

  private static ProviderKind kind(String value, Site site) throws ConfigException {
    try {
      return ProviderKind.fromConfig(value);
    } catch (IllegalArgumentException e) {
      throw site.error("expected one of " + KINDS + ", got '" + value + "'");
    }
  }

  /** Reads one {@code models:} entry, over the built-in entry of the same name when there is one. */
  private static ModelSpec model(Bound bound, String name, ConfigFile.Model entry, ModelSpec base)
      throws ConfigException {
    YamlDoc doc = bound.doc();
    String at = "/models/" + name;
    if (entry == null) throw doc.error(at, "expected a mapping with kind:, endpoint:, model-id:, price: ...");
    ProviderKind kind = entry.kind() != null
        ? kind(text(doc, at + "/kind", entry.kind()), e -> doc.error(at + "/kind", e)) : null;
    URI endpoint = null;
    if (entry.endpoint() != null) {
      try {
        // A new endpoint for a known model keeps its dialect unless kind: says otherwise.
        Endpoints.Endpoint ep = Endpoints.parse(text(doc, at + "/endpoint", entry.endpoint()),
            kind != null ? kind : base != null ? base.kind() : null);
        endpoint = ep.base();
        if (kind == null) kind = ep.kind();
      } catch (Endpoints.BadUrl e) {
        throw doc.error(at + "/endpoint", e.getMessage());
      }
    }
    if (kind == null) {
      if (base == null) throw doc.error(at, "expected kind: (one of " + KINDS + ") or endpoint: for a new model");
      kind = base.kind();
    }
    if (endpoint == null) {
      if (base != null && base.kind() == kind) endpoint = base.endpoint();
      else {
        String kindName = kind.configName();
        endpoint = defaultEndpoint(kind, e -> doc.error(at, "expected endpoint: (a model of kind " + kindName
            + " has no default server)"));
      }
    }
    String modelId = entry.modelId() != null ? text(doc, at + "/model-id", entry.modelId())
        : base != null ? base.modelId() : name;
    boolean local = entry.local() != null ? entry.local()
        : base != null ? base.local()
        : kind == ProviderKind.OLLAMA || Endpoints.isLocal(endpoint);
    // A catalog model keeps its price wherever its endpoint points; only an explicit price: changes it.
    Price price = bound.has(at + "/price") ? price(doc, at + "/price", entry.price())
        : base != null ? base.price() : local ? Price.FREE : null;
    int window = entry.contextWindow() != null ? positive(doc, at + "/context-window", entry.contextWindow())
        : base != null ? base.contextWindow() : local ? 8192 : 128_000;
    Set<Capability> caps = entry.capabilities() != null
        ? capabilities(doc, at + "/capabilities", entry.capabilities())
        : base != null && base.kind() == kind ? base.capabilities() : BuiltinCatalog.defaultCapabilities(kind);
    Timeouts timeouts = timeouts(doc, at + "/timeouts", entry.timeouts(),
        base != null ? base.timeouts() : local ? Timeouts.LOCAL_DEFAULT : Timeouts.CLOUD_DEFAULT);
    int maxConcurrent = entry.maxConcurrent() != null ? positive(doc, at + "/max-concurrent", entry.maxConcurrent())
        : base != null ? base.maxConcurrent() : local ? 2 : 8;
    // An endpoint written for this model in the user's own file names the host explicitly: the kind's key may go
    // there. Without one the model keeps its catalog endpoint, and its key stays scoped to that.
    String keyEnv = entry.endpoint() != null
        ? (base != null && base.kind() == kind && base.apiKeyEnv() != null ? base.apiKeyEnv()
            : BuiltinCatalog.defaultKeyEnv(kind))
        : base != null && base.kind() == kind ? BuiltinCatalog.scopedKeyEnv(base.apiKeyEnv(), endpoint)
        : BuiltinCatalog.defaultKeyEnv(kind, endpoint);
    if (bound.has(at + "/api-key-env")) {
      if (entry.apiKeyEnv() == null) {
        keyEnv = null;
      } else {
        String v = text(doc, at + "/api-key-env", entry.apiKeyEnv());
        // Never echo the value: it may be the key itself, pasted into the wrong place.
        if (!ENV_NAME.matcher(v).matches() || v.startsWith("sk-") || v.length() > 64) {
          throw doc.error(at + "/api-key-env",
              "expected the NAME of an environment variable holding the key (e.g. OPENAI_API_KEY), not the key itself");
        }
        keyEnv = v;
      }
    }
    return new ModelSpec(name, kind, endpoint, modelId, local, local && price == null ? Price.FREE : price, window, caps,
        timeouts, keyEnv, maxConcurrent);
  }

  private static String text(YamlDoc doc, String at, String value) throws ConfigException {
    if (value.isBlank()) throw doc.error(at, "expected a non-empty text value");
    return value.strip();
  }

  private static int positive(YamlDoc doc, String at, int value) throws ConfigException {
    if (value <= 0) throw doc.error(at, "expected a whole number > 0, got '" + value + "'");
    return value;
  }

  private static Price price(YamlDoc doc, String at, ConfigFile.Price p) throws ConfigException {
    if (p == null) return null;   // explicitly unpriced: refused under a budget unless allowed
    return new Price(dollars(doc, at + "/input", p.input()), dollars(doc, at + "/output", p.output()));
  }

  private static BigDecimal dollars(YamlDoc doc, String at, BigDecimal n) throws ConfigException {
    if (n == null) throw doc.error(at, "expected a price in US dollars per million tokens (e.g. 0.15)");
    if (n.signum() < 0) {
      throw doc.error(at, "expected a number >= 0 (US dollars per million tokens), got '" + n.toPlainString() + "'");
    }
    return n;
  }

  private static Set<Capability> capabilities(YamlDoc doc, String at, List<String> names) throws ConfigException {
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    for (int i = 0; i < names.size(); i++) {
      try {
        caps.add(Capability.fromConfig(String.valueOf(names.get(i))));
      } catch (IllegalArgumentException e) {
        throw doc.error(at + "/" + i, "expected one of json-schema, json-mode, tools, streaming, got '"
            + names.get(i) + "'");
      }
    }
    return caps;
  }

  private static Timeouts timeouts(YamlDoc doc, String at, ConfigFile.Timeouts t, Timeouts base)
      throws ConfigException {
    if (t == null) return base;
    return new Timeouts(
        t.connect() == null ? base.connect() : nonZero(doc, at + "/connect", t.connect()),
        t.firstToken() == null ? base.firstToken()
            : nonZero(doc, at + (doc.root().at(at + "/load").isMissingNode() ? "/first-token" : "/load"), t.firstToken()),
        t.total() == null ? base.total() : nonZero(doc, at + "/total", t.total()));
  }

  private static Duration nonZero(YamlDoc doc, String at, Duration d) throws ConfigException {
    if (d.isZero()) throw doc.error(at, "expected a duration > 0 such as 500ms, 30s or 2m, got '0'");
    return d;
  }

  /** Durations: {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) return null;
    BigDecimal amount = new BigDecimal(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    BigDecimal millis = switch (unit) {
      case "ms" -> amount;
      case "s" -> amount.movePointRight(3);
      case "m" -> amount.multiply(BigDecimal.valueOf(60_000));
      default -> amount.multiply(BigDecimal.valueOf(3_600_000));
    };
    return Duration.ofMillis(millis.longValue());
  }
}
