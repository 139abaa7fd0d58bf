package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Money;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Limits counted in this process only: for tests, benchmarks and a cascade without a ledger database. Claims
 * without a limit are counted but never refuse. Every reservation is one critical section.
 */
final class MemoryBudgetStore implements BudgetStore {
  /** Spent and held per scope. */
  private final Map<String, Money[]> counters = new HashMap<>();

  @Override public synchronized Outcome reserve(List<Claim> claims, Money amount, Duration ttl) {
    for (Claim c : claims) {
      Money[] f = counter(c.scope());
      Money committed = f[0].plus(f[1]);
      if (c.limit() != null && committed.plus(amount).exceeds(c.limit())) {
        return new Outcome.Refused(c, committed, c.limit());
      }
    }
    for (Claim c : claims) {
      Money[] f = counter(c.scope());
      f[1] = f[1].plus(amount);
    }
    return new Outcome.Held(new Hold(UUID.randomUUID().toString(), claims.stream().map(Claim::scope).toList(), amount));
  }

  @Override public synchronized void settle(Hold hold, Money actual) {
    for (String scope : hold.scopes()) {
      Money[] f = counter(scope);
      f[1] = f[1].minus(hold.amount());
      f[0] = f[0].plus(actual);
    }
  }

  @Override public synchronized Money spent(String scope) {
    Money[] f = counters.get(scope);
    return f == null ? Money.ZERO : f[0];
  }

  @Override public synchronized void seed(String scope, Money spent) {
    counters.putIfAbsent(scope, new Money[] {spent, Money.ZERO});
  }

  private Money[] counter(String scope) {
    return counters.computeIfAbsent(scope, k -> new Money[] {Money.ZERO, Money.ZERO});
  }
}
