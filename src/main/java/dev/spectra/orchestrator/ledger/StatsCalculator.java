package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Computes {@link LedgerStats} from call rows; in Java, so the SQL stays portable and money stays exact. */
final class StatsCalculator {
  private StatsCalculator() {}

  static LedgerStats compute(List<CallRecord> calls, Instant since, Instant now, Instant monthStart,
      Money monthToDate, int buildsPerMonth) {
    Map<String, int[]> counts = new LinkedHashMap<>();     // model -> calls, ok, failed, skipped
    Map<String, Money[]> money = new LinkedHashMap<>();    // model -> cost, saved
    Map<String, Boolean> local = new LinkedHashMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    Set<String> requests = new HashSet<>();
    Map<String, Money> perBuild = new LinkedHashMap<>();
    Map<String, Money> perRequest = new LinkedHashMap<>();
    int fallbacks = 0;
    int unpriced = 0;
    Money totalCost = Money.ZERO;
    Money totalSaved = Money.ZERO;
    for (CallRecord c : calls) {
      int[] n = counts.computeIfAbsent(c.model(), k -> new int[4]);
      Money[] m = money.computeIfAbsent(c.model(), k -> new Money[] {Money.ZERO, Money.ZERO});
      local.putIfAbsent(c.model(), c.local());  // rows come newest first: the current catalog entry wins
      n[0]++;
      switch (c.outcome()) {
        case "ok" -> n[1]++;
        case "skipped" -> n[3]++;
        default -> n[2]++;
      }
      if (c.requestId() != null) requests.add(c.requestId());
      if (c.succeeded() && c.tier() > 0) fallbacks++;
      if (!c.succeeded() && ("next-route".equals(c.decision()) || "larger-window".equals(c.decision()))) {
        reasons.merge(c.failureType() == null ? "unknown" : c.failureType(), 1, Integer::sum);
      }
      Money cost = c.cost();
      if (cost == null) {
        if (c.succeeded() && !c.local()) unpriced++;
        cost = Money.ZERO;
      }
      m[0] = m[0].plus(cost);
      m[1] = m[1].plus(c.saved());
      totalCost = totalCost.plus(cost);
      totalSaved = totalSaved.plus(c.saved());
      if (c.buildId() != null) perBuild.merge(c.buildId(), cost, Money::plus);
      if (c.requestId() != null) perRequest.merge(c.requestId(), cost, Money::plus);
    }
    List<LedgerStats.ModelStats> models = new ArrayList<>();
    for (var e : counts.entrySet()) {
      int[] n = e.getValue();
      Money[] m = money.get(e.getKey());
      models.add(new LedgerStats.ModelStats(e.getKey(), local.get(e.getKey()), n[0], n[1], n[2], n[3], m[0], m[1]));
    }
    models.sort(Comparator.comparingInt(LedgerStats.ModelStats::calls).reversed()
        .thenComparing(LedgerStats.ModelStats::model));

    boolean byBuild = !perBuild.isEmpty();
    List<Money> units = new ArrayList<>(byBuild ? perBuild.values() : perRequest.values());
    units.sort(Comparator.naturalOrder());
    Money mean = units.isEmpty() ? Money.ZERO : divide(sum(units), units.size());
    return new LedgerStats(since, now, requests.size(), calls.size(), List.copyOf(models), fallbacks,
        Map.copyOf(reasons), byBuild ? "build" : "request", units.size(), mean, percentile(units, 50),
        percentile(units, 95), totalCost, totalSaved, monthToDate, projectMonth(monthToDate, monthStart, now),
        buildsPerMonth, mean.times(buildsPerMonth), unpriced);
  }

  /** Month-to-date extrapolated over the whole month; at least one day counts as elapsed so day one is not wild. */
  static Money projectMonth(Money monthToDate, Instant monthStart, Instant now) {
    Instant monthEnd = monthStart.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
    long total = Duration.between(monthStart, monthEnd).toSeconds();
    long elapsed = Math.max(Duration.between(monthStart, now).toSeconds(), Duration.ofDays(1).toSeconds());
    elapsed = Math.min(elapsed, total);
    return new Money(monthToDate.usd().multiply(BigDecimal.valueOf(total))
        .divide(BigDecimal.valueOf(elapsed), MathContext.DECIMAL64));
  }

  /** Nearest-rank percentile of sorted values. */
  static Money percentile(List<Money> sorted, int p) {
    if (sorted.isEmpty()) return Money.ZERO;
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  private static Money sum(List<Money> values) {
    Money s = Money.ZERO;
    for (Money m : values) s = s.plus(m);
    return s;
  }

  private static Money divide(Money m, int n) {
    return new Money(m.usd().divide(BigDecimal.valueOf(n), MathContext.DECIMAL64));
  }
}
