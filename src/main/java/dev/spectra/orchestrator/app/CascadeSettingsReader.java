package dev.spectra.orchestrator.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.reliability.CascadeSettings;
import dev.spectra.orchestrator.reliability.RoutingPolicy;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the {@code routing} and {@code budgets} sections of the configuration (and the budget variables) into
 * {@link CascadeSettings}. Every bad value is reported with its file, line and key. The keys are documented in
 * docs/routing-budgets-ledger.md.
 */
final class CascadeSettingsReader {
  static final String BUDGET_MONTHLY_ENV = "ORCHESTRATOR_BUDGET_MONTHLY";
  static final String BUDGET_BUILD_ENV = "ORCHESTRATOR_BUDGET_BUILD";

  private CascadeSettingsReader() {}

  static CascadeSettings read(Config config) throws ConfigException {
    Config.Section routing = config.routing();
    JsonNode r = routing.node();
    List<ModelSpec> catalog = config.catalog().all();

    List<String> fallbacks = r.has("fallbacks") ? strings(routing, r, "fallbacks")
        : config.fallbackModel().map(List::of).orElse(List.of());
    List<String> localModels;
    if (r.has("local-models")) {
      localModels = strings(routing, r, "local-models");
    } else {
      // By default the user's own model goes first, whatever its price (a cloud model named by
      // ORCHESTRATOR_LLM_MODEL stays the one asked first): the built-in catalog lists every seed model, most of them
      // not pulled.
      localModels = List.of(config.defaultModel());
    }
    Map<String, List<String>> routes = new LinkedHashMap<>();
    JsonNode rn = r.path("routes");
    if (!rn.isMissingNode()) {
      if (!rn.isObject()) throw routing.error("/routes", "a map of route name to a list of models");
      for (var e : rn.properties()) routes.put(e.getKey(), strings(routing, rn, e.getKey(), "/routes/"));
    }
    JsonNode h = r.path("hybrid");
    CascadeSettings.Hybrid hd = CascadeSettings.Hybrid.DEFAULTS;
    CascadeSettings.Hybrid hybrid = new CascadeSettings.Hybrid(
        text(h, "simple-model", null), text(h, "complex-model", null),
        integer(routing, h, "/hybrid/", "max-simple-tokens", hd.maxSimpleTokens(), 0),
        integer(routing, h, "/hybrid/", "max-simple-entities", hd.maxSimpleEntities(), 0),
        integer(routing, h, "/hybrid/", "max-simple-operations", hd.maxSimpleOperations(), 0),
        integer(routing, h, "/hybrid/", "max-simple-rules", hd.maxSimpleRules(), 0));
    JsonNode rt = r.path("retry");
    CascadeSettings.RetryPolicy rd = CascadeSettings.RetryPolicy.DEFAULTS;
    CascadeSettings.RetryPolicy retry = new CascadeSettings.RetryPolicy(
        integer(routing, rt, "/retry/", "max-attempts", rd.maxAttempts(), 1),
        Duration.ofMillis(integer(routing, rt, "/retry/", "base-delay-ms", (int) rd.baseDelay().toMillis(), 0)),
        Duration.ofMillis(integer(routing, rt, "/retry/", "max-delay-ms", (int) rd.maxDelay().toMillis(), 0)),
        Duration.ofMillis(integer(routing, rt, "/retry/", "max-retry-after-ms",
            (int) rd.maxRetryAfter().toMillis(), 0)),
        integer(routing, rt, "/retry/", "seed", (int) rd.seed(), Integer.MIN_VALUE));
    JsonNode b = r.path("breaker");
    CascadeSettings.BreakerPolicy bd = CascadeSettings.BreakerPolicy.DEFAULTS;
    JsonNode ratio = b.path("failure-ratio");
    if (!ratio.isMissingNode() && (!ratio.isNumber() || ratio.asDouble() <= 0 || ratio.asDouble() > 1)) {
      throw routing.error("/breaker/failure-ratio", "a number above 0 and at most 1");
    }
    CascadeSettings.BreakerPolicy breaker = new CascadeSettings.BreakerPolicy(
        integer(routing, b, "/breaker/", "consecutive-failures", bd.consecutiveFailures(), 1),
        integer(routing, b, "/breaker/", "window", bd.window(), 1),
        ratio.isMissingNode() ? bd.failureRatio() : ratio.asDouble(),
        integer(routing, b, "/breaker/", "min-calls", bd.minCalls(), 1),
        Duration.ofMillis(integer(routing, b, "/breaker/", "cooldown-ms", (int) bd.cooldown().toMillis(), 0)));
    CascadeSettings.Caps caps = new CascadeSettings.Caps(
        integer(routing, r, "/", "max-escalations-per-request", CascadeSettings.Caps.DEFAULTS.perRequest(), 0),
        integer(routing, r, "/", "max-escalations-per-build", CascadeSettings.Caps.DEFAULTS.perBuild(), 0));

    Config.Section budgets = config.budgets();
    JsonNode bn = budgets.node();
    Money monthly = money(config.setting(BUDGET_MONTHLY_ENV), budgets, bn, "monthly-usd", BUDGET_MONTHLY_ENV);
    Money perBuild = money(config.setting(BUDGET_BUILD_ENV), budgets, bn, "build-usd", BUDGET_BUILD_ENV);
    JsonNode allow = bn.path("allow-unpriced");
    if (!allow.isMissingNode() && !allow.isBoolean()) throw budgets.error("/allow-unpriced", "true or false");
    CascadeSettings.Budgets limits = new CascadeSettings.Budgets(monthly, perBuild, allow.asBoolean(false),
        integer(budgets, bn, "/", "default-max-tokens", CascadeSettings.Budgets.NONE.defaultMaxTokens(), 1));

    String defaultName = text(r, "default", RoutingPolicy.LOCAL_FIRST.label());
    return new CascadeSettings(catalog, config.catalog().version(), defaultName, fallbacks, localModels, routes,
        hybrid, config.referenceModel(), limits, retry, breaker, caps);
  }

  private static List<String> strings(Config.Section s, JsonNode parent, String key) throws ConfigException {
    return strings(s, parent, key, "/");
  }

  private static List<String> strings(Config.Section s, JsonNode parent, String key, String prefix)
      throws ConfigException {
    JsonNode n = parent.path(key);
    List<String> out = new ArrayList<>();
    if (n.isTextual()) return List.of(n.asText());
    if (!n.isArray()) throw s.error(prefix + key, "a list of model names");
    for (JsonNode item : n) {
      if (!item.isTextual() || item.asText().isBlank()) throw s.error(prefix + key, "a list of model names");
      out.add(item.asText().strip());
    }
    return out;
  }

  private static String text(JsonNode parent, String key, String fallback) {
    JsonNode n = parent.path(key);
    return n.isTextual() && !n.asText().isBlank() ? n.asText().strip() : fallback;
  }

  private static int integer(Config.Section s, JsonNode parent, String prefix, String key, int fallback, int min)
      throws ConfigException {
    JsonNode n = parent.path(key);
    if (n.isMissingNode() || n.isNull()) return fallback;
    if (!n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min) {
      throw s.error(prefix + key, "a whole number >= " + min);
    }
    return n.asInt();
  }

  /** {@return the monthly budget the configuration sets, or null} */
  static Money monthlyBudget(Config config) throws ConfigException {
    Config.Section budgets = config.budgets();
    return money(config.setting(BUDGET_MONTHLY_ENV), budgets, budgets.node(), "monthly-usd", BUDGET_MONTHLY_ENV);
  }

  private static Money money(Optional<String> env, Config.Section s, JsonNode parent, String key, String envName)
      throws ConfigException {
    if (env.isPresent()) {
      try {
        BigDecimal v = new BigDecimal(env.get().strip());
        if (v.signum() < 0) throw new NumberFormatException();
        return new Money(v);
      } catch (NumberFormatException e) {
        throw new ConfigException("environment", 0, envName, "an amount in US dollars >= 0, like 5 or 0.50");
      }
    }
    JsonNode n = parent.path(key);
    if (n.isMissingNode() || n.isNull()) return null;
    if (!n.isNumber() || n.decimalValue().signum() < 0) throw s.error("/" + key, "an amount in US dollars >= 0");
    return new Money(n.decimalValue());
  }
}
