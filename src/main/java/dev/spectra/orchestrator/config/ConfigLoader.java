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
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  /** Sections this loader reads itself; the rest are kept for the components that own them. */
  private static final Set<String> OWN_KEYS = Set.of("llm", "fallback", "models", "reference-model", "ollama");
  /** Sections other components read (routing and budgets: the cascade; ledger: the ledger). */
  private static final Set<String> KNOWN_SECTIONS = Set.of("routing", "budgets", "ledger", "gateway", "sandbox", "eval");
  private static final List<String> MODEL_FIELDS = List.of("kind", "endpoint", "model-id", "local", "price",
      "context-window", "capabilities", "timeouts", "max-concurrent", "api-key-env");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)?");
  private static final String KINDS = Arrays.stream(ProviderKind.values()).map(ProviderKind::configName)
      .collect(Collectors.joining(", "));

  private ConfigLoader() {}

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
    List<YamlDoc> docs = new ArrayList<>();   // lowest precedence first
    Path local = cwd.resolve(FILE_NAME).toAbsolutePath().normalize();
    Path xdg = userFile == null ? null : userFile.toAbsolutePath().normalize();
    if (xdg != null && Files.isRegularFile(xdg) && !xdg.equals(local)) docs.add(YamlDoc.read(xdg));
    if (Files.isRegularFile(local)) docs.add(YamlDoc.read(local));
    Path envFile = cwd.resolve(DOT_ENV).toAbsolutePath().normalize();
    DotEnv dotEnv = Files.isRegularFile(envFile) ? DotEnv.read(envFile) : null;

    Map<String, String> merged = new HashMap<>();
    if (dotEnv != null) merged.putAll(dotEnv.values());
    merged.putAll(env);

    List<String> warnings = new ArrayList<>();
    Map<String, ModelSpec> specs = new LinkedHashMap<>();
    Map<String, String> priceSources = new HashMap<>();
    for (ModelSpec s : BuiltinCatalog.models()) {
      specs.put(s.name(), s);
      priceSources.put(s.name(), "catalog " + BuiltinCatalog.VERSION);
    }
    boolean customized = false;
    // Models whose timeouts the user set: a URL that moves one to a local server must keep them.
    Set<String> timedByUser = new java.util.HashSet<>();
    for (YamlDoc doc : docs) {
      JsonNode models = doc.root().path("models");
      if (models.isMissingNode() || models.isNull()) continue;
      if (!models.isObject()) throw doc.error("/models", "expected a mapping of model name to its settings");
      for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ModelSpec base = specs.get(e.getKey());
        specs.put(e.getKey(), model(doc, e.getKey(), e.getValue(), base));
        priceSources.put(e.getKey(), specs.get(e.getKey()).local() && e.getValue().has("local")
            ? "free: marked local at " + origin(doc, "/models/" + e.getKey() + "/local")
            : e.getValue().has("price") ? origin(doc, "/models/" + e.getKey() + "/price")
            : base != null ? priceSources.getOrDefault(e.getKey(), "catalog " + BuiltinCatalog.VERSION)
            : specs.get(e.getKey()).local() ? "free: a local model of your own" : "unpriced: no price in configuration");
        if (e.getValue().has("timeouts")) timedByUser.add(e.getKey());
        customized = true;
      }
    }

    List<Config.Source> sources = new ArrayList<>();
    Value url = pick("llm.url", f.llmUrl(), "--url", "ORCHESTRATOR_LLM_URL", env, dotEnv, docs, "/llm/url", sources);
    Value model = pick("llm.model", f.llmModel(), "--model", "ORCHESTRATOR_LLM_MODEL", env, dotEnv, docs, "/llm/model",
        sources);
    Value kind = pick("llm.kind", f.llmKind(), "--kind", "ORCHESTRATOR_LLM_KIND", env, dotEnv, docs, "/llm/kind",
        sources);
    Value fbUrl = pick("fallback.url", f.fallbackUrl(), "--fallback-url", "ORCHESTRATOR_FALLBACK_URL", env, dotEnv,
        docs, "/fallback/url", sources);
    Value fbModel = pick("fallback.model", f.fallbackModel(), "--fallback-model", "ORCHESTRATOR_FALLBACK_MODEL", env,
        dotEnv, docs, "/fallback/model", sources);
    Value fbKind = pick("fallback.kind", null, "--fallback-kind", "ORCHESTRATOR_FALLBACK_KIND", env, dotEnv, docs,
        "/fallback/kind", sources);

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
    Map<String, Config.Section> sections = new HashMap<>();
    for (YamlDoc doc : docs) {
      JsonNode ref = doc.root().path("reference-model");
      if (!ref.isMissingNode()) {
        if (!ref.isTextual() || !specs.containsKey(ref.asText())) {
          throw doc.error("/reference-model", "expected the name of a catalog model, one of " + specs.keySet());
        }
        reference = ref.asText();
        referenceOrigin = origin(doc, "/reference-model");
      }
      JsonNode ollama = doc.root().path("ollama");
      if (!ollama.isMissingNode()) {
        if (!ollama.isObject()) throw doc.error("/ollama", "expected a mapping with keep-alive:");
        for (Iterator<String> it = ollama.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!k.equals("keep-alive")) throw doc.error("/ollama/" + k, "unknown key; expected keep-alive");
        }
        JsonNode ka = ollama.path("keep-alive");
        if (!ka.isMissingNode()) {
          if (!ka.isValueNode()) throw doc.error("/ollama/keep-alive", "expected an Ollama duration like 30m, 1h or -1");
          keepAlive = ka.isNull() ? null : ka.asText();
          keepAliveOrigin = origin(doc, "/ollama/keep-alive");
        }
      }
      for (Iterator<String> it = doc.root().fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (OWN_KEYS.contains(key)) continue;
        sections.put(key, new Config.Section(doc, key));
        if (!KNOWN_SECTIONS.contains(key)) {
          warnings.add(doc.file() + ":" + doc.line("/" + key) + ": unknown top-level key '" + key + "' (known: "
              + String.join(", ", new java.util.TreeSet<>(union(OWN_KEYS, KNOWN_SECTIONS))) + "); kept but unused");
        }
      }
      for (String key : List.of("llm", "fallback")) {
        JsonNode n = doc.root().path(key);
        if (n.isMissingNode()) continue;
        if (!n.isObject()) throw doc.error("/" + key, "expected a mapping with url:, model: and kind:");
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!Set.of("url", "model", "kind").contains(k)) {
            throw doc.error("/" + key + "/" + k, "unknown key; expected url, model or kind");
          }
        }
      }
    }
    sources.add(new Config.Source("reference-model", reference, referenceOrigin));
    sources.add(new Config.Source("ollama.keep-alive", String.valueOf(keepAlive), keepAliveOrigin));

    Catalog catalog = new Catalog(BuiltinCatalog.VERSION + (customized ? "+local" : ""), specs.values(),
        priceSources);
    List<Path> files = new ArrayList<>();
    for (YamlDoc d : docs) files.add(d.file());
    if (dotEnv != null) files.add(dotEnv.file());
    return new Config(catalog, defaultName, fallbackName, reference, keepAlive, sections, sources, files, warnings,
        merged);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> u = new java.util.HashSet<>(a);
    u.addAll(b);
    return u;
  }

  /** Takes the highest-precedence source that sets {@code setting} and records it. */
  private static Value pick(String setting, String flag, String flagName, String envName, Map<String, String> env,
      DotEnv dotEnv, List<YamlDoc> docs, String pointer, List<Config.Source> sources) throws ConfigException {
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
        YamlDoc doc = docs.get(i);
        JsonNode n = doc.root().at(pointer);
        if (n.isMissingNode() || n.isNull()) continue;
        if (!n.isValueNode()) throw doc.error(pointer, "expected a single value");
        v = new Value(n.asText().strip(), origin(doc, pointer), e -> doc.error(pointer, e));
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
  private static ModelSpec model(YamlDoc doc, String name, JsonNode node, ModelSpec base) throws ConfigException {
    String at = "/models/" + name;
    if (!node.isObject()) throw doc.error(at, "expected a mapping with kind:, endpoint:, model-id:, price: ...");
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (field.equals("api-key")) {
        throw doc.error(at + "/" + field, "API keys do not belong in orchestrator.yaml: put the key in an environment "
            + "variable (or .env) and name the variable in api-key-env");
      }
      if (!MODEL_FIELDS.contains(field)) {
        throw doc.error(at + "/" + field, "unknown model setting; expected one of " + String.join(", ", MODEL_FIELDS));
      }
    }
    ProviderKind kind = node.has("kind")
        ? kind(text(doc, at + "/kind", node.get("kind")), e -> doc.error(at + "/kind", e)) : null;
    URI endpoint = null;
    if (node.has("endpoint")) {
      try {
        // A new endpoint for a known model keeps its dialect unless kind: says otherwise.
        Endpoints.Endpoint ep = Endpoints.parse(text(doc, at + "/endpoint", node.get("endpoint")),
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
    String modelId = node.has("model-id") ? text(doc, at + "/model-id", node.get("model-id"))
        : base != null ? base.modelId() : name;
    boolean local = node.has("local") ? bool(doc, at + "/local", node.get("local"))
        : base != null ? base.local()
        : kind == ProviderKind.OLLAMA || Endpoints.isLocal(endpoint);
    // A catalog model keeps its price wherever its endpoint points; only an explicit price: changes it.
    Price price = node.has("price") ? price(doc, at + "/price", node.get("price"))
        : base != null ? base.price() : local ? Price.FREE : null;
    int window = node.has("context-window") ? positiveInt(doc, at + "/context-window", node.get("context-window"))
        : base != null ? base.contextWindow() : local ? 8192 : 128_000;
    Set<Capability> caps = node.has("capabilities") ? capabilities(doc, at + "/capabilities", node.get("capabilities"))
        : base != null && base.kind() == kind ? base.capabilities() : BuiltinCatalog.defaultCapabilities(kind);
    Timeouts timeouts = timeouts(doc, at + "/timeouts", node.path("timeouts"),
        base != null ? base.timeouts() : local ? Timeouts.LOCAL_DEFAULT : Timeouts.CLOUD_DEFAULT);
    int maxConcurrent = node.has("max-concurrent") ? positiveInt(doc, at + "/max-concurrent", node.get("max-concurrent"))
        : base != null ? base.maxConcurrent() : local ? 2 : 8;
    // An endpoint written for this model in the user's own file names the host explicitly: the kind's key may go
    // there. Without one the model keeps its catalog endpoint, and its key stays scoped to that.
    String keyEnv = node.has("endpoint")
        ? (base != null && base.kind() == kind && base.apiKeyEnv() != null ? base.apiKeyEnv()
            : BuiltinCatalog.defaultKeyEnv(kind))
        : base != null && base.kind() == kind ? BuiltinCatalog.scopedKeyEnv(base.apiKeyEnv(), endpoint)
        : BuiltinCatalog.defaultKeyEnv(kind, endpoint);
    if (node.has("api-key-env")) {
      JsonNode k = node.get("api-key-env");
      if (k.isNull()) {
        keyEnv = null;
      } else {
        String v = text(doc, at + "/api-key-env", k);
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

  private static String text(YamlDoc doc, String at, JsonNode n) throws ConfigException {
    if (!n.isValueNode() || n.isNull() || n.asText().isBlank()) throw doc.error(at, "expected a non-empty text value");
    return n.asText().strip();
  }

  private static boolean bool(YamlDoc doc, String at, JsonNode n) throws ConfigException {
    if (!n.isBoolean()) throw doc.error(at, "expected true or false, got '" + n.asText() + "'");
    return n.asBoolean();
  }

  private static int positiveInt(YamlDoc doc, String at, JsonNode n) throws ConfigException {
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() <= 0) {
      throw doc.error(at, "expected a whole number > 0, got '" + n.asText() + "'");
    }
    return n.asInt();
  }

  private static Price price(YamlDoc doc, String at, JsonNode n) throws ConfigException {
    if (n.isNull()) return null;   // explicitly unpriced: refused under a budget unless allowed
    if (!n.isObject()) throw doc.error(at, "expected input: and output: in US dollars per million tokens, or null");
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("input") && !k.equals("output")) throw doc.error(at + "/" + k, "unknown key; expected input or output");
    }
    return new Price(dollars(doc, at + "/input", n.path("input")), dollars(doc, at + "/output", n.path("output")));
  }

  private static BigDecimal dollars(YamlDoc doc, String at, JsonNode n) throws ConfigException {
    if (n.isMissingNode()) throw doc.error(at, "expected a price in US dollars per million tokens (e.g. 0.15)");
    if (!n.isNumber() || n.decimalValue().signum() < 0) {
      throw doc.error(at, "expected a number >= 0 (US dollars per million tokens), got '" + n.asText() + "'");
    }
    return n.decimalValue();
  }

  private static Set<Capability> capabilities(YamlDoc doc, String at, JsonNode n) throws ConfigException {
    if (!n.isArray()) throw doc.error(at, "expected a list such as [json-schema, json-mode, tools, streaming]");
    Set<Capability> caps = EnumSet.noneOf(Capability.class);
    for (int i = 0; i < n.size(); i++) {
      try {
        caps.add(Capability.fromConfig(n.get(i).asText()));
      } catch (IllegalArgumentException e) {
        throw doc.error(at + "/" + i, "expected one of json-schema, json-mode, tools, streaming, got '"
            + n.get(i).asText() + "'");
      }
    }
    return caps;
  }

  private static Timeouts timeouts(YamlDoc doc, String at, JsonNode n, Timeouts base) throws ConfigException {
    if (n.isMissingNode()) return base;
    if (!n.isObject()) throw doc.error(at, "expected connect:, first-token: and total: durations");
    Duration connect = base.connect();
    Duration first = base.firstToken();
    Duration total = base.total();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      Duration d = duration(doc, at + "/" + e.getKey(), e.getValue());
      switch (e.getKey()) {
        case "connect" -> connect = d;
        case "first-token", "load" -> first = d;
        case "total" -> total = d;
        default -> throw doc.error(at + "/" + e.getKey(), "unknown timeout; expected connect, first-token or total");
      }
    }
    return new Timeouts(connect, first, total);
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

  private static Duration duration(YamlDoc doc, String at, JsonNode n) throws ConfigException {
    Duration d = n.isValueNode() && !n.isNull() ? parseDuration(n.asText()) : null;
    if (d == null || d.isZero()) {
      throw doc.error(at, "expected a duration > 0 such as 500ms, 30s or 2m, got '" + n.asText() + "'");
    }
    return d;
  }
}
