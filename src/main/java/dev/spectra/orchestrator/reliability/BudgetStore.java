package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Money;
import java.time.Duration;
import java.util.List;

/**
 * Where spending limits are counted: in this process, or in the ledger database so that every process on it
 * (gateway replicas, workers, commands) draws on one figure. A reservation holds an amount against every claim at
 * once or against none: there is no separate check before the hold, so concurrent callers cannot together pass a
 * limit that each alone would respect.
 */
public interface BudgetStore {

  /**
   * One limit a reservation must fit under.
   *
   * @param scope {@code month:2026-05}, {@code build:<id>} or {@code key:<id>}
   * @param limit the limit, or {@code null} for the store's own (a gateway key's budget) or none
   */
  record Claim(String scope, Money limit) {}

  /** An amount held against some scopes; settle it exactly once. */
  record Hold(String id, List<String> scopes, Money amount) {
    public Hold {
      scopes = List.copyOf(scopes);
    }
  }

  /** The result of a reservation. */
  sealed interface Outcome {
    /** Held against every claim. */
    record Held(Hold hold) implements Outcome {}

    /** Not held anywhere: this claim would be exceeded. {@code committed} is spent plus held now. */
    record Refused(Claim claim, Money committed, Money limit) implements Outcome {}
  }

  /**
   * Holds {@code amount} against every claim, or against none.
   *
   * @param ttl how long the hold outlives a process that dies before settling it
   */
  Outcome reserve(List<Claim> claims, Money amount, Duration ttl);

  /** Replaces a hold by what the call really cost. */
  void settle(Hold hold, Money actual);

  /** {@return what was spent (settled) in a scope} */
  Money spent(String scope);

  /** Sets a scope's spent figure when the store has none yet (the month's spend from the ledger, at start). */
  void seed(String scope, Money spent);
}
