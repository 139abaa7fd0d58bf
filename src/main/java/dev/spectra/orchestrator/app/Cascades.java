package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.SqlBudgetStore;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeBuilder;
import dev.spectra.orchestrator.reliability.RoutingPolicy;
import dev.spectra.orchestrator.structured.StructuredOptions;
import dev.spectra.orchestrator.structured.StructuredOutput;
import java.io.PrintWriter;
import java.util.Map;

/**
 * The cascade a command calls models through, with its ledger; closing it commits the ledger's queued rows.
 * One per command run. The static methods wire a cascade for the other entry points (the gateway, builds,
 * benchmarks).
 */
public final class Cascades implements AutoCloseable {
  private final Map<String, String> env;
  private final PrintWriter err;
  private Ledgers.Handle ledger;
  private Cascade cascade;

  /**
   * @param env the environment the ledger's location is resolved in
   * @param err where the ledger's shutdown hook reports rows it could not write
   */
  public Cascades(Map<String, String> env, PrintWriter err) {
    this.env = env;
    this.err = err;
  }

  /**
   * {@return a builder with the settings of the configuration's {@code routing} and {@code budgets} sections and
   * the structured-output engine on every route}; add providers (and a ledger) and build
   *
   * @throws ConfigException naming file, line and key of a bad value
   */
  public static CascadeBuilder builder(Config config) throws ConfigException {
    StructuredOptions options = StructuredOptions.defaults();
    return new CascadeBuilder(CascadeSettingsReader.read(config))
        .structuredOutput((model, spec) -> new StructuredOutput(model, spec, options));
  }

  /**
   * {@return {@code builder}, recording every attempt in {@code ledger} (before any other listener), reading
   * this month's spend and each model's recent health from it, and reserving budgets in its database}
   */
  public static CascadeBuilder recordingInto(CascadeBuilder builder, Ledger ledger) {
    // Budgets are reserved in the ledger database, so every process on it (gateway replicas, workers, commands)
    // draws on one monthly, per-build and per-key figure.
    return builder.history(new LedgerCallHistory(ledger)).listener(new LedgerAttemptRecorder(ledger))
        .budgetStore(new SqlBudgetStore(ledger.database(), java.time.Clock.systemUTC()));
  }

  /**
   * {@return the cascade of the configuration's default name}
   *
   * @throws SetupException a usage error naming a bad routing config or ledger
   */
  public Cascade open(Config config, Providers providers) {
    if (cascade != null) return cascade;
    CascadeBuilder builder;
    try {
      builder = builder(config);
    } catch (ConfigException e) {
      throw SetupException.usage(e.getMessage());
    }
    ledger = Ledgers.open(config, env, err);
    try {
      cascade = recordingInto(builder.providers(providers::model), ledger.ledger()).build();
    } catch (IllegalArgumentException e) {
      close();
      throw SetupException.usage("routing: " + e.getMessage());
    }
    return cascade;
  }

  /**
   * {@return the cascade for {@code name} (null: the default)}
   *
   * @throws SetupException a usage error for an unknown name, listing the known
   */
  public Cascade resolve(Config config, Providers providers, String name) {
    Cascade base = open(config, providers);
    try {
      return base.resolve(name);
    } catch (IllegalArgumentException e) {
      throw SetupException.usage("--model: " + e.getMessage());
    }
  }

  /** {@return the ledger the cascade records into; only after {@link #open}} */
  public Ledger ledger() {
    if (ledger == null) throw new IllegalStateException("the cascade is not open yet");
    return ledger.ledger();
  }

  /** {@return whether {@code name} is a policy or a route of the routing config (not a catalog model)} */
  public static boolean isRouteName(Config config, String name) {
    return RoutingPolicy.selects(name) || config.routing().value().routesOrEmpty().containsKey(name);
  }

  @Override public void close() {
    if (ledger != null) ledger.close();
    ledger = null;
  }
}
