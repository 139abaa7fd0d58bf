package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeBuilder;

/**
 * The cascade a command calls models through, with its ledger; closing it commits the ledger's queued rows.
 * One per command run.
 */
final class Cascades implements AutoCloseable {
  private Ledgers.Handle ledger;
  private Cascade cascade;

  /** {@return the cascade of the configuration's default name; a bad routing config is a usage error naming it} */
  Cascade open(Io io, Config config, Providers providers) {
    if (cascade != null) return cascade;
    CascadeBuilder builder;
    try {
      builder = CascadeBuilder.fromConfig(config);
    } catch (ConfigException e) {
      throw ExitException.usage(e.getMessage());
    }
    ledger = Ledgers.open(io, config);
    try {
      // Budgets are reserved in the ledger database, so concurrent commands and workers share one monthly figure.
      cascade = builder.providers(providers::model).ledger(ledger.ledger())
          .budgetStore(new dev.spectra.orchestrator.ledger.SqlBudgetStore(ledger.ledger().database(),
              java.time.Clock.systemUTC())).build();
    } catch (IllegalArgumentException e) {
      close();
      throw ExitException.usage("routing: " + e.getMessage());
    }
    return cascade;
  }

  /** {@return the cascade for {@code name} (null: the default); an unknown name is a usage error listing the known} */
  Cascade resolve(Io io, Config config, Providers providers, String name) {
    Cascade base = open(io, config, providers);
    try {
      return base.resolve(name);
    } catch (IllegalArgumentException e) {
      throw ExitException.usage("--model: " + e.getMessage());
    }
  }

  /** {@return the ledger the cascade records into; only after {@link #open}} */
  dev.spectra.orchestrator.ledger.Ledger ledger() {
    if (ledger == null) throw new IllegalStateException("the cascade is not open yet");
    return ledger.ledger();
  }

  /** {@return whether {@code name} is a policy or a route of the routing config (not a catalog model)} */
  static boolean isRouteName(Config config, String name) {
    return name.equals("local-first") || name.equals("hybrid") || name.equals("cheapest-passing")
        || name.equals("fixed") || name.startsWith("fixed:") || config.routing().node().path("routes").has(name);
  }

  @Override public void close() {
    if (ledger != null) ledger.close();
    ledger = null;
  }
}
