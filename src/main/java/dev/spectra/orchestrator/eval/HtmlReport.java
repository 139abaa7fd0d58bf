package dev.spectra.orchestrator.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders an {@link EvalReport} as one self-contained HTML file: inline CSS and inline SVG charts, no script and
 * no external resource, so it opens offline and can be mailed as is.
 */
final class HtmlReport {
  private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
      "#ff9da7", "#9c755f", "#bab0ac"};
  private final EvalReport r;

  HtmlReport(EvalReport report) {
    this.r = report;
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>SPECTRA scorecard ")
        .append(esc(r.runId())).append("</title>\n<style>\n")
        .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\n")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}\n")
        .append("th{background:#f3f3f3}.sim{color:#8a5a00}.note{background:#fff7e0;border-left:4px solid #e0a800;padding:.6em 1em}\n")
        .append("svg{background:#fff;border:1px solid #ddd;margin:.5em 0}svg text{font:11px sans-serif}\n")
        .append("</style></head><body>\n");
    sb.append("<h1>SPECTRA scorecard</h1>\n<p>Run <code>").append(esc(r.runId())).append("</code> · mode <b>")
        .append(esc(r.mode())).append("</b> · suite <code>").append(esc(r.suite())).append("</code> (")
        .append(r.tasks()).append(" tasks × ").append(r.repeat()).append(" repeats) · ").append(r.buildsPerMonth())
        .append(" builds/month for projections</p>\n");
    if (r.partial()) sb.append("<p class=\"note\"><b>Partial report:</b> the run was interrupted; rates cover the samples taken.</p>\n");
    if (r.subjects().stream().anyMatch(SubjectMetrics::simulated)) {
      sb.append("<p class=\"note\">Rows marked <span class=\"sim\">(simulated)</span> come from the built-in simulator, ")
          .append("whose profiles carry the seed's <em>guessed</em> raw reliability. They show what the engine and the ")
          .append("cascade do with such a model; they are not measurements of the real models.</p>\n");
    }
    sb.append("<table><tr><th>Solution</th><th>Monthly Cost</th><th>Reliability</th><th>Autonomy</th><th>SPECTRA Score</th></tr>\n");
    for (int i = 0; i < r.subjects().size(); i++) {
      SubjectMetrics m = r.subjects().get(i);
      Scorecard.Score s = r.scores().get(i);
      sb.append("<tr><td").append(m.simulated() ? " class=\"sim\"" : "").append(">").append(esc(EvalReport.label(m)))
          .append("</td>");
      if (!m.available()) {
        sb.append("<td colspan=\"4\">unavailable: ").append(esc(String.valueOf(m.unavailableReason()))).append("</td></tr>\n");
        continue;
      }
      sb.append("<td>").append(EvalReport.money(m.monthlyCostUsd())).append("</td><td>")
          .append(esc(EvalReport.pct(m.success()))).append("</td><td>")
          .append(EvalReport.num(100 * m.localShare(), "%.0f%% local")).append("</td><td><b>")
          .append(EvalReport.num(s.total(), "%.1f/10")).append("</b></td></tr>\n");
    }
    sb.append("</table>\n");
    sb.append("<h2>Reliability vs cost</h2>\n").append(scatter());
    sb.append("<h2>Latency distribution</h2>\n").append(latency());
    sb.append("<h2>Where escalations happened</h2>\n").append(escalations());
    sb.append("<h2>Details</h2>\n").append(markdownTablesAsHtml());
    sb.append("</body></html>\n");
    return sb.toString();
  }

  /** Success rate (with its 95% interval as a whisker) against monthly cost on a log scale. */
  private String scatter() {
    int w = 760, h = 360, left = 60, right = 20, top = 20, bottom = 50;
    List<SubjectMetrics> ms = r.subjects().stream().filter(SubjectMetrics::available).toList();
    double maxCost = ms.stream().mapToDouble(m -> m.monthlyCostUsd().doubleValue()).max().orElse(1);
    double xMax = Math.log10(1 + Math.max(1, maxCost));
    StringBuilder sb = svgOpen(w, h, "Success rate against projected monthly cost");
    axes(sb, w, h, left, right, top, bottom, "monthly cost, USD (log scale)", "success rate");
    for (int pct = 0; pct <= 100; pct += 25) {
      double y = top + (h - top - bottom) * (1 - pct / 100.0);
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>%n", left - 5, y + 4, pct));
    }
    for (double tick : new double[] {0, 1, 10, 100, 1000, 10000}) {
      double lx = Math.log10(1 + tick);
      if (lx > xMax * 1.0001) break;
      double x = left + (w - left - right) * lx / xMax;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">$%s</text>%n", x, h - bottom + 15,
          tick >= 1 ? String.valueOf((long) tick) : "0"));
    }
    int i = 0;
    for (SubjectMetrics m : ms) {
      Rate rate = m.success();
      if (rate.n() == 0) continue;
      double x = left + (w - left - right) * Math.log10(1 + m.monthlyCostUsd().doubleValue()) / xMax;
      double y = top + (h - top - bottom) * (1 - rate.value());
      double yLow = top + (h - top - bottom) * (1 - rate.low());
      double yHigh = top + (h - top - bottom) * (1 - rate.high());
      String c = COLORS[i++ % COLORS.length];
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>%n",
          x, yLow, x, yHigh, c));
      sb.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"6\" fill=\"%s\"><title>%s: %s, %s/month</title></circle>%n",
          x, y, c, esc(EvalReport.label(m)), esc(rate.toString()), EvalReport.money(m.monthlyCostUsd())));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", x + 9, y - 6, esc(EvalReport.label(m))));
    }
    return sb.append("</svg>\n").toString();
  }

  /** One row per subject: every sample's latency as a tick, with the p50 and p95 marked. */
  private String latency() {
    List<SubjectMetrics> ms = r.subjects().stream().filter(SubjectMetrics::available).toList();
    int rowH = 34, left = 220, right = 30, top = 20, bottom = 40, w = 860;
    int h = top + bottom + rowH * Math.max(1, ms.size());
    double max = ms.stream().mapToLong(m -> m.latenciesMs().length == 0 ? 0 : m.latenciesMs()[m.latenciesMs().length - 1])
        .max().orElse(1);
    max = Math.max(1, max);
    StringBuilder sb = svgOpen(w, h, "Latency of every sample per subject");
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", left, h - bottom, w - right, h - bottom));
    for (int t = 0; t <= 4; t++) {
      double v = max * t / 4;
      double x = left + (w - left - right) * t / 4.0;
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, h - bottom + 15, EvalReport.ms(v)));
    }
    int i = 0;
    for (SubjectMetrics m : ms) {
      double cy = top + rowH * i + rowH / 2.0;
      String c = COLORS[i % COLORS.length];
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 8, cy + 4, esc(EvalReport.label(m))));
      for (long v : m.latenciesMs()) {
        double x = left + (w - left - right) * v / max;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-opacity=\"0.6\"/>%n",
            x, cy - 8, x, cy + 8, c));
      }
      for (double p : new double[] {m.latencyP50Ms(), m.latencyP95Ms()}) {
        if (Double.isNaN(p)) continue;
        double x = left + (w - left - right) * p / max;
        sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f l-5 -8 h10 z\" fill=\"#222\"><title>%s</title></path>%n",
            x, cy - 9, p == m.latencyP50Ms() ? "p50 " + EvalReport.ms(p) : "p95 " + EvalReport.ms(p)));
      }
      i++;
    }
    return sb.append("</svg>\n<p>Ticks: one per sample. Triangles: p50 and p95.</p>\n").toString();
  }

  /** Escalation reasons per subject as horizontal stacked bars. */
  private String escalations() {
    TreeSet<String> reasons = new TreeSet<>();
    for (SubjectMetrics m : r.subjects()) reasons.addAll(m.escalationReasons().keySet());
    if (reasons.isEmpty()) return "<p>No escalation happened in this run.</p>\n";
    List<String> legend = new ArrayList<>(reasons);
    List<SubjectMetrics> ms = r.subjects().stream().filter(SubjectMetrics::available).toList();
    int rowH = 28, left = 220, right = 30, top = 20, w = 860;
    int h = top + rowH * ms.size() + 30 + 18 * legend.size();
    int max = ms.stream().mapToInt(m -> m.escalationReasons().values().stream().mapToInt(Integer::intValue).sum()).max().orElse(1);
    StringBuilder sb = svgOpen(w, h, "Escalations per subject by reason");
    int i = 0;
    for (SubjectMetrics m : ms) {
      double y = top + rowH * i++;
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", left - 8, y + 15, esc(EvalReport.label(m))));
      double x = left;
      for (Map.Entry<String, Integer> e : m.escalationReasons().entrySet()) {
        double bw = (w - left - right) * e.getValue() / (double) Math.max(1, max);
        String c = COLORS[legend.indexOf(e.getKey()) % COLORS.length];
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\"><title>%s: %d</title></rect>%n",
            x, y + 2, bw, c, esc(e.getKey()), e.getValue()));
        x += bw;
      }
    }
    double ly = top + rowH * ms.size() + 20;
    for (int k = 0; k < legend.size(); k++) {
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/><text x=\"%d\" y=\"%.1f\">%s</text>%n",
          left, ly + 18 * k, COLORS[k % COLORS.length], left + 18, ly + 18 * k + 10, esc(legend.get(k))));
    }
    return sb.append("</svg>\n").toString();
  }

  /** The Markdown detail tables, converted line by line (they are simple pipe tables). */
  private String markdownTablesAsHtml() {
    StringBuilder sb = new StringBuilder();
    boolean inTable = false;
    boolean header = false;
    String md = r.markdown();
    int start = md.indexOf("\n## Scores");
    for (String line : md.substring(Math.max(0, start)).split("\n")) {
      if (line.startsWith("|")) {
        if (line.startsWith("|---")) continue;
        if (!inTable) {
          sb.append("<table>\n");
          inTable = true;
          header = true;
        }
        String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
        sb.append("<tr>");
        for (String c : cells) {
          String tag = header ? "th" : "td";
          sb.append('<').append(tag).append('>').append(esc(c.strip())).append("</").append(tag).append('>');
        }
        sb.append("</tr>\n");
        header = false;
      } else {
        if (inTable) {
          sb.append("</table>\n");
          inTable = false;
        }
        if (line.startsWith("## ")) sb.append("<h3>").append(esc(line.substring(3))).append("</h3>\n");
        else if (!line.isBlank()) sb.append("<p>").append(esc(line.replace("`", ""))).append("</p>\n");
      }
    }
    if (inTable) sb.append("</table>\n");
    return sb.toString();
  }

  private static StringBuilder svgOpen(int w, int h, String title) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>%n",
        w, h, w, h, esc(title)));
    return sb;
  }

  private static void axes(StringBuilder sb, int w, int h, int left, int right, int top, int bottom, String xLabel, String yLabel) {
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", left, h - bottom, w - right, h - bottom));
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", left, top, left, h - bottom));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", (left + w - right) / 2, h - 12, esc(xLabel)));
    sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" text-anchor=\"middle\">%s</text>%n",
        (top + h - bottom) / 2, (top + h - bottom) / 2, esc(yLabel)));
  }

  static String esc(String s) {
    if (s == null) return "";
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
