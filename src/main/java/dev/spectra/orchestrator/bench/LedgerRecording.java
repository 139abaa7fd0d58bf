package dev.spectra.orchestrator.bench;

import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.reliability.CascadeBuilder;

/**
 * How a benchmark's cascade records into its ledger, handed in by the application (which owns that wiring), so the
 * figures include the cost of recording exactly as production pays it.
 */
@FunctionalInterface
public interface LedgerRecording {
  /** {@return {@code builder}, recording every attempt in {@code ledger} and reading spend and health from it} */
  CascadeBuilder into(CascadeBuilder builder, Ledger ledger);
}
