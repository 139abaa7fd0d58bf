package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.reliability.BudgetStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * A separate process reserving against one budget until it is refused: {@code URL SCOPE LIMIT_USD AMOUNT_USD}.
 * Prints how many reservations it got. Run by {@link SqlBudgetStoreTest} several at once.
 */
public final class ReservationClient {
  private ReservationClient() {}

  public static void main(String[] args) {
    try (Database db = Database.open(args[0])) {
      System.out.println(reserveUntilRefused(new SqlBudgetStore(db, Clock.systemUTC()), args[1],
          Money.usd(args[2]), Money.usd(args[3])));
    }
  }

  /** Reserves and settles {@code amount} at its full value until the store refuses; returns how many were held. */
  static int reserveUntilRefused(BudgetStore store, String scope, Money limit, Money amount) {
    int held = 0;
    while (true) {
      BudgetStore.Outcome o = store.reserve(List.of(new BudgetStore.Claim(scope, limit)), amount,
          Duration.ofMinutes(5));
      if (!(o instanceof BudgetStore.Outcome.Held h)) return held;
      held++;
      store.settle(h.hold(), amount);
    }
  }
}
