package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.ConfigFile;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.reliability.CascadeSettings;
import dev.spectra.orchestrator.reliability.RoutingPolicy;
import java.math.BigDecimal;
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
    ConfigFile.Routing r = config.routing().value();
    List<ModelSpec> catalog = config.catalog().all();

    List<String> fallbacks = r.fallbacks() != null ? stripped(r.fallbacks())
        : config.fallbackModel().map(List::of).orElse(List.of());
    // By default the user's own model goes first, whatever its price (a cloud model named by ORCHESTRATOR_LLM_MODEL
    // stays the one asked first): the built-in catalog lists every seed model, most of them not pulled.
    List<String> localModels = r.localModels() != null ? stripped(r.localModels()) : List.of(config.defaultModel());
    Map<String, List<String>> routes = new LinkedHashMap<>();
    r.routesOrEmpty().forEach((name, models) -> routes.put(name, stripped(models)));

    ConfigFile.Hybrid h = or(r.hybrid(), new ConfigFile.Hybrid(null, null, null, null, null, null));
    CascadeSettings.Hybrid hd = CascadeSettings.Hybrid.DEFAULTS;
    CascadeSettings.Hybrid hybrid = new CascadeSettings.Hybrid(blankAsNull(h.simpleModel()),
        blankAsNull(h.complexModel()), or(h.maxSimpleTokens(), hd.maxSimpleTokens()),
        or(h.maxSimpleEntities(), hd.maxSimpleEntities()), or(h.maxSimpleOperations(), hd.maxSimpleOperations()),
        or(h.maxSimpleRules(), hd.maxSimpleRules()));
    ConfigFile.Retries rt = or(r.retry(), new ConfigFile.Retries(null, null, null, null, null));
    CascadeSettings.RetryPolicy rd = CascadeSettings.RetryPolicy.DEFAULTS;
    CascadeSettings.RetryPolicy retry = new CascadeSettings.RetryPolicy(or(rt.maxAttempts(), rd.maxAttempts()),
        or(rt.baseDelay(), rd.baseDelay()), or(rt.maxDelay(), rd.maxDelay()),
        or(rt.maxRetryAfter(), rd.maxRetryAfter()), or(rt.seed(), rd.seed()));
    ConfigFile.Breaker b = or(r.breaker(), new ConfigFile.Breaker(null, null, null, null, null));
    CascadeSettings.BreakerPolicy bd = CascadeSettings.BreakerPolicy.DEFAULTS;
    CascadeSettings.BreakerPolicy breaker = new CascadeSettings.BreakerPolicy(
        or(b.consecutiveFailures(), bd.consecutiveFailures()), or(b.window(), bd.window()),
        or(b.failureRatio(), bd.failureRatio()), or(b.minCalls(), bd.minCalls()), or(b.cooldown(), bd.cooldown()));
    CascadeSettings.Caps caps = new CascadeSettings.Caps(
        or(r.maxEscalationsPerRequest(), CascadeSettings.Caps.DEFAULTS.perRequest()),
        or(r.maxEscalationsPerBuild(), CascadeSettings.Caps.DEFAULTS.perBuild()));

    ConfigFile.Budgets bn = config.budgets().value();
    Money monthly = money(config.setting(BUDGET_MONTHLY_ENV), bn.monthlyUsd(), BUDGET_MONTHLY_ENV);
    Money perBuild = money(config.setting(BUDGET_BUILD_ENV), bn.buildUsd(), BUDGET_BUILD_ENV);
    CascadeSettings.Budgets limits = new CascadeSettings.Budgets(monthly, perBuild, or(bn.allowUnpriced(), false),
        or(bn.defaultMaxTokens(), CascadeSettings.Budgets.NONE.defaultMaxTokens()));

    String defaultName = or(blankAsNull(r.defaultName()), RoutingPolicy.LOCAL_FIRST.label());
    return new CascadeSettings(catalog, config.catalog().version(), defaultName, fallbacks, localModels, routes,
        hybrid, config.referenceModel(), limits, retry, breaker, caps);
  }

  private static <T> T or(T value, T fallback) { return value != null ? value : fallback; }

  private static String blankAsNull(String s) { return s == null || s.isBlank() ? null : s.strip(); }

  /** The configuration checked every name is not blank when it loaded. */
  private static List<String> stripped(List<String> names) { return names.stream().map(String::strip).toList(); }

  /** {@return the monthly budget the configuration sets, or null} */
  static Money monthlyBudget(Config config) throws ConfigException {
    return money(config.setting(BUDGET_MONTHLY_ENV), config.budgets().value().monthlyUsd(), BUDGET_MONTHLY_ENV);
  }

  /** An amount from the environment (which wins) or the file; the file's amounts were checked when it loaded. */
  private static Money money(Optional<String> env, BigDecimal inFile, String envName) throws ConfigException {
    if (env.isPresent()) {
      try {
        BigDecimal v = new BigDecimal(env.get().strip());
        if (v.signum() < 0) throw new NumberFormatException();
        return new Money(v);
      } catch (NumberFormatException e) {
        throw new ConfigException("environment", 0, envName, "an amount in US dollars >= 0, like 5 or 0.50");
      }
    }
    return inFile == null ? null : new Money(inFile);
  }
}
