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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one eval run and their three renderings: {@code report.md} (the seed's table and the details),
 * {@code report.json} for scripts, and {@code report.html}, self-contained with inline SVG charts so it opens
 * offline.
 *
 * @param partial the run was interrupted or is still missing samples
 */
public record EvalReport(String runId, String mode, String suite, int tasks, int repeat, Instant started,
    Instant finished, boolean partial, int buildsPerMonth, Scorecard.Weights weights, List<SubjectMetrics> subjects,
    List<Scorecard.Score> scores) {

  public EvalReport {
    subjects = List.copyOf(subjects);
    scores = List.copyOf(scores);
  }

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

  /** {@return the Markdown report} */
  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("# SPECTRA scorecard\n\n");
    sb.append("Run `").append(runId).append("` · mode `").append(mode).append("` · suite `").append(suite)
        .append("` (").append(tasks).append(" tasks × ").append(repeat).append(" repeats) · ")
        .append(buildsPerMonth).append(" builds/month for projections");
    if (partial) sb.append(" · **PARTIAL: the run was interrupted; rates cover the samples taken**");
    sb.append("\n\n");
    if (subjects.stream().anyMatch(SubjectMetrics::simulated)) {
      sb.append("> Rows marked *(simulated)* come from the built-in simulator, whose profiles carry the seed's ")
          .append("*guessed* raw reliability. They show what the engine and the cascade do with such a model; they ")
          .append("are not measurements of the real models.\n\n");
    }
    sb.append("| Solution | Monthly Cost | Reliability | Autonomy | SPECTRA Score |\n");
    sb.append("|---|---|---|---|---|\n");
    for (int i = 0; i < subjects.size(); i++) {
      SubjectMetrics m = subjects.get(i);
      Scorecard.Score s = scores.get(i);
      if (!m.available()) {
        sb.append("| ").append(label(m)).append(" | unavailable | unavailable | unavailable | unavailable |\n");
        continue;
      }
      sb.append("| ").append(label(m)).append(" | ").append(money(m.monthlyCostUsd())).append(" | ")
          .append(pct(m.success())).append(" | ").append(num(100 * m.localShare(), "%.0f%% local")).append(" | ")
          .append(num(s.total(), "%.1f/10")).append(" |\n");
    }
    sb.append("\n## Scores (0–10)\n\n| Solution | Reliability | Code quality | Cost efficiency | Autonomy | Performance | SPECTRA |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < subjects.size(); i++) {
      Scorecard.Score s = scores.get(i);
      sb.append("| ").append(label(subjects.get(i)));
      if (!s.available()) {
        sb.append(" | unavailable | | | | | |\n");
        continue;
      }
      for (double d : new double[] {s.reliability(), s.quality(), s.cost(), s.autonomy(), s.performance(), s.total()}) {
        sb.append(" | ").append(num(d, "%.1f"));
      }
      sb.append(" |\n");
    }
    sb.append(String.format(Locale.ROOT, "%nWeights: autonomy %.2f, cost %.2f, reliability %.2f, code quality %.2f, "
        + "performance %.2f.%n", weights.autonomy(), weights.cost(), weights.reliability(), weights.quality(),
        weights.performance()));
    sb.append("\n## JSON reliability: raw vs through the engine and the cascade\n\n");
    sb.append("| Solution | n | Raw valid JSON | Valid after engine | Plan success | Build success | How values were obtained |\n");
    sb.append("|---|---|---|---|---|---|---|\n");
    for (SubjectMetrics m : subjects) {
      if (!m.available()) {
        sb.append("| ").append(label(m)).append(" | 0 | unavailable: ")
            .append(m.unavailableReason() == null ? "" : m.unavailableReason().replace('|', '/'))
            .append(" | | | | |\n");
        continue;
      }
      sb.append("| ").append(label(m)).append(" | ").append(m.samples()).append(" | ").append(pct(m.rawValidity()))
          .append(" | ").append(pct(m.engineValidity())).append(" | ").append(pct(m.planSuccess())).append(" | ")
          .append(m.buildSuccess().n() == 0 ? "not run" : pct(m.buildSuccess())).append(" | ")
          .append(stages(m.stages())).append(" |\n");
    }
    sb.append("\n## Speed, tokens and cost\n\n");
    sb.append("| Solution | Latency p50 | p95 | TTFT p50 | Tokens/s | Tokens per build | $ per build | $ per success "
        + "| $ per month | Mean fix iterations | Escalations |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (SubjectMetrics m : subjects) {
      if (!m.available()) continue;
      sb.append("| ").append(label(m)).append(" | ").append(ms(m.latencyP50Ms())).append(" | ")
          .append(ms(m.latencyP95Ms())).append(" | ").append(ms(m.ttftP50Ms())).append(" | ")
          .append(num(m.tokensPerSecond(), "%.0f")).append(" | ").append(num(m.tokensPerBuild(), "%.0f"))
          .append(" | ").append(money(m.costPerBuildUsd())).append(" | ").append(money(m.costPerSuccessUsd()))
          .append(" | ").append(money(m.monthlyCostUsd())).append(" | ").append(num(m.meanFixIterations(), "%.2f"))
          .append(" | ").append(m.escalationReasons().isEmpty() ? "none" : stages(m.escalationReasons()))
          .append(" |\n");
    }
    sb.append("\nIntervals are 95% Wilson score intervals. Latency is per ")
        .append(mode.equals("build") ? "build" : "plan call").append(".\n");
    return sb.toString();
  }

  private static String stages(Map<String, Integer> counts) {
    StringBuilder sb = new StringBuilder();
    counts.forEach((k, v) -> {
      if (!sb.isEmpty()) sb.append(", ");
      sb.append(k.toLowerCase(Locale.ROOT).replace('_', '-')).append(' ').append(v);
    });
    return sb.toString();
  }

  /** {@return the JSON report} */
  public String json() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("run_id", runId);
    root.put("mode", mode);
    root.put("suite", suite);
    root.put("tasks", tasks);
    root.put("repeat", repeat);
    root.put("started", started.toString());
    root.put("finished", finished == null ? null : finished.toString());
    root.put("partial", partial);
    root.put("builds_per_month", buildsPerMonth);
    Map<String, Object> w = new LinkedHashMap<>();
    w.put("autonomy", weights.autonomy());
    w.put("cost", weights.cost());
    w.put("reliability", weights.reliability());
    w.put("quality", weights.quality());
    w.put("performance", weights.performance());
    root.put("weights", w);
    List<Object> rows = new ArrayList<>();
    for (int i = 0; i < subjects.size(); i++) {
      Map<String, Object> row = subjects.get(i).toMap();
      row.put("scores", scores.get(i).toMap());
      rows.add(row);
    }
    root.put("subjects", rows);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException("cannot render the JSON report", e);
    }
  }
}
