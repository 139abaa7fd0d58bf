package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-build and per-calendar-month (UTC) spending limits. A paid call first <em>reserves</em> its worst case (the
 * prompt's estimated tokens plus the output cap, at the model's price); after the call the reservation is replaced
 * by the real cost. So concurrent calls cannot together overshoot a limit, and a limit is never checked against
 * an optimistic guess. Local models never reach here. Thread-safe: every check-and-reserve is one critical section.
 */
final class BudgetBook {
  static final String RAISE_MONTHLY = "raise it with ORCHESTRATOR_BUDGET_MONTHLY=USD or budgets.monthly-usd in "
      + "orchestrator.yaml";
  static final String RAISE_BUILD = "raise it with ORCHESTRATOR_BUDGET_BUILD=USD or budgets.build-usd in "
      + "orchestrator.yaml (or the build's own budget)";

  /** A held amount; {@link #settle} it exactly once. */
  record Reservation(String buildId, YearMonth month, Money amount) {}

  private final CascadeSettings.Budgets settings;
  private final Clock clock;
  private YearMonth month;
  private Money monthSpent;
  private Money monthHeld = Money.ZERO;
  private final Map<String, Money[]> builds = new HashMap<>();  // build id -> spent, held

  /** @param spentThisMonth what the ledger says was spent since the first of the month */
  BudgetBook(CascadeSettings.Budgets settings, Clock clock, Money spentThisMonth) {
    this.settings = settings;
    this.clock = clock;
    this.month = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    this.monthSpent = spentThisMonth;
  }

  /**
   * Holds the worst-case cost of calling {@code spec} with {@code request}.
   *
   * @param buildLimit the build's own limit (from a session), or {@code null} for the configured one
   * @throws ModelException with {@link ModelError.BudgetExhausted} when a limit would be exceeded
   */
  synchronized Reservation reserve(ModelSpec spec, ModelRequest request, String buildId, Money buildLimit)
      throws ModelException {
    rollMonth();
    Money perBuild = buildLimit != null ? buildLimit : settings.perBuild();
    boolean limited = settings.monthly() != null || (buildId != null && perBuild != null);
    if (spec.price() == null) {
      // Unknown price under a budget: the limit could not be enforced, so refuse unless told otherwise.
      if (limited && !settings.allowUnpriced()) {
        boolean monthly = settings.monthly() != null;
        throw new ModelException(new ModelError.BudgetExhausted(monthly ? "monthly" : "build",
            monthly ? monthSpent.plus(monthHeld) : spent(buildId), monthly ? settings.monthly() : perBuild,
            "model " + spec.name() + " has no price in the catalog, so the budget cannot be enforced: add its "
                + "price, or set budgets.allow-unpriced: true"));
      }
      return new Reservation(buildId, month, Money.ZERO);
    }
    Money estimate = estimate(spec, request);
    if (settings.monthly() != null && monthSpent.plus(monthHeld).plus(estimate).exceeds(settings.monthly())) {
      throw new ModelException(new ModelError.BudgetExhausted("monthly (" + month + ")", monthSpent.plus(monthHeld),
          settings.monthly(), "this call to " + spec.name() + " could cost up to " + estimate + "; " + RAISE_MONTHLY));
    }
    if (buildId != null && perBuild != null) {
      Money[] b = builds.computeIfAbsent(buildId, k -> new Money[] {Money.ZERO, Money.ZERO});
      if (b[0].plus(b[1]).plus(estimate).exceeds(perBuild)) {
        throw new ModelException(new ModelError.BudgetExhausted("build " + buildId, b[0].plus(b[1]), perBuild,
            "this call to " + spec.name() + " could cost up to " + estimate + "; " + RAISE_BUILD));
      }
      b[1] = b[1].plus(estimate);
    }
    monthHeld = monthHeld.plus(estimate);
    return new Reservation(buildId, month, estimate);
  }

  /** Replaces a reservation by what the call really cost ({@code null}: unpriced, counts as nothing). */
  synchronized void settle(Reservation reservation, Money actual) {
    rollMonth();
    Money real = actual == null ? Money.ZERO : actual;
    if (reservation.month().equals(month)) {
      monthHeld = monthHeld.minus(reservation.amount());
      monthSpent = monthSpent.plus(real);
    }
    if (reservation.buildId() != null) {
      Money[] b = builds.computeIfAbsent(reservation.buildId(), k -> new Money[] {Money.ZERO, Money.ZERO});
      b[1] = b[1].minus(reservation.amount());
      b[0] = b[0].plus(real);
    }
  }

  synchronized Money monthSpent() { return monthSpent; }

  synchronized Money spent(String buildId) {
    Money[] b = builds.get(buildId);
    return b == null ? Money.ZERO : b[0];
  }

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

  private void rollMonth() {
    YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
    // Only forward: a clock stepping back across a month boundary must not refill a spent budget.
    if (now.isAfter(month)) {
      month = now;
      monthSpent = Money.ZERO;
      monthHeld = Money.ZERO;
    }
  }
}
