package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code orchestrator stats} shows, computed from the calls since a date.
 *
 * @param requests distinct user-level requests
 * @param calls attempts (rows)
 * @param models success per model, most used first
 * @param fallbacksTaken successful answers served by a route other than the first
 * @param escalationReasons failure type -> how many times it moved a request to another route
 * @param costUnit {@code build} when the period has builds, else {@code request}
 * @param units how many builds (or requests) the cost figures cover
 * @param monthToDate spend since the first of this month (UTC), whatever {@code since} is
 * @param monthProjection month-to-date extrapolated linearly to the whole month
 * @param projectionForBuilds mean cost per build times {@code buildsPerMonth}
 * @param unpricedCalls successful paid calls without a price: their cost is unknown, not zero
 */
public record LedgerStats(
    Instant since,
    Instant until,
    int requests,
    int calls,
    List<ModelStats> models,
    int fallbacksTaken,
    Map<String, Integer> escalationReasons,
    String costUnit,
    int units,
    Money costMean,
    Money costP50,
    Money costP95,
    Money totalCost,
    Money totalSaved,
    Money monthToDate,
    Money monthProjection,
    int buildsPerMonth,
    Money projectionForBuilds,
    int unpricedCalls) {

  /**
   * Per-model success.
   *
   * @param skipped attempts not made (circuit open, budget)
   */
  public record ModelStats(String model, boolean local, int calls, int ok, int failed, int skipped, Money cost,
      Money saved) {
    /** {@return ok / (ok + failed), 0 when the model was never actually called} */
    public double successRate() {
      int tried = ok + failed;
      return tried == 0 ? 0 : (double) ok / tried;
    }
  }
}
