package dev.spectra.orchestrator.eval;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything measured for one subject, computed from its samples alone: every count in every table of every report
 * comes from here, so two cells can never disagree. Rates carry their n and a Wilson interval.
 *
 * @param available false when no sample of the subject reached its endpoint
 * @param obtainedBy how final JSON values were obtained ({@link Sample#obtainedBy()}) to count; its
 *     {@code RAW_VALID} count is {@code rawValidity.successes()} by construction
 * @param functional build mode: samples whose hidden scenarios all passed; plan mode: plans that carry them
 * @param functionalSecure build mode: functional with no security finding
 * @param costPerSampleUsd measured: per plan call in plan mode, per build in build mode
 * @param projectedCostPerBuildUsd plan mode: the per-plan cost scaled to a whole build's tokens (see
 *     {@link BuildProjection}); build mode: the measured cost per build
 * @param costPerSuccessUsd measured cost over successful samples (per successful build in build mode); null with
 *     no success
 * @param monthlyCostUsd {@code projectedCostPerBuildUsd} times the run's builds per month
 * @param localShare share of tokens served by local models (0..1), NaN without tokens
 * @param escalationReasons reason to count, over all samples
 */
public record SubjectMetrics(
    String subject,
    boolean simulated,
    boolean available,
    String mode,
    int samples,
    Rate rawValidity,
    Rate engineValidity,
    Map<String, Integer> obtainedBy,
    Rate planSuccess,
    Rate functional,
    Rate functionalSecure,
    double meanFixIterations,
    double latencyP50Ms,
    double latencyP95Ms,
    double ttftP50Ms,
    double tokensPerSecond,
    double tokensPerSample,
    double projectedTokensPerBuild,
    BigDecimal costPerSampleUsd,
    BigDecimal projectedCostPerBuildUsd,
    BigDecimal costPerSuccessUsd,
    BigDecimal monthlyCostUsd,
    double localShare,
    Map<String, Integer> escalationReasons,
    String unavailableReason,
    long[] latenciesMs) {

  /** Aggregates {@code samples} of one subject. */
  public static SubjectMetrics of(String subject, boolean simulated, String mode, List<Sample> samples,
      int buildsPerMonth, BuildProjection projection, String unavailableReason) {
    boolean build = mode.equals("build");
    List<Sample> ok = samples.stream().filter(Sample::available).toList();
    int n = ok.size();
    int raw = (int) ok.stream().filter(Sample::rawValid).count();
    int engine = (int) ok.stream().filter(Sample::engineValid).count();
    int plan = (int) ok.stream().filter(Sample::planOk).count();
    int functional = (int) ok.stream().filter(Sample::succeeded).count();
    int secure = (int) ok.stream().filter(Sample::succeededSecurely).count();
    Map<String, Integer> obtained = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    long[] lat = new long[n];
    List<Long> ttfts = new ArrayList<>();
    long completion = 0;
    long total = 0;
    long local = 0;
    long latencySum = 0;
    double fix = 0;
    BigDecimal cost = BigDecimal.ZERO;
    for (int i = 0; i < n; i++) {
      Sample s = ok.get(i);
      obtained.merge(s.obtainedBy(), 1, Integer::sum);
      for (String r : s.escalations()) reasons.merge(r, 1, Integer::sum);
      lat[i] = s.latencyMs();
      if (s.ttftMs() >= 0) ttfts.add(s.ttftMs());
      completion += s.completionTokens();
      total += s.totalTokens();
      local += s.localTokens();
      latencySum += s.latencyMs();
      fix += s.fixIterations();
      cost = cost.add(s.costUsd());
    }
    long[] sortedLat = lat.clone();
    Arrays.sort(sortedLat);
    long[] sortedTtft = ttfts.stream().mapToLong(Long::longValue).sorted().toArray();
    BigDecimal perSample = n == 0 ? BigDecimal.ZERO : cost.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64);
    BigDecimal perSuccess = functional == 0 ? null : cost.divide(BigDecimal.valueOf(functional), MathContext.DECIMAL64);
    double tokensPerSample = n == 0 ? Double.NaN : (double) total / n;
    double projectedTokens = build || n == 0 ? tokensPerSample : tokensPerSample + projection.otherStepTokens();
    // The other steps are priced at the subject's own measured dollars per token of the plan calls.
    BigDecimal projected = build || total == 0 ? perSample
        : perSample.multiply(BigDecimal.valueOf(projectedTokens / tokensPerSample), MathContext.DECIMAL64);
    String reason = n > 0 ? null
        : unavailableReason != null ? unavailableReason
        : samples.isEmpty() ? "no sample ran" : samples.get(0).error();
    return new SubjectMetrics(subject, simulated, n > 0, mode, n, Rate.of(raw, n), Rate.of(engine, n), obtained,
        Rate.of(plan, n), Rate.of(functional, n), Rate.of(secure, n), build && n > 0 ? fix / n : Double.NaN,
        percentile(sortedLat, 0.50), percentile(sortedLat, 0.95), percentile(sortedTtft, 0.50),
        latencySum == 0 ? Double.NaN : completion * 1000.0 / latencySum, tokensPerSample, projectedTokens, perSample,
        projected, perSuccess, projected.multiply(BigDecimal.valueOf(buildsPerMonth)),
        total == 0 ? Double.NaN : (double) local / total, reasons, reason, sortedLat);
  }

  /** {@return the success rate of the mode that ran: functional builds in build mode, plans in plan mode} */
  public Rate success() {
    return functional;
  }

  /** {@return the verified-build rate for code quality: build mode only} */
  public Rate buildSuccess() {
    return mode.equals("build") ? functional : Rate.of(0, 0);
  }

  /** Nearest-rank percentile of sorted values; NaN when empty. */
  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** {@return the figures for JSON output, in a stable order; numbers raw, not rounded} */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subject", subject);
    m.put("simulated", simulated);
    m.put("available", available);
    m.put("samples", samples);
    m.put("raw_validity", rate(rawValidity));
    m.put("engine_validity", rate(engineValidity));
    m.put("obtained_by", obtainedBy);
    m.put("plan_success", rate(planSuccess));
    m.put(mode.equals("build") ? "functional" : "success", rate(functional));
    if (mode.equals("build")) m.put("functional_and_secure", rate(functionalSecure));
    m.put("mean_fix_iterations", num(meanFixIterations));
    m.put("latency_p50_ms", num(latencyP50Ms));
    m.put("latency_p95_ms", num(latencyP95Ms));
    m.put("ttft_p50_ms", num(ttftP50Ms));
    m.put("tokens_per_second", num(tokensPerSecond));
    m.put(mode.equals("build") ? "tokens_per_build" : "tokens_per_plan", num(tokensPerSample));
    m.put(mode.equals("build") ? "cost_per_build_usd" : "cost_per_plan_usd", costPerSampleUsd);
    if (!mode.equals("build")) {
      m.put("projected_tokens_per_build", num(projectedTokensPerBuild));
      m.put("projected_cost_per_build_usd", projectedCostPerBuildUsd);
    }
    m.put(mode.equals("build") ? "cost_per_successful_build_usd" : "cost_per_successful_plan_usd", costPerSuccessUsd);
    m.put("monthly_cost_usd", monthlyCostUsd);
    m.put("local_token_share", num(localShare));
    m.put("escalations", escalationReasons);
    if (unavailableReason != null) m.put("unavailable_reason", unavailableReason);
    return m;
  }

  static Map<String, Object> rate(Rate r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("successes", r.successes());
    m.put("n", r.n());
    m.put("rate", num(r.value()));
    m.put("ci95_low", r.n() == 0 ? null : r.low());
    m.put("ci95_high", r.n() == 0 ? null : r.high());
    return m;
  }

  private static Object num(double d) {
    return Double.isNaN(d) || Double.isInfinite(d) ? null : d;
  }
}
