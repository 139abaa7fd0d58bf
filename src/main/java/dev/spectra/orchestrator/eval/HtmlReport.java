package dev.spectra.orchestrator.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders an {@link EvalReport} as one self-contained HTML file: inline CSS and inline SVG charts, no script and
 * no external resource, so it opens offline and can be mailed as is. The tables are the report's own
 * {@link ReportTable}s, cell for cell.
 *
 * <p>Charts stay legible with many subjects at similar figures: points are numbered and named in a legend rather
 * than labelled in place (labels of nearby points would overlap), points that would cover each other are moved
 * apart with a leader line to their true position, axes get round ticks, and latency outliers are marked at the
 * edge instead of stretching the axis. SVGs scale down to the screen's width.
 */
final class HtmlReport {
  private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
      "#ff9da7", "#9c755f", "#bab0ac"};
  /** Width of one character of the 11 px chart font, generously: labels are sized from it. */
  private static final double CHAR_PX = 6.6;
  private static final int MAX_LABEL_CHARS = 38;
  private final EvalReport r;

  HtmlReport(EvalReport report) {
    this.r = report;
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>SPECTRA scorecard ")
        .append(esc(r.runId())).append("</title>\n<style>\n")
        .append("body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}\n")
        .append(".scroll{overflow-x:auto;max-width:100%}\n")
        .append("table{border-collapse:collapse;margin:1em 0;font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}\n")
        .append("th{background:#f3f3f3}.sim{color:#8a5a00}.note{background:#fff7e0;border-left:4px solid #e0a800;padding:.6em 1em}\n")
        .append("td.pass{background:#eaf6ea}td.fail{background:#fbeaea}td.mixed{background:#fff5dd}\n")
        .append("#matrix td{max-width:22em;overflow-wrap:anywhere}\n")
        .append("svg{background:#fff;border:1px solid #ddd;margin:.5em 0;max-width:100%;height:auto}svg text{font:11px sans-serif}\n")
        .append(".meta{color:#444}.meta code{overflow-wrap:anywhere}\n")
        .append("@media (max-width:700px){body{margin:.5em;padding:0;font-size:13px}table{font-size:12px}th,td{padding:3px 4px}h1{font-size:1.4em}}\n")
        .append("</style></head><body>\n");
    sb.append("<h1>SPECTRA scorecard</h1>\n<div class=\"meta\">\n");
    for (String line : r.header()) {
      if (line.startsWith("Command: ")) {
        sb.append("<p>Command: <code>").append(esc(r.info().command())).append("</code></p>\n");
      } else if (line.startsWith("PARTIAL")) {
        sb.append("<p class=\"note\"><b>").append(esc(line)).append("</b></p>\n");
      } else {
        sb.append("<p>").append(esc(line)).append("</p>\n");
      }
    }
    sb.append("</div>\n");
    if (r.anySimulated()) sb.append("<p class=\"note\">").append(esc(EvalReport.SIMULATION_NOTE)).append("</p>\n");
    List<ReportTable> tables = r.tables();
    sb.append(table(tables.get(0)));
    sb.append("<h2>Reliability vs monthly cost</h2>\n").append(scatter());
    sb.append("<h2>Latency of every sample</h2>\n").append(latency());
    sb.append("<h2>Where escalations happened</h2>\n").append(escalations());
    for (ReportTable t : tables.subList(1, tables.size())) {
      sb.append("<h2>").append(esc(t.title())).append("</h2>\n").append(table(t));
    }
    sb.append(String.format(Locale.ROOT, "<p>Weights: autonomy %.2f, cost %.2f, reliability %.2f, code quality %.2f, "
        + "performance %.2f; the weighted sum is multiplied by the success gate, min(1, success rate / 85%%). "
        + "Intervals are 95%% Wilson score intervals.</p>%n", r.info().weights().autonomy(), r.info().weights().cost(),
        r.info().weights().reliability(), r.info().weights().quality(), r.info().weights().performance()));
    sb.append("</body></html>\n");
    return sb.toString();
  }

  private static String table(ReportTable t) {
    StringBuilder sb = new StringBuilder("<div class=\"scroll\"><table id=\"").append(esc(t.id())).append("\">\n<tr>");
    for (String h : t.header()) sb.append("<th>").append(esc(h)).append("</th>");
    sb.append("</tr>\n");
    for (List<String> row : t.rows()) {
      sb.append("<tr>");
      for (int i = 0; i < row.size(); i++) {
        String c = row.get(i);
        String cls = "";
        if (t.id().equals("matrix") && i > 0) {
          cls = c.contains("✗") ? (c.startsWith("0/") ? " class=\"fail\"" : " class=\"mixed\"")
              : c.contains("✓") ? " class=\"pass\"" : "";
        } else if (i == 0 && c.endsWith("(simulated)")) {
          cls = " class=\"sim\"";
        }
        sb.append("<td").append(cls).append('>').append(esc(c)).append("</td>");
      }
      sb.append("</tr>\n");
    }
    return sb.append("</table></div>\n").toString();
  }

  /** A placed marker: where it is drawn, and where its value really lies. */
  private record Marker(int number, double x, double y, double trueX, double trueY) {}

  /**
   * Success rate (with its 95% interval as a whisker) against monthly cost on a symmetric log scale that keeps $0
   * on the axis. Points are numbered; the legend names them.
   */
  private String scatter() {
    List<SubjectMetrics> ms = r.subjects().stream().filter(m -> m.available() && m.success().n() > 0).toList();
    if (ms.isEmpty()) return "<p>No subject produced a sample.</p>\n";
    int w = 760, left = 56, right = 24, top = 16, bottom = 52, plotH = 280;
    int h = top + plotH + bottom;
    double maxCost = ms.stream().mapToDouble(m -> m.monthlyCostUsd().doubleValue()).max().orElse(0);
    double[] candidates = {0, 0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000, 10_000, 30_000, 100_000};
    double axisMax = 1;
    for (double c : candidates) {
      if (c >= maxCost && c >= 1) {
        axisMax = c;
        break;
      }
      axisMax = c;
    }
    double span = symlog(axisMax);
    int plotW = w - left - right;
    StringBuilder sb = svgOpen(w, h, "Success rate against projected monthly cost");
    axes(sb, w, h, left, right, top, bottom, "projected monthly cost, USD (0, then log scale)", "success rate");
    for (int pct = 0; pct <= 100; pct += 25) {
      double y = top + plotH * (1 - pct / 100.0);
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
          left, y, w - right, y));
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d%%</text>%n", left - 6,
          y + 3, pct));
    }
    double lastTickX = -1e9;
    for (double tick : candidates) {
      if (tick > axisMax * 1.0001) break;
      double x = left + plotW * symlog(tick) / span;
      if (x - lastTickX < 38) continue;   // keep tick labels apart
      lastTickX = x;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", x,
          top, x, top + plotH));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
          top + plotH + 20, tickMoney(tick)));
    }
    List<Marker> placed = new ArrayList<>();
    for (int i = 0; i < ms.size(); i++) {
      SubjectMetrics m = ms.get(i);
      double tx = left + plotW * symlog(m.monthlyCostUsd().doubleValue()) / span;
      double ty = top + plotH * (1 - m.success().value());
      double x = tx, y = ty;
      // Dodge: a marker within 16 px of one already placed moves right, then left, in steps, until it is clear.
      for (int step = 1; overlaps(placed, x, y) && step < 40; step++) {
        x = tx + (step % 2 == 1 ? 1 : -1) * 16 * ((step + 1) / 2);
        x = Math.max(left + 8, Math.min(w - right - 8, x));
      }
      placed.add(new Marker(i + 1, x, y, tx, ty));
    }
    for (int i = 0; i < ms.size(); i++) {
      SubjectMetrics m = ms.get(i);
      Marker p = placed.get(i);
      Rate rate = m.success();
      String c = COLORS[i % COLORS.length];
      double yLow = top + plotH * (1 - rate.low());
      double yHigh = top + plotH * (1 - rate.high());
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
          + "stroke-width=\"2\" stroke-opacity=\"0.7\"/>%n", p.trueX(), yLow, p.trueX(), yHigh, c));
      if (Math.abs(p.x() - p.trueX()) > 0.5) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#666\" "
            + "stroke-dasharray=\"2 2\"/><circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#666\"/>%n", p.trueX(),
            p.trueY(), p.x(), p.y(), p.trueX(), p.trueY()));
      }
      sb.append(String.format(Locale.ROOT, "<g><title>%s: %s, %s/month</title><circle cx=\"%.1f\" cy=\"%.1f\" r=\"7.5\" "
          + "fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#fff\" font-weight=\"bold\">%d</text></g>%n",
          esc(EvalReport.label(m)), esc(rate.toString()), EvalReport.money(m.monthlyCostUsd()), p.x(), p.y(), c, p.x(),
          p.y() + 4, p.number()));
    }
    sb.append("</svg>\n<ol class=\"legend\">\n");
    for (int i = 0; i < ms.size(); i++) {
      SubjectMetrics m = ms.get(i);
      sb.append("<li><span style=\"color:").append(COLORS[i % COLORS.length]).append("\">●</span> ")
          .append(esc(EvalReport.label(m))).append(": ").append(esc(EvalReport.pct(m.success()))).append(", ")
          .append(EvalReport.money(m.monthlyCostUsd())).append("/month</li>\n");
    }
    return sb.append("</ol>\n<p>Whiskers: 95% interval of the success rate. A dashed line leads from a marker moved "
        + "aside to keep it readable to its true position.</p>\n").toString();
  }

  private static boolean overlaps(List<Marker> placed, double x, double y) {
    for (Marker m : placed) if (Math.hypot(m.x() - x, m.y() - y) < 16) return true;
    return false;
  }

  /** Symmetric log: linear near $0 (below $0.10), logarithmic above, so $0 and $75 both fit. */
  private static double symlog(double usd) {
    return Math.log10(1 + Math.max(0, usd) / 0.1);
  }

  private static String tickMoney(double v) {
    if (v == 0) return "$0";
    if (v < 1) return String.format(Locale.ROOT, "$%.1f", v);
    if (v >= 1000) return String.format(Locale.ROOT, "$%.0fk", v / 1000);
    return String.format(Locale.ROOT, "$%.0f", v);
  }

  /** {@return a round axis maximum and step for values up to {@code max}: steps of 1, 2 or 5 times a power of 10} */
  static double[] niceAxis(double max) {
    if (max <= 0) return new double[] {1, 0.25};
    double raw = max / 5;
    double mag = Math.pow(10, Math.floor(Math.log10(raw)));
    double step = raw / mag <= 1 ? mag : raw / mag <= 2 ? 2 * mag : raw / mag <= 5 ? 5 * mag : 10 * mag;
    return new double[] {Math.ceil(max / step) * step, step};
  }

  private static int labelWidth(List<SubjectMetrics> ms) {
    int chars = ms.stream().mapToInt(m -> Math.min(MAX_LABEL_CHARS, EvalReport.label(m).length())).max().orElse(10);
    return (int) Math.ceil(16 + CHAR_PX * chars);
  }

  private static String shortLabel(SubjectMetrics m) {
    String l = EvalReport.label(m);
    return l.length() <= MAX_LABEL_CHARS ? l : l.substring(0, MAX_LABEL_CHARS - 1) + "…";
  }

  /**
   * One row per subject: every sample's latency as a tick, p50 and p95 marked. The axis ends at the largest p95
   * (rounded up), so one cold start cannot squeeze the others into a corner; slower samples are counted at the
   * edge.
   */
  private String latency() {
    List<SubjectMetrics> ms = r.subjects().stream().filter(m -> m.available() && m.latenciesMs().length > 0).toList();
    if (ms.isEmpty()) return "<p>No latency was measured.</p>\n";
    int rowH = 34, left = labelWidth(ms), right = 90, top = 16, bottom = 40, w = Math.max(760, left + 520);
    int h = top + bottom + rowH * ms.size();
    double p95max = ms.stream().mapToDouble(SubjectMetrics::latencyP95Ms).filter(d -> !Double.isNaN(d)).max().orElse(1);
    double[] axis = niceAxis(Math.max(1, p95max * 1.1));
    double max = axis[0];
    int plotW = w - left - right;
    StringBuilder sb = svgOpen(w, h, "Latency of every sample per subject");
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", left,
        h - bottom, left + plotW, h - bottom));
    for (double v = 0; v <= max + axis[1] / 2; v += axis[1]) {
      double x = left + plotW * v / max;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", x,
          top, x, h - bottom));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
          h - bottom + 15, esc(EvalReport.ms(v))));
    }
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">latency per %s</text>%n",
        left + plotW / 2, h - 8, r.mode().equals("build") ? "build" : "plan call"));
    int i = 0;
    for (SubjectMetrics m : ms) {
      double cy = top + rowH * i + rowH / 2.0;
      String c = COLORS[i % COLORS.length];
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\"><title>%s</title>%s</text>%n",
          left - 8, cy + 4, esc(EvalReport.label(m)), esc(shortLabel(m))));
      int outliers = 0;
      for (long v : m.latenciesMs()) {
        if (v > max) {
          outliers++;
          continue;
        }
        double x = left + plotW * v / max;
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
            + "stroke-opacity=\"0.6\"/>%n", x, cy - 8, x, cy + 8, c));
      }
      if (outliers > 0) {
        double x = left + plotW;
        sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f l8 6 l-8 6 z\" fill=\"%s\"><title>%d sample(s) "
            + "slower than %s, slowest %s</title></path><text x=\"%.1f\" y=\"%.1f\">%d slower</text>%n", x + 2,
            cy - 6, c, outliers, esc(EvalReport.ms(max)), esc(EvalReport.ms(m.latenciesMs()[m.latenciesMs().length - 1])),
            x + 14, cy + 4, outliers));
      }
      for (double p : new double[] {m.latencyP50Ms(), m.latencyP95Ms()}) {
        if (Double.isNaN(p) || p > max) continue;
        double x = left + plotW * p / max;
        sb.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f l-5 -8 h10 z\" fill=\"#222\"><title>%s</title></path>%n",
            x, cy - 9, p == m.latencyP50Ms() ? "p50 " + EvalReport.ms(p) : "p95 " + EvalReport.ms(p)));
      }
      i++;
    }
    return sb.append("</svg>\n<p>Ticks: one per sample. Triangles: p50 and p95. The axis ends at the largest p95; "
        + "slower samples are counted at the right edge.</p>\n").toString();
  }

  /** Escalation reasons per subject as horizontal stacked bars, with a legend. */
  private String escalations() {
    TreeSet<String> reasons = new TreeSet<>();
    for (SubjectMetrics m : r.subjects()) reasons.addAll(m.escalationReasons().keySet());
    if (reasons.isEmpty()) return "<p>No escalation happened in this run.</p>\n";
    List<String> legend = new ArrayList<>(reasons);
    List<SubjectMetrics> ms = r.subjects().stream().filter(SubjectMetrics::available).toList();
    int rowH = 28, left = labelWidth(ms), right = 60, top = 16, w = Math.max(760, left + 520);
    int h = top + rowH * ms.size() + 30 + 18 * legend.size();
    int max = ms.stream().mapToInt(m -> m.escalationReasons().values().stream().mapToInt(Integer::intValue).sum())
        .max().orElse(1);
    StringBuilder sb = svgOpen(w, h, "Escalations per subject by reason");
    int i = 0;
    for (SubjectMetrics m : ms) {
      double y = top + rowH * i++;
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\"><title>%s</title>%s</text>%n",
          left - 8, y + 15, esc(EvalReport.label(m)), esc(shortLabel(m))));
      double x = left;
      int total = 0;
      for (Map.Entry<String, Integer> e : m.escalationReasons().entrySet()) {
        double bw = (w - left - right) * e.getValue() / (double) Math.max(1, max);
        String c = COLORS[legend.indexOf(e.getKey()) % COLORS.length];
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\">"
            + "<title>%s: %d</title></rect>%n", x, y + 2, bw, c, esc(e.getKey()), e.getValue()));
        x += bw;
        total += e.getValue();
      }
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%d</text>%n", x + 4, y + 15, total));
    }
    double ly = top + rowH * ms.size() + 20;
    for (int k = 0; k < legend.size(); k++) {
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%.1f\">%s</text>%n", 16, ly + 18 * k, COLORS[k % COLORS.length], 34, ly + 18 * k + 10,
          esc(legend.get(k))));
    }
    return sb.append("</svg>\n").toString();
  }

  private static StringBuilder svgOpen(int w, int h, String title) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        + "viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>%n", w, h, w, h, esc(title)));
    return sb;
  }

  private static void axes(StringBuilder sb, int w, int h, int left, int right, int top, int bottom, String xLabel,
      String yLabel) {
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", left,
        h - bottom, w - right, h - bottom));
    sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>%n", left,
        top, left, h - bottom));
    sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
        (left + w - right) / 2, h - 12, esc(xLabel)));
    sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" transform=\"rotate(-90 14 %d)\" "
        + "text-anchor=\"middle\">%s</text>%n", (top + h - bottom) / 2, (top + h - bottom) / 2, esc(yLabel)));
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
