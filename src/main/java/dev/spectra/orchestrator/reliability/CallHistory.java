package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Money;
import java.time.Instant;
import java.util.Map;

/**
 * What the cascade reads back from past calls: this month's spend for the budget guard, and recent failure ratios
 * for {@code cheapest-passing}. The ledger provides it (wired by the application); without one nothing was spent
 * and every model is healthy.
 */
public interface CallHistory {
  /** {@return what calls since {@code since} cost} */
  Money spentSince(Instant since);

  /** {@return per catalog model name, how many calls were made since {@code since} and how many failed} */
  Map<String, ModelHealth> healthSince(Instant since);

  /** Calls made and how many failed. */
  record ModelHealth(int calls, int failures) {
    public double failureRatio() { return calls == 0 ? 0 : (double) failures / calls; }
  }

  CallHistory NONE = new CallHistory() {
    @Override public Money spentSince(Instant since) { return Money.ZERO; }

    @Override public Map<String, ModelHealth> healthSince(Instant since) { return Map.of(); }
  };
}
