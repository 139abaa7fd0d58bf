package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.reliability.CallHistory;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The cascade's {@link CallHistory}, read from the ledger's call rows. */
final class LedgerCallHistory implements CallHistory {
  private final Ledger ledger;

  LedgerCallHistory(Ledger ledger) {
    this.ledger = ledger;
  }

  @Override public Money spentSince(Instant since) {
    return ledger.spentSince(since);
  }

  @Override public Map<String, ModelHealth> healthSince(Instant since) {
    Map<String, ModelHealth> out = new LinkedHashMap<>();
    ledger.health(since).forEach((model, h) -> out.put(model, new ModelHealth(h.calls(), h.failures())));
    return out;
  }
}
