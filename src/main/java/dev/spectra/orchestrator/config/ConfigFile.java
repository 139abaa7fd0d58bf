package dev.spectra.orchestrator.config;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * One {@code orchestrator.yaml}, bound as written: every section, every key. A key not declared here is an error
 * (see {@link ConfigBinder}), so a section that nothing reads cannot be accepted and then ignored. A null component
 * is a key the file does not set. Durations are written one way everywhere: {@code 500ms}, {@code 30s},
 * {@code 2m}, {@code 1h}, or a bare number of seconds.
 *
 * @param llm the default model ({@code ORCHESTRATOR_LLM_*})
 * @param fallback the fallback model ({@code ORCHESTRATOR_FALLBACK_*})
 * @param models catalog entries: new ones, or fields over a built-in entry of the same name
 * @param referenceModel the cloud model whose prices define what a local answer "saved"
 * @param routing read by the cascade: policies, routes, retries, breakers, escalation caps
 * @param budgets read by the cascade: spending limits
 * @param ledger read by the ledger: where it stores rows
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
public record ConfigFile(Endpoint llm, Endpoint fallback, Map<String, Model> models, String referenceModel,
    Ollama ollama, Routing routing, Budgets budgets, LedgerLocation ledger) {

  /** An empty file: every section unset. */
  static final ConfigFile EMPTY = new ConfigFile(null, null, null, null, null, null, null, null);

  /** {@code llm:} or {@code fallback:}: where a model is served and in which dialect. */
  public record Endpoint(String url, String model, String kind) {}

  /** {@code ollama:}; {@code keep-alive: null} asks for Ollama's own default. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Ollama(String keepAlive) {}

  /**
   * One {@code models:} entry. {@code price: null} (unpriced) and {@code api-key-env: null} (no key) differ from
   * an absent key, so {@link ConfigLoader} asks the file which of the two it holds.
   */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Model(String kind, String endpoint, String modelId, Boolean local, Price price,
      Integer contextWindow, List<String> capabilities, Timeouts timeouts, Integer maxConcurrent,
      String apiKeyEnv) {}

  /** US dollars per million tokens. */
  public record Price(BigDecimal input, BigDecimal output) {}

  /** {@code load} is the older name of {@code first-token}. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Timeouts(Duration connect, @JsonAlias("load") Duration firstToken, Duration total) {}

  /** {@code routing:}, documented in docs/routing-budgets-ledger.md. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Routing(@JsonProperty("default") String defaultName, List<String> localModels,
      List<String> fallbacks, Map<String, List<String>> routes, Hybrid hybrid, Retries retry, Breaker breaker,
      Integer maxEscalationsPerRequest, Integer maxEscalationsPerBuild) {

    public static final Routing NONE = new Routing(null, null, null, null, null, null, null, null, null);

    /** {@return the named routes, in file order; empty when none} */
    public Map<String, List<String>> routesOrEmpty() { return routes == null ? Map.of() : routes; }

    /** {@return whether any setting of this section names {@code model}} */
    public boolean mentions(String model) {
      List<String> names = new ArrayList<>();
      Stream.of(localModels, fallbacks).filter(Objects::nonNull).forEach(names::addAll);
      routesOrEmpty().values().stream().filter(Objects::nonNull).forEach(names::addAll);
      if (hybrid != null) Stream.of(hybrid.simpleModel(), hybrid.complexModel()).forEach(names::add);
      names.add(defaultName);
      return names.contains(model);
    }
  }

  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Hybrid(String simpleModel, String complexModel, Integer maxSimpleTokens, Integer maxSimpleEntities,
      Integer maxSimpleOperations, Integer maxSimpleRules) {}

  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Retries(Integer maxAttempts, Duration baseDelay, Duration maxDelay, Duration maxRetryAfter,
      Long seed) {}

  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Breaker(Integer consecutiveFailures, Integer window, Double failureRatio, Integer minCalls,
      Duration cooldown) {}

  /** {@code budgets:}; the environment's budget variables take precedence over these. */
  @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
  public record Budgets(BigDecimal monthlyUsd, BigDecimal buildUsd, Boolean allowUnpriced,
      Integer defaultMaxTokens) {

    public static final Budgets NONE = new Budgets(null, null, null, null);
  }

  /** {@code ledger:}: a JDBC URL or a SQLite file; {@code ORCHESTRATOR_DB_URL} takes precedence. */
  public record LedgerLocation(String url, String file) {

    public static final LedgerLocation NONE = new LedgerLocation(null, null);
  }
}
