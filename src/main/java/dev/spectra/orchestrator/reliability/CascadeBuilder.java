package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.structured.StructuredOptions;
import dev.spectra.orchestrator.structured.StructuredOutput;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Wires a {@link Cascade}: settings (catalog, routes, budgets, policies), a factory of bare provider models, the
 * structured-output engine, the ledger and listeners, and for tests a clock and a sleeper.
 *
 * <pre>{@code
 * Cascade models = new CascadeBuilder(settings)
 *     .providers(spec -> Providers.create(spec, secrets))
 *     .structuredOutput((model, spec) -> new StructuredOutput(model, spec, options))
 *     .ledger(ledger)
 *     .build();
 * Model hybrid = models.resolve("hybrid");
 * }</pre>
 */
public final class CascadeBuilder {
  /** How far back {@code cheapest-passing} looks in the ledger for models that fail. */
  static final Duration HEALTH_WINDOW = Duration.ofHours(1);
  /** Recent failure ratio (over at least {@link #HEALTH_MIN_CALLS} calls) that demotes a model. */
  static final double HEALTH_MAX_FAILURE_RATIO = 0.5;
  static final int HEALTH_MIN_CALLS = 3;

  private CascadeSettings settings;
  private Function<ModelSpec, Model> providers;
  private BiFunction<Model, ModelSpec, Model> structuredOutput = (model, spec) -> model;
  private Ledger ledger;
  private BudgetStore budgetStore;
  private final List<AttemptListener> listeners = new ArrayList<>();
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.SYSTEM;

  public CascadeBuilder(CascadeSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * {@return a builder with the settings of the configuration's {@code routing} and {@code budgets} sections and
   * the structured-output engine on every route}; add {@link #providers} (and a ledger) and build
   *
   * @throws ConfigException naming file, line and key of a bad value
   */
  public static CascadeBuilder fromConfig(Config config) throws ConfigException {
    StructuredOptions options = StructuredOptions.defaults();
    return new CascadeBuilder(ConfigReader.read(config))
        .structuredOutput((model, spec) -> new StructuredOutput(model, spec, options));
  }

  /** {@return the settings this builder builds from} */
  public CascadeSettings settings() { return settings; }

  /** The bare provider call for a catalog entry; called once per model. */
  public CascadeBuilder providers(Function<ModelSpec, Model> factory) {
    this.providers = Objects.requireNonNull(factory, "factory");
    return this;
  }

  /** Wraps each route's provider in the structured-output engine, so an invalid answer moves to the next route. */
  public CascadeBuilder structuredOutput(BiFunction<Model, ModelSpec, Model> wrap) {
    this.structuredOutput = Objects.requireNonNull(wrap, "wrap");
    return this;
  }

  /** Records every attempt; also gives budgets this month's spend so far and {@code cheapest-passing} its health. */
  public CascadeBuilder ledger(Ledger ledger) {
    this.ledger = ledger;
    return this;
  }

  /**
   * Counts budgets in {@code store} (the ledger database, shared by every process on it) instead of in this
   * process alone.
   */
  public CascadeBuilder budgetStore(BudgetStore store) {
    this.budgetStore = store;
    return this;
  }

  /** Replaces the settings, e.g. to apply command-line budget flags over the configured ones. */
  public CascadeBuilder settings(CascadeSettings newSettings) {
    this.settings = Objects.requireNonNull(newSettings, "settings");
    return this;
  }

  public CascadeBuilder listener(AttemptListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    return this;
  }

  public CascadeBuilder clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  public CascadeBuilder sleeper(Sleeper sleeper) {
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    return this;
  }

  /**
   * {@return the cascade of the default model name}
   *
   * @throws IllegalArgumentException when the settings name an unknown model or routes form a cycle (the message
   *     names it)
   */
  public Cascade build() {
    if (providers == null) throw new IllegalStateException("CascadeBuilder needs providers(...)");
    List<AttemptListener> all = new ArrayList<>();
    if (ledger != null) all.add(new LedgerRecorder(ledger));
    all.addAll(listeners);
    AttemptListener listener = AttemptListener.all(all);
    MonotonicClock time = new MonotonicClock(clock);
    Breakers breakers = new Breakers(settings.breaker(), time, listener);
    HealthView health = new HealthView(ledger, clock);
    RouteTable table = new RouteTable(settings, spec -> breakers.wouldAllow(spec) && health.passing(spec.name()));
    ModelSpec reference = settings.referenceModel() == null ? null : table.catalog().get(settings.referenceModel());
    Pricing pricing = new Pricing(settings.catalogVersion(), reference);
    Money spentThisMonth = ledger == null ? Money.ZERO : ledger.spentSince(monthStart(clock.instant()));
    Budgets budgets = new Budgets(settings.budgets(), clock, spentThisMonth,
        budgetStore != null ? budgetStore : new MemoryBudgetStore());
    Engine engine = new Engine(settings, table, pricing, budgets, breakers, listener, clock, sleeper, providers,
        structuredOutput);
    return new Cascade(engine, settings.defaultModel());
  }

  static Instant monthStart(Instant now) {
    return now.atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Recent failure ratios from the ledger, refreshed at most once a minute (a ledger read is a queue round trip). */
  private static final class HealthView {
    private final Ledger ledger;
    private final Clock clock;
    private Map<String, Ledger.Health> snapshot = Map.of();
    private Instant takenAt;

    HealthView(Ledger ledger, Clock clock) {
      this.ledger = ledger;
      this.clock = clock;
    }

    synchronized boolean passing(String model) {
      if (ledger == null) return true;
      Instant now = clock.instant();
      if (takenAt == null || now.isBefore(takenAt) || now.isAfter(takenAt.plus(Duration.ofMinutes(1)))) {
        snapshot = ledger.health(now.minus(HEALTH_WINDOW));
        takenAt = now;
      }
      Ledger.Health h = snapshot.get(model);
      return h == null || h.calls() < HEALTH_MIN_CALLS || h.failureRatio() < HEALTH_MAX_FAILURE_RATIO;
    }
  }
}
