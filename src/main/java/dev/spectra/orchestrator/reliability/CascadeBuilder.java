package dev.spectra.orchestrator.reliability;

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
 * structured-output engine, the call history and listeners, and for tests a clock and a sleeper.
 *
 * <pre>{@code
 * Cascade models = new CascadeBuilder(settings)
 *     .providers(spec -> Providers.create(spec, secrets))
 *     .structuredOutput((model, spec) -> new StructuredOutput(model, spec, options))
 *     .history(history)
 *     .listener(recorder)
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
  private CallHistory history = CallHistory.NONE;
  private BudgetStore budgetStore;
  private final List<AttemptListener> listeners = new ArrayList<>();
  private Clock clock = Clock.systemUTC();
  private Sleeper sleeper = Sleeper.SYSTEM;

  public CascadeBuilder(CascadeSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
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

  /** Gives budgets this month's spend so far and {@code cheapest-passing} the recent health of each model. */
  public CascadeBuilder history(CallHistory history) {
    this.history = Objects.requireNonNull(history, "history");
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
    AttemptListener listener = AttemptListener.all(List.copyOf(listeners));
    MonotonicClock time = new MonotonicClock(clock);
    Breakers breakers = new Breakers(settings.breaker(), time, listener);
    HealthView health = new HealthView(history, clock);
    RouteTable table = new RouteTable(settings, spec -> breakers.wouldAllow(spec) && health.passing(spec.name()));
    ModelSpec reference = settings.referenceModel() == null ? null : table.catalog().get(settings.referenceModel());
    Pricing pricing = new Pricing(settings.catalogVersion(), reference);
    Money spentThisMonth = history.spentSince(monthStart(clock.instant()));
    BudgetBook budgets = new BudgetBook(settings.budgets(), clock, spentThisMonth,
        budgetStore != null ? budgetStore : new MemoryBudgetStore());
    Engine engine = new Engine(settings, table, pricing, budgets, breakers, listener, clock, sleeper, providers,
        structuredOutput);
    return new Cascade(engine, settings.defaultModel());
  }

  static Instant monthStart(Instant now) {
    return now.atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** Recent failure ratios, refreshed at most once a minute (a ledger read is a queue round trip). */
  private static final class HealthView {
    private final CallHistory history;
    private final Clock clock;
    private Map<String, CallHistory.ModelHealth> snapshot = Map.of();
    private Instant takenAt;

    HealthView(CallHistory history, Clock clock) {
      this.history = history;
      this.clock = clock;
    }

    synchronized boolean passing(String model) {
      Instant now = clock.instant();
      if (takenAt == null || now.isBefore(takenAt) || now.isAfter(takenAt.plus(Duration.ofMinutes(1)))) {
        snapshot = history.healthSince(now.minus(HEALTH_WINDOW));
        takenAt = now;
      }
      CallHistory.ModelHealth h = snapshot.get(model);
      return h == null || h.calls() < HEALTH_MIN_CALLS || h.failureRatio() < HEALTH_MAX_FAILURE_RATIO;
    }
  }
}
