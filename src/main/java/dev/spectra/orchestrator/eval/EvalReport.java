package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one eval run and their three renderings: {@code report.md} (the seed's table and the details),
 * {@code report.json} for scripts, and {@code report.html}, self-contained with inline SVG charts so it opens
 * offline. Every table is built once, by {@link #tables()}, from the subjects' metrics, and each rendering prints
 * those same cells.
 *
 * @param subjects sorted by SPECTRA score, best first; unavailable subjects last
 * @param scores in the order of {@code subjects}
 * @param samples every sample of the run, for the task × subject matrix
 * @param tasks the suite's tasks in suite order, as id and complexity
 * @param partial the run was interrupted or is still missing samples
 */
public record EvalReport(RunInfo info, Instant finished, boolean partial, List<SubjectMetrics> subjects,
    List<Scorecard.Score> scores, List<Sample> samples, List<TaskRef> tasks) {

  /** A task as the report names it. */
  public record TaskRef(String id, int complexity) {}

  public EvalReport {
    if (subjects.size() != scores.size()) throw new IllegalArgumentException("one score per subject");
    // Sort rows by score, best first; the sort happens here so every rendering shows the same order.
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < subjects.size(); i++) order.add(i);
    List<SubjectMetrics> subs = subjects;
    List<Scorecard.Score> scs = scores;
    order.sort(Comparator.<Integer>comparingDouble(i -> scs.get(i).available() ? -scs.get(i).total() : 1)
        .thenComparing(i -> subs.get(i).subject()));
    subjects = order.stream().map(subs::get).toList();
    scores = order.stream().map(scs::get).toList();
    samples = List.copyOf(samples);
    tasks = List.copyOf(tasks);
  }

  public String runId() { return info.runId(); }

  public String mode() { return info.mode(); }

  private boolean build() { return info.mode().equals("build"); }

  /** Writes the three files into {@code dir}, each atomically. {@return the paths written} */
  public List<Path> writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    out.add(writeAtomically(dir.resolve("report.md"), markdown()));
    out.add(writeAtomically(dir.resolve("report.json"), json()));
    out.add(writeAtomically(dir.resolve("report.html"), new HtmlReport(this).render()));
    return out;
  }

  /** Writes {@code content} to a temporary file beside {@code target}, then moves it over {@code target}. */
  public static Path writeAtomically(Path target, String content) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /** {@return the subject's display name: simulated subjects are labelled as simulations everywhere} */
  static String label(SubjectMetrics m) {
    return m.simulated() ? m.subject() + " (simulated)" : m.subject();
  }

  static String money(BigDecimal usd) {
    if (usd == null) return "n/a";
    int scale = usd.abs().compareTo(BigDecimal.ONE) >= 0 ? 2 : 4;
    return "$" + usd.setScale(scale, RoundingMode.HALF_UP).toPlainString();
  }

  static String pct(Rate r) {
    if (r.n() == 0) return "n/a (n=0)";
    return String.format(Locale.ROOT, "%.0f%% (%d/%d; %.0f–%.0f%%)", 100 * r.value(), r.successes(), r.n(),
        100 * r.low(), 100 * r.high());
  }

  static String ms(double v) {
    if (Double.isNaN(v)) return "n/a";
    return v >= 10_000 ? String.format(Locale.ROOT, "%.1f s", v / 1000) : String.format(Locale.ROOT, "%.0f ms", v);
  }

  static String num(double v, String fmt) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, fmt, v);
  }

  private static String counts(Map<String, Integer> counts) {
    if (counts.isEmpty()) return "none";
    StringBuilder sb = new StringBuilder();
    counts.forEach((k, v) -> {
      if (!sb.isEmpty()) sb.append(", ");
      sb.append(k.toLowerCase(Locale.ROOT).replace('_', '-')).append(' ').append(v);
    });
    return sb.toString();
  }

  /** {@return every table of the report, in the order the reports print them} */
  public List<ReportTable> tables() {
    List<ReportTable> out = new ArrayList<>();
    out.add(scorecard());
    out.add(scoreTable());
    out.add(outcomes());
    out.add(costs());
    out.add(speed());
    out.add(matrix());
    out.add(models());
    return out;
  }

  private ReportTable scorecard() {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < subjects.size(); i++) {
      SubjectMetrics m = subjects.get(i);
      Scorecard.Score s = scores.get(i);
      if (!m.available()) {
        rows.add(List.of(label(m), "unavailable", "unavailable: " + m.unavailableReason(), "unavailable",
            "unavailable"));
        continue;
      }
      rows.add(List.of(label(m), money(m.monthlyCostUsd()), pct(m.success()), num(100 * m.localShare(),
          "%.0f%% local"), num(s.total(), "%.1f/10")));
    }
    return new ReportTable("scorecard", "SPECTRA scorecard",
        List.of("Solution", "Monthly Cost", build() ? "Reliability (functional)" : "Reliability (plans)", "Autonomy",
            "SPECTRA Score"), rows);
  }

  private ReportTable scoreTable() {
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < subjects.size(); i++) {
      Scorecard.Score s = scores.get(i);
      List<String> row = new ArrayList<>();
      row.add(label(subjects.get(i)));
      if (!s.available()) {
        for (int k = 0; k < 7; k++) row.add("unavailable");
      } else {
        for (double d : new double[] {s.reliability(), s.quality(), s.cost(), s.autonomy(), s.performance()}) {
          row.add(num(d, "%.1f"));
        }
        row.add(num(s.gate(), "%.2f"));
        row.add(num(s.total(), "%.1f"));
      }
      rows.add(row);
    }
    return new ReportTable("scores", "Scores (0–10)", List.of("Solution", "Reliability", "Code quality",
        "Cost efficiency", "Autonomy", "Performance", "Success gate", "SPECTRA"), rows);
  }

  private ReportTable outcomes() {
    List<String> header = new ArrayList<>(List.of("Solution", "n", "Raw valid JSON", "Valid after engine",
        build() ? "Plan carries hidden scenarios" : "Plan carries hidden scenarios (success)"));
    if (build()) {
      header.add("Functional (hidden scenarios)");
      header.add("Functional and secure");
    }
    header.add("How the final JSON was obtained");
    List<List<String>> rows = new ArrayList<>();
    for (SubjectMetrics m : subjects) {
      List<String> row = new ArrayList<>();
      row.add(label(m));
      if (!m.available()) {
        row.add("0");
        while (row.size() < header.size()) row.add("unavailable");
      } else {
        row.add(Integer.toString(m.samples()));
        row.add(pct(m.rawValidity()));
        row.add(pct(m.engineValidity()));
        row.add(pct(m.planSuccess()));
        if (build()) {
          row.add(pct(m.functional()));
          row.add(pct(m.functionalSecure()));
        }
        row.add(counts(m.obtainedBy()));
      }
      rows.add(row);
    }
    return new ReportTable("outcomes", build() ? "Outcomes: JSON, plans and hidden scenarios"
        : "Outcomes: JSON and plans", header, rows);
  }

  private ReportTable costs() {
    String unit = build() ? "build" : "plan";
    List<String> header = new ArrayList<>(List.of("Solution", "Tokens per " + unit, "$ per " + unit));
    if (!build()) {
      header.add("Projected tokens per build");
      header.add("Projected $ per build");
    }
    header.add("$ per successful " + unit);
    header.add("$ per month (" + info.buildsPerMonth() + " builds)");
    List<List<String>> rows = new ArrayList<>();
    for (SubjectMetrics m : subjects) {
      List<String> row = new ArrayList<>();
      row.add(label(m));
      if (!m.available()) {
        while (row.size() < header.size()) row.add("unavailable");
        rows.add(row);
        continue;
      }
      row.add(num(m.tokensPerSample(), "%.0f"));
      row.add(money(m.costPerSampleUsd()));
      if (!build()) {
        row.add(num(m.projectedTokensPerBuild(), "%.0f"));
        row.add(money(m.projectedCostPerBuildUsd()));
      }
      row.add(money(m.costPerSuccessUsd()));
      row.add(money(m.monthlyCostUsd()));
      rows.add(row);
    }
    return new ReportTable("costs", "Cost", header, rows);
  }

  private ReportTable speed() {
    String unit = build() ? "build" : "plan call";
    List<List<String>> rows = new ArrayList<>();
    for (SubjectMetrics m : subjects) {
      if (!m.available()) {
        rows.add(List.of(label(m), "unavailable", "unavailable", "unavailable", "unavailable", "unavailable",
            "unavailable"));
        continue;
      }
      rows.add(List.of(label(m), ms(m.latencyP50Ms()), ms(m.latencyP95Ms()), ms(m.ttftP50Ms()),
          num(m.tokensPerSecond(), "%.0f"), num(m.meanFixIterations(), "%.2f"), counts(m.escalationReasons())));
    }
    return new ReportTable("speed", "Speed and escalations (latency per " + unit + ")", List.of("Solution",
        "Latency p50", "Latency p95", "TTFT p50", "Tokens/s", "Mean fix iterations", "Escalations"), rows);
  }

  /** One row per task, one column per subject: passes over samples, and the first failure reason. */
  private ReportTable matrix() {
    List<String> header = new ArrayList<>();
    header.add("Task");
    for (SubjectMetrics m : subjects) header.add(label(m));
    Map<String, List<Sample>> byCell = new LinkedHashMap<>();
    for (Sample s : samples) byCell.computeIfAbsent(s.taskId() + "\u0000" + s.subject(), k -> new ArrayList<>()).add(s);
    List<List<String>> rows = new ArrayList<>();
    for (TaskRef t : tasks) {
      List<String> row = new ArrayList<>();
      row.add(t.id() + " (level " + t.complexity() + ")");
      for (SubjectMetrics m : subjects) row.add(cell(byCell.getOrDefault(t.id() + "\u0000" + m.subject(), List.of())));
      rows.add(row);
    }
    return new ReportTable("matrix", "Per task: passes over samples, and why the first failure failed", header, rows);
  }

  /** {@return a matrix cell: "2/2", or "1/2 ✗ reason" with the first failure's reason; "not run" when empty} */
  static String cell(List<Sample> cell) {
    List<Sample> ran = cell.stream().filter(Sample::available).sorted(Comparator.comparingInt(Sample::repeat)).toList();
    if (ran.isEmpty()) return cell.isEmpty() ? "not run" : "unavailable";
    long passed = ran.stream().filter(Sample::succeeded).count();
    String head = passed + "/" + ran.size();
    if (passed == ran.size()) return head + " ✓";
    Sample first = ran.stream().filter(s -> !s.succeeded()).findFirst().orElseThrow();
    String why = first.error() == null ? "failed" : first.error();
    return head + " ✗ " + (why.length() > 160 ? why.substring(0, 159) + "…" : why);
  }

  private ReportTable models() {
    List<List<String>> rows = new ArrayList<>();
    for (RunInfo.SubjectInfo s : info.subjects()) {
      for (RunInfo.RouteInfo r : s.routes()) {
        rows.add(List.of(s.name(), r.model(), r.modelId(), r.endpoint(), r.local() ? "local" : "cloud", r.price(),
            r.priceSource()));
      }
    }
    return new ReportTable("models", "Subjects, the models they route to, and their prices", List.of("Subject",
        "Model", "Model id", "Endpoint", "Where", "$ per 1M tokens in / out", "Price from"), rows);
  }

  /** {@return the lines that say what ran, for the top of every report} */
  List<String> header() {
    List<String> lines = new ArrayList<>();
    lines.add("Run " + info.runId() + " · mode " + info.mode() + " · suite " + info.suite() + " (" + info.tasks()
        + " tasks × " + info.repeat() + " repeats) · " + info.buildsPerMonth() + " builds/month for projections");
    lines.add("Command: " + info.command());
    lines.add("Tool version: orchestrator " + info.toolVersion() + (info.seed() == null ? ""
        : " · simulator seed " + info.seed()));
    lines.add("Started " + info.started() + (finished == null ? "" : " · finished " + finished));
    if (!build()) {
      lines.add("Costs: measured per plan call; a build's cost is projected from the subject's own $ per token and "
          + info.projection().source() + ".");
    } else {
      lines.add("Success means every hidden acceptance scenario of the task passed against the built service; the "
          + "model's own tests do not count.");
    }
    Map<String, List<String>> byWorker = samplesByWorker();
    if (!byWorker.isEmpty()) {
      List<String> parts = new ArrayList<>();
      byWorker.forEach((w, keys) -> parts.add(w + " " + keys.size()));
      lines.add("Workers (samples taken): " + String.join(", ", parts)
          + (samples.stream().anyMatch(s -> s.worker() == null) ? ", in process "
              + samples.stream().filter(s -> s.worker() == null).count() : ""));
    }
    if (partial) lines.add("PARTIAL: the run was interrupted; rates cover the samples taken.");
    return lines;
  }

  /** {@return for {@code eval --workers}: each worker's samples (subject|task|repeat), in sample order} */
  Map<String, List<String>> samplesByWorker() {
    Map<String, List<String>> out = new java.util.TreeMap<>();
    for (Sample s : samples) if (s.worker() != null) out.computeIfAbsent(s.worker(), k -> new ArrayList<>()).add(s.key());
    return out;
  }

  boolean anySimulated() {
    return subjects.stream().anyMatch(SubjectMetrics::simulated);
  }

  static final String SIMULATION_NOTE = "Rows marked (simulated) come from the built-in simulator, whose profiles "
      + "carry the seed's guessed raw reliability. They show what the engine and the cascade do with such a model; "
      + "they are not measurements of the real models.";

  /** {@return the Markdown report} */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# SPECTRA scorecard\n\n");
    for (String line : header()) {
      sb.append(line.startsWith("PARTIAL") ? "**" + line + "**" : line.startsWith("Command: ")
          ? "Command: `" + info.command() + "`" : line).append("  \n");
    }
    sb.append('\n');
    if (anySimulated()) sb.append("> ").append(SIMULATION_NOTE).append("\n\n");
    List<ReportTable> tables = tables();
    sb.append(tables.get(0).markdown());
    for (ReportTable t : tables.subList(1, tables.size())) {
      sb.append("\n## ").append(t.title()).append("\n\n").append(t.markdown());
    }
    sb.append(String.format(Locale.ROOT, "%nWeights: autonomy %.2f, cost %.2f, reliability %.2f, code quality %.2f, "
        + "performance %.2f; the weighted sum is multiplied by the success gate, min(1, success rate / 85%%).%n",
        info.weights().autonomy(), info.weights().cost(), info.weights().reliability(), info.weights().quality(),
        info.weights().performance()));
    sb.append("Intervals are 95% Wilson score intervals.\n");
    return sb.toString();
  }

  /** {@return the JSON report: the run's settings, every raw figure, and the same tables as the other reports} */
  public String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run_id", info.runId());
    root.put("mode", info.mode());
    root.put("suite", info.suite());
    root.put("tasks", info.tasks());
    root.put("repeat", info.repeat());
    root.put("command", info.command());
    root.put("tool_version", info.toolVersion());
    root.put("seed", info.seed());
    root.put("started", info.started().toString());
    root.put("finished", finished == null ? null : finished.toString());
    root.put("partial", partial);
    root.put("builds_per_month", info.buildsPerMonth());
    root.put("build_cost_projection", Map.of("other_step_tokens", info.projection().otherStepTokens(),
        "source", info.projection().source()));
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("autonomy", info.weights().autonomy());
    w.put("cost", info.weights().cost());
    w.put("reliability", info.weights().reliability());
    w.put("quality", info.weights().quality());
    w.put("performance", info.weights().performance());
    w.put("acceptable_success", Scorecard.ACCEPTABLE_SUCCESS);
    root.put("weights", w);
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < subjects.size(); i++) {
      Map<String, Object> row = subjects.get(i).toMap();
      row.put("scores", scores.get(i).toMap());
      rows.add(row);
    }
    root.put("subjects", rows);
    root.put("tables", tables().stream().map(ReportTable::toMap).toList());
    Map<String, List<String>> byWorker = samplesByWorker();
    if (!byWorker.isEmpty()) root.put("workers", byWorker);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot render the JSON report", e);
    }
  }
}
