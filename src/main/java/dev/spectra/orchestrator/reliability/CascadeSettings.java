package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.ModelSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the cascade needs from configuration, in one value. The configuration loader maps
 * {@code orchestrator.yaml}, environment and flags onto this; tests build it directly.
 *
 * @param catalog every model, in catalog order (which is the order of {@code local-first})
 * @param catalogVersion stamped on every ledger row, so old costs stay explainable after a price change
 * @param defaultModel what a caller gets without {@code --model}: a policy name or a catalog model
 * @param fallbacks catalog models tried after the local ones by {@code local-first} (the seed: gpt-4o-mini)
 * @param localModels the local models of {@code local-first}, in order; empty means every local catalog model
 * @param routes named routes: a name usable as a model, mapped to catalog models or other named routes
 * @param referenceModel the cloud model whose price gives a local call's {@code saved}
 */
public record CascadeSettings(
    List<ModelSpec> catalog,
    String catalogVersion,
    String defaultModel,
    List<String> fallbacks,
    List<String> localModels,
    Map<String, List<String>> routes,
    Hybrid hybrid,
    String referenceModel,
    Budgets budgets,
    RetryPolicy retry,
    BreakerPolicy breaker,
    Caps caps) {

  public static final String DEFAULT_REFERENCE_MODEL = "gpt-4o-mini";

  public CascadeSettings {
    catalog = List.copyOf(catalog);
    Objects.requireNonNull(catalogVersion, "catalogVersion");
    Objects.requireNonNull(defaultModel, "defaultModel");
    fallbacks = List.copyOf(fallbacks);
    localModels = List.copyOf(localModels);
    routes = Map.copyOf(routes);
    Objects.requireNonNull(hybrid, "hybrid");
    Objects.requireNonNull(budgets, "budgets");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(breaker, "breaker");
    Objects.requireNonNull(caps, "caps");
  }

  /**
   * {@return defaults over a catalog: {@code local-first} over every local model, then {@code fallbacks}; no
   * budgets; gpt-4o-mini as the reference when the catalog has it}
   */
  public static CascadeSettings defaults(List<ModelSpec> catalog, String catalogVersion, List<String> fallbacks) {
    boolean hasReference = catalog.stream().anyMatch(s -> s.name().equals(DEFAULT_REFERENCE_MODEL));
    return new CascadeSettings(catalog, catalogVersion, "local-first", fallbacks, List.of(), Map.of(),
        Hybrid.DEFAULTS, hasReference ? DEFAULT_REFERENCE_MODEL : null, Budgets.NONE, RetryPolicy.DEFAULTS,
        BreakerPolicy.DEFAULTS, Caps.DEFAULTS);
  }

  public CascadeSettings withDefaultModel(String name) {
    return new CascadeSettings(catalog, catalogVersion, name, fallbacks, localModels, routes, hybrid, referenceModel,
        budgets, retry, breaker, caps);
  }

  public CascadeSettings withBudgets(Budgets newBudgets) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, localModels, routes, hybrid,
        referenceModel, newBudgets, retry, breaker, caps);
  }

  public CascadeSettings withRetry(RetryPolicy newRetry) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, localModels, routes, hybrid,
        referenceModel, budgets, newRetry, breaker, caps);
  }

  public CascadeSettings withBreaker(BreakerPolicy newBreaker) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, localModels, routes, hybrid,
        referenceModel, budgets, retry, newBreaker, caps);
  }

  public CascadeSettings withRoutes(Map<String, List<String>> newRoutes) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, localModels, newRoutes, hybrid,
        referenceModel, budgets, retry, breaker, caps);
  }

  public CascadeSettings withHybrid(Hybrid newHybrid) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, localModels, routes, newHybrid,
        referenceModel, budgets, retry, breaker, caps);
  }

  public CascadeSettings withLocalModels(List<String> newLocalModels) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, newLocalModels, routes, hybrid,
        referenceModel, budgets, retry, breaker, caps);
  }

  public CascadeSettings withReferenceModel(String name) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, localModels, routes, hybrid, name,
        budgets, retry, breaker, caps);
  }

  public CascadeSettings withCaps(Caps newCaps) {
    return new CascadeSettings(catalog, catalogVersion, defaultModel, fallbacks, localModels, routes, hybrid,
        referenceModel, budgets, retry, breaker, newCaps);
  }

  /**
   * The {@code hybrid} policy: a request is <em>simple</em> when every feature is at or under its threshold, and
   * then goes to {@code simpleModel} first; otherwise to {@code complexModel} first. Null models mean: simple = the
   * first local model, complex = the first fallback (or the last local model when there is none).
   *
   * @param maxSimpleTokens estimated prompt tokens (characters / 4)
   * @param maxSimpleEntities distinct entity names (PascalCase words, items of an "entities:" list)
   * @param maxSimpleOperations operation words (create, list, update, delete, search, GET, POST, ...)
   * @param maxSimpleRules rule words (must, unique, unless, at least, validate, ...)
   */
  public record Hybrid(String simpleModel, String complexModel, int maxSimpleTokens, int maxSimpleEntities,
      int maxSimpleOperations, int maxSimpleRules) {
    public static final Hybrid DEFAULTS = new Hybrid(null, null, 1500, 3, 8, 4);
  }

  /**
   * Spending limits. A null limit is no limit. Local models are never blocked.
   *
   * @param allowUnpriced call paid models without a catalog price even under a budget (their cost is unknown)
   * @param defaultMaxTokens output tokens assumed for a reservation when the request sets none
   */
  public record Budgets(Money monthly, Money perBuild, boolean allowUnpriced, int defaultMaxTokens) {
    public static final Budgets NONE = new Budgets(null, null, false, 4096);

    public boolean any() { return monthly != null || perBuild != null; }
  }

  /**
   * Retries on one route.
   *
   * @param maxAttempts attempts per route, the first included
   * @param maxRetryAfter a longer Retry-After moves to the next route instead of waiting
   * @param seed seeds the jitter, so a run is reproducible
   */
  public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter,
      long seed) {
    public static final RetryPolicy DEFAULTS =
        new RetryPolicy(3, Duration.ofMillis(250), Duration.ofSeconds(8), Duration.ofSeconds(30), 42L);

    public RetryPolicy {
      if (maxAttempts < 1) throw new IllegalArgumentException("retry.max-attempts must be >= 1, got " + maxAttempts);
    }
  }

  /**
   * The circuit breaker of each endpoint: it opens after {@code consecutiveFailures} failures in a row, or when at
   * least {@code failureRatio} of the last {@code window} calls failed (once {@code minCalls} were made); after
   * {@code cooldown} one probe is let through (half-open).
   */
  public record BreakerPolicy(int consecutiveFailures, int window, double failureRatio, int minCalls,
      Duration cooldown) {
    public static final BreakerPolicy DEFAULTS = new BreakerPolicy(5, 20, 0.5, 10, Duration.ofSeconds(30));
  }

  /** Caps on escalations (moves to another route), so one bad request or build cannot walk the whole catalog. */
  public record Caps(int perRequest, int perBuild) {
    public static final Caps DEFAULTS = new Caps(3, 8);
  }
}
