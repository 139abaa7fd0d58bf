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
 * Everything measured for one subject, computed from its samples. Rates carry their n and a Wilson interval.
 *
 * @param available false when no sample of the subject reached its endpoint
 * @param stages how final JSON values were obtained: stage name to count
 * @param monthlyCostUsd projected monthly spend at {@code buildsPerMonth} builds
 * @param localShare share of tokens served by local models (0..1), NaN without tokens
 * @param escalationReasons reason to count, over all samples
 */
public record SubjectMetrics(
    String subject,
    boolean simulated,
    boolean available,
    int samples,
    Rate rawValidity,
    Rate engineValidity,
    Map<String, Integer> stages,
    Rate planSuccess,
    Rate buildSuccess,
    double meanFixIterations,
    double latencyP50Ms,
    double latencyP95Ms,
    double ttftP50Ms,
    double tokensPerSecond,
    double tokensPerBuild,
    BigDecimal costPerBuildUsd,
    BigDecimal costPerSuccessUsd,
    BigDecimal monthlyCostUsd,
    double localShare,
    Map<String, Integer> escalationReasons,
    String unavailableReason,
    long[] latenciesMs) {

  /** Aggregates {@code samples} of one subject. */
  public static SubjectMetrics of(String subject, boolean simulated, List<Sample> samples, int buildsPerMonth,
      String unavailableReason) {
    List<Sample> ok = samples.stream().filter(Sample::available).toList();
    int n = ok.size();
    int raw = (int) ok.stream().filter(Sample::rawValid).count();
    int engine = (int) ok.stream().filter(Sample::engineValid).count();
    int plan = (int) ok.stream().filter(Sample::planOk).count();
    List<Sample> builds = ok.stream().filter(s -> s.buildOk() != null).toList();
    int buildPassed = (int) builds.stream().filter(Sample::buildOk).count();
    Map<String, Integer> stages = new TreeMap<>();
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
      stages.merge(s.jsonStage() == null ? "NOT_REQUESTED" : s.jsonStage(), 1, Integer::sum);
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
    int successes = builds.isEmpty() ? plan : buildPassed;
    BigDecimal perBuild = n == 0 ? BigDecimal.ZERO : cost.divide(BigDecimal.valueOf(n), MathContext.DECIMAL64);
    BigDecimal perSuccess = successes == 0 ? null : cost.divide(BigDecimal.valueOf(successes), MathContext.DECIMAL64);
    String reason = n > 0 ? null
        : unavailableReason != null ? unavailableReason
        : samples.isEmpty() ? "no sample ran" : samples.get(0).error();
    return new SubjectMetrics(subject, simulated, n > 0, n, Rate.of(raw, n), Rate.of(engine, n), stages,
        Rate.of(plan, n), Rate.of(buildPassed, builds.size()), builds.isEmpty() ? Double.NaN : fix / builds.size(),
        percentile(sortedLat, 0.50), percentile(sortedLat, 0.95), percentile(sortedTtft, 0.50),
        latencySum == 0 ? Double.NaN : completion * 1000.0 / latencySum,
        n == 0 ? Double.NaN : (double) total / n, perBuild, perSuccess,
        perBuild.multiply(BigDecimal.valueOf(buildsPerMonth)), total == 0 ? Double.NaN : (double) local / total,
        reasons, reason, sortedLat);
  }

  /** {@return the success rate of the mode that ran: builds in build mode, plans in plan mode} */
  public Rate success() {
    return buildSuccess.n() > 0 ? buildSuccess : planSuccess;
  }

  /** Nearest-rank percentile of sorted values; NaN when empty. */
  static double percentile(long[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** {@return the fields for JSON output, in a stable order} */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("subject", subject);
    m.put("simulated", simulated);
    m.put("available", available);
    m.put("samples", samples);
    m.put("raw_validity", rate(rawValidity));
    m.put("engine_validity", rate(engineValidity));
    m.put("json_stages", stages);
    m.put("plan_success", rate(planSuccess));
    m.put("build_success", rate(buildSuccess));
    m.put("mean_fix_iterations", num(meanFixIterations));
    m.put("latency_p50_ms", num(latencyP50Ms));
    m.put("latency_p95_ms", num(latencyP95Ms));
    m.put("ttft_p50_ms", num(ttftP50Ms));
    m.put("tokens_per_second", num(tokensPerSecond));
    m.put("tokens_per_build", num(tokensPerBuild));
    m.put("cost_per_build_usd", costPerBuildUsd);
    m.put("cost_per_success_usd", costPerSuccessUsd);
    m.put("monthly_cost_usd", monthlyCostUsd);
    m.put("local_token_share", num(localShare));
    m.put("escalations", escalationReasons);
    if (unavailableReason != null) m.put("unavailable_reason", unavailableReason);
    return m;
  }

  private static Map<String, Object> rate(Rate r) {
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
