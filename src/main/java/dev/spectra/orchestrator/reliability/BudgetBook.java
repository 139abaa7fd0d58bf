package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import java.time.Clock;
import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Per-build, per-calendar-month (UTC) and per-gateway-key spending limits. A paid call first <em>reserves</em> its
 * worst case (the prompt's estimated tokens plus the output cap, at the model's price) against every limit it falls
 * under, in one step of the {@link BudgetStore}; after the call the reservation is replaced by the real cost. So
 * concurrent calls, in this process or in any other on the same database, cannot together overshoot a limit, and a
 * limit is never checked against an optimistic guess. Local models never reach here.
 */
final class BudgetBook {
  static final String RAISE_MONTHLY = "raise it with ORCHESTRATOR_BUDGET_MONTHLY=USD or budgets.monthly-usd in "
      + "orchestrator.yaml";
  static final String RAISE_BUILD = "raise it with ORCHESTRATOR_BUDGET_BUILD=USD or budgets.build-usd in "
      + "orchestrator.yaml (or the build's own budget)";
  static final String RAISE_KEY = "create a key with a larger --budget, or revoke and replace this one";

  /** A held amount; {@link #settle} it exactly once. {@code hold} is null for an unpriced call that held nothing. */
  record Reservation(BudgetStore.Hold hold) {}

  private final CascadeSettings.Budgets settings;
  private final Clock clock;
  private final BudgetStore store;

  /** @param spentThisMonth what the ledger says was spent since the first of the month (seeds a new store) */
  BudgetBook(CascadeSettings.Budgets settings, Clock clock, Money spentThisMonth, BudgetStore store) {
    this.settings = settings;
    this.clock = clock;
    this.store = store;
    store.seed(monthScope(), spentThisMonth);
  }

  /**
   * Holds the worst-case cost of calling {@code spec} with {@code request}.
   *
   * @param buildLimit the build's own limit (from a session), or {@code null} for the configured one
   * @throws ModelException with {@link ModelError.BudgetExhausted} when a limit would be exceeded
   */
  Reservation reserve(ModelSpec spec, ModelRequest request, String buildId, Money buildLimit) throws ModelException {
    Money perBuild = buildLimit != null ? buildLimit : settings.perBuild();
    String keyId = request.context().apiKeyId();
    boolean limited = settings.monthly() != null || (buildId != null && perBuild != null);
    String month = monthScope();
    if (spec.price() == null) {
      // Unknown price under a budget: the limit could not be enforced, so refuse unless told otherwise.
      if ((limited || keyId != null) && !settings.allowUnpriced()) {
        boolean monthly = settings.monthly() != null;
        String which = monthly ? "monthly" : buildId != null && perBuild != null ? "build" : "key " + keyId;
        throw new ModelException(new ModelError.BudgetExhausted(which,
            monthly ? store.spent(month) : buildId != null ? store.spent("build:" + buildId) : Money.ZERO,
            monthly ? settings.monthly() : perBuild,
            "model " + spec.name() + " has no price in the catalog, so the budget cannot be enforced: add its "
                + "price, or set budgets.allow-unpriced: true"));
      }
      return new Reservation(null);
    }
    Money estimate = estimate(spec, request);
    List<BudgetStore.Claim> claims = new ArrayList<>(3);
    // Always counted, so stats and other processes see the month's spend; limited only when configured.
    claims.add(new BudgetStore.Claim(month, settings.monthly()));
    if (buildId != null) claims.add(new BudgetStore.Claim("build:" + buildId, perBuild));
    if (keyId != null) claims.add(new BudgetStore.Claim("key:" + keyId, null));
    // A process that dies mid-call leaves its hold; it lapses after the longest the call could have taken.
    Duration ttl = spec.timeouts().total().multipliedBy(2).plus(Duration.ofMinutes(1));
    return switch (store.reserve(claims, estimate, ttl)) {
      case BudgetStore.Outcome.Held h -> new Reservation(h.hold());
      case BudgetStore.Outcome.Refused r -> throw new ModelException(refusal(r, spec, estimate));
    };
  }

  private ModelError.BudgetExhausted refusal(BudgetStore.Outcome.Refused r, ModelSpec spec, Money estimate) {
    String scope = r.claim().scope();
    String why = "this call to " + spec.name() + " could cost up to " + estimate + "; ";
    if (scope.startsWith("month:")) {
      return new ModelError.BudgetExhausted("monthly (" + scope.substring(6) + ")", r.committed(), r.limit(),
          why + RAISE_MONTHLY);
    }
    if (scope.startsWith("build:")) {
      return new ModelError.BudgetExhausted("build " + scope.substring(6), r.committed(), r.limit(), why + RAISE_BUILD);
    }
    return new ModelError.BudgetExhausted("key " + scope.substring(4), r.committed(), r.limit(), why + RAISE_KEY);
  }

  /** Replaces a reservation by what the call really cost ({@code null}: unpriced, counts as nothing). */
  void settle(Reservation reservation, Money actual) {
    if (reservation.hold() == null) return;
    store.settle(reservation.hold(), actual == null ? Money.ZERO : actual);
  }

  Money monthSpent() { return store.spent(monthScope()); }

  Money spent(String buildId) { return store.spent("build:" + buildId); }

  /**
   * Worst case: prompt tokens estimated at 3 characters each (tokenizers average about 4 for English and fewer
   * for code, so this errs high) plus the output cap, or {@code defaultMaxTokens} when the request sets none.
   */
  Money estimate(ModelSpec spec, ModelRequest request) {
    long promptTokens = (request.promptText().length() + 2) / 3;
    long maxOut = request.maxTokens() != null ? request.maxTokens() : settings.defaultMaxTokens();
    maxOut = Math.max(0, Math.min(maxOut, spec.contextWindow()));
    return spec.price().cost(promptTokens, maxOut);
  }

  /** The month is the scope's name, so a new month starts from zero and a clock stepping back finds its old figure. */
  private String monthScope() {
    return "month:" + YearMonth.now(clock.withZone(ZoneOffset.UTC));
  }
}
