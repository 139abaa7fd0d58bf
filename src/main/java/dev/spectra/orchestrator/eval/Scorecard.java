package dev.spectra.orchestrator.eval;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The seed's five SPECTRA criteria, each scored 0–10 from measurements, and their weighted sum gated by the
 * success rate. The formulas are documented in docs/eval.md ("SPECTRA score"); keep the two in step.
 *
 * <ul>
 *   <li>Reliability = 10 × success rate (hidden-scenario-verified builds in build mode, usable plans in plan
 *       mode).</li>
 *   <li>Code quality = build mode: 10 × verified-build rate × (1 − mean fix iterations / (max iterations + 1));
 *       plan mode: 10 × raw validity (how often the model's own output was usable without help).</li>
 *   <li>Cost efficiency = 10 / (1 + monthly cost / reference), reference $10 a month: $0 scores 10, $3 scores 7.7,
 *       $75 scores 1.2.</li>
 *   <li>Autonomy = 10 × share of tokens served by local models.</li>
 *   <li>Performance = 10 at or under the fast time, 0 at or over the slow time, log-linear between
 *       (plan mode 2 s..120 s per plan; build mode 30 s..1800 s per build), on the p50 latency.</li>
 * </ul>
 *
 * <p>The total is the weighted sum times a <em>success gate</em>, min(1, success rate / 85%). The seed weights
 * autonomy first and cost second, but every one of its verdicts assumes the model builds: autonomy and a $0 bill
 * are worth nothing when no build succeeds, and it calls 85% "acceptable". So a subject at 0% scores 0, one below
 * 85% keeps that share of its weighted score, and at 85% or more the seed's weighting applies unchanged. A subject
 * that never succeeds therefore never scores above one that does.
 */
public final class Scorecard {
  /** The success rate the seed calls "acceptable for L3-Beta": at or above it the weighted sum is not reduced. */
  public static final double ACCEPTABLE_SUCCESS = 0.85;
  /** Monthly spend that halves the cost score. */
  static final double COST_REFERENCE_USD = 10.0;

  private final Weights weights;
  private final boolean buildMode;
  private final int maxIterations;

  public Scorecard(Weights weights, boolean buildMode, int maxIterations) {
    this.weights = weights;
    this.buildMode = buildMode;
    this.maxIterations = maxIterations;
  }

  /**
   * The measurements a score is computed from, apart from the samples, so the seed's own figures can be scored.
   *
   * @param successRate 0..1
   * @param qualityRate 0..1: build mode the verified-build rate discounted by fix iterations, plan mode raw validity
   * @param monthlyCostUsd projected spend at the run's builds per month
   * @param localShare 0..1 share of tokens served locally
   * @param latencyP50Ms per plan (plan mode) or per build (build mode); NaN when unknown
   */
  public record Inputs(double successRate, double qualityRate, double monthlyCostUsd, double localShare,
      double latencyP50Ms) {}

  /** {@return the five scores and the weighted total for one subject} */
  public Score score(SubjectMetrics m) {
    if (!m.available()) return Score.UNAVAILABLE;
    double quality = buildMode
        ? nz(m.buildSuccess().value()) * (1 - nz(m.meanFixIterations()) / (maxIterations + 1.0))
        : nz(m.rawValidity().value());
    return score(new Inputs(nz(m.success().value()), quality, m.monthlyCostUsd().doubleValue(), nz(m.localShare()),
        m.latencyP50Ms()));
  }

  /** {@return the five scores and the gated weighted total of {@code in}} */
  public Score score(Inputs in) {
    double reliability = 10 * in.successRate();
    double quality = 10 * in.qualityRate();
    double cost = 10 / (1 + Math.max(0, in.monthlyCostUsd()) / COST_REFERENCE_USD);
    double autonomy = 10 * in.localShare();
    double fast = buildMode ? 30_000 : 2_000;
    double slow = buildMode ? 1_800_000 : 120_000;
    double p50 = in.latencyP50Ms();
    double perf = Double.isNaN(p50) ? 0 : p50 <= fast ? 10 : p50 >= slow ? 0
        : 10 * (1 - Math.log(p50 / fast) / Math.log(slow / fast));
    double weighted = weights.reliability() * reliability + weights.quality() * quality + weights.cost() * cost
        + weights.autonomy() * autonomy + weights.performance() * perf;
    double gate = gate(in.successRate());
    return new Score(round(reliability), round(quality), round(cost), round(autonomy), round(perf), round(gate * 10) / 10,
        round(gate * weighted));
  }

  /** {@return min(1, success / 85%): the share of the weighted score a subject keeps at this success rate} */
  static double gate(double successRate) {
    return Math.max(0, Math.min(1, successRate / ACCEPTABLE_SUCCESS));
  }

  private static double nz(double d) {
    return Double.isNaN(d) ? 0 : d;
  }

  private static double round(double d) {
    return Math.round(d * 10) / 10.0;
  }

  /**
   * Five 0–10 scores, the success gate (0..1) and the gated weighted total; {@link #UNAVAILABLE} for a subject that
   * could not be reached.
   */
  public record Score(double reliability, double quality, double cost, double autonomy, double performance,
      double gate, double total) {
    public static final Score UNAVAILABLE = new Score(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN);

    public boolean available() { return !Double.isNaN(total); }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("reliability", available() ? reliability : null);
      m.put("code_quality", available() ? quality : null);
      m.put("cost_efficiency", available() ? cost : null);
      m.put("autonomy", available() ? autonomy : null);
      m.put("performance", available() ? performance : null);
      m.put("success_gate", available() ? gate : null);
      m.put("spectra", available() ? total : null);
      return m;
    }
  }

  /**
   * Weights of the five criteria; they sum to 1. The default follows the seed's rule "autonomy first, cost second,
   * reliability third", then code quality, then performance.
   */
  public record Weights(double autonomy, double cost, double reliability, double quality, double performance) {
    public static final Weights SEED = new Weights(0.30, 0.25, 0.20, 0.15, 0.10);

    public Weights {
      double sum = autonomy + cost + reliability + quality + performance;
      if (autonomy < 0 || cost < 0 || reliability < 0 || quality < 0 || performance < 0 || Math.abs(sum - 1) > 1e-6) {
        throw new IllegalArgumentException("weights must be >= 0 and sum to 1, got " + sum);
      }
    }

    /**
     * Parses {@code autonomy=0.3,cost=0.25,...}; criteria left out keep their default share, then all are scaled to
     * sum to 1.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static Weights parse(String spec) {
      Map<String, Double> w = new LinkedHashMap<>();
      w.put("autonomy", SEED.autonomy);
      w.put("cost", SEED.cost);
      w.put("reliability", SEED.reliability);
      w.put("quality", SEED.quality);
      w.put("performance", SEED.performance);
      for (String part : spec.split(",")) {
        if (part.isBlank()) continue;
        String[] kv = part.split("=", 2);
        String key = kv[0].strip().toLowerCase(Locale.ROOT).replace("code-quality", "quality")
            .replace("cost-efficiency", "cost");
        if (kv.length != 2 || !w.containsKey(key)) {
          throw new IllegalArgumentException("weight '" + part.strip()
              + "': expected NAME=NUMBER with NAME one of autonomy, cost, reliability, quality, performance");
        }
        try {
          double v = Double.parseDouble(kv[1].strip());
          if (v < 0 || Double.isNaN(v)) throw new NumberFormatException();
          w.put(key, v);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("weight '" + part.strip() + "': the value must be a number >= 0");
        }
      }
      double sum = w.values().stream().mapToDouble(Double::doubleValue).sum();
      if (sum <= 0) throw new IllegalArgumentException("weights must not all be 0");
      return new Weights(w.get("autonomy") / sum, w.get("cost") / sum, w.get("reliability") / sum,
          w.get("quality") / sum, w.get("performance") / sum);
    }
  }

}
