package dev.spectra.orchestrator.dashboard;

import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Inline SVG charts: no script, no external file, colours as presentation attributes (the page's content policy
 * forbids inline styles). Labels are thinned so that a year of days or six models stay legible at phone width.
 */
final class Charts {
  private static final String[] COLOURS = {"#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096"};
  private static final int W = 720;
  private static final int H = 220;
  private static final int LEFT = 56;
  private static final int BOTTOM = 28;
  private static final int TOP = 12;

  private Charts() {}

  /** Bars per day, stacked by series (e.g. local and cloud calls). */
  static String stackedDays(String title, Map<LocalDate, long[]> values, String[] series) {
    double max = 1;
    for (long[] v : values.values()) {
      long s = 0;
      for (long x : v) s += x;
      max = Math.max(max, s);
    }
    StringBuilder sb = open(title);
    axis(sb, max, true);
    List<LocalDate> days = List.copyOf(values.keySet());
    double slot = (double) (W - LEFT - 8) / Math.max(1, days.size());
    double bar = Math.max(1, slot * 0.8);
    for (int i = 0; i < days.size(); i++) {
      long[] v = values.get(days.get(i));
      double y = H - BOTTOM;
      for (int s = 0; s < v.length; s++) {
        double h = (H - BOTTOM - TOP) * v[s] / max;
        y -= h;
        if (v[s] > 0) {
          sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
              + "fill=\"%s\"><title>%s %s: %d</title></rect>", LEFT + i * slot, y, bar, h, COLOURS[s],
              days.get(i), Html.escape(series[s]), v[s]));
        }
      }
    }
    dayLabels(sb, days, slot);
    legend(sb, series);
    return close(sb);
  }

  /** One bar per day. */
  static String days(String title, Map<LocalDate, Double> values) {
    double max = 0;
    for (double v : values.values()) max = Math.max(max, v);
    if (max == 0) max = 1;
    StringBuilder sb = open(title);
    axis(sb, max, false);
    List<LocalDate> days = List.copyOf(values.keySet());
    double slot = (double) (W - LEFT - 8) / Math.max(1, days.size());
    for (int i = 0; i < days.size(); i++) {
      double v = values.get(days.get(i));
      double h = (H - BOTTOM - TOP) * v / max;
      if (v > 0) {
        sb.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
            + "fill=\"%s\"><title>%s: $%.6f</title></rect>", LEFT + i * slot, H - BOTTOM - h,
            Math.max(1, slot * 0.8), h, COLOURS[0], days.get(i), v));
      }
    }
    dayLabels(sb, days, slot);
    return close(sb);
  }

  /** Horizontal bars, one per name (models, eval subjects), values from 0 to {@code max}. */
  static String bars(String title, Map<String, Double> values, double max) {
    int rowH = 26;
    int height = TOP + values.size() * rowH + 8;
    int labelW = 220;
    StringBuilder sb = new StringBuilder();
    sb.append("<figure class=\"chart\"><svg viewBox=\"0 0 ").append(W).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\"><title>")
        .append(Html.escape(title)).append("</title>");
    int i = 0;
    for (var e : values.entrySet()) {
      double y = TOP + i * rowH;
      double w = (W - labelW - 70) * Math.max(0, Math.min(e.getValue(), max)) / max;
      String name = e.getKey().length() > 28 ? e.getKey().substring(0, 27) + "\u2026" : e.getKey();
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"13\" "
          + "fill=\"#1a202c\">%s</text>", labelW - 8, y + 17, Html.escape(name)));
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>",
          labelW, y + 4, w, COLOURS[i % COLOURS.length]));
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" fill=\"#1a202c\">%.1f</text>",
          labelW + w + 6, y + 17, e.getValue()));
      i++;
    }
    sb.append("</svg><figcaption>").append(Html.escape(title)).append("</figcaption></figure>");
    return sb.toString();
  }

  private static StringBuilder open(String title) {
    StringBuilder sb = new StringBuilder();
    sb.append("<figure class=\"chart\"><svg viewBox=\"0 0 ").append(W).append(' ').append(H + 22)
        .append("\" role=\"img\" aria-label=\"").append(Html.escape(title)).append("\"><title>")
        .append(Html.escape(title)).append("</title>");
    return sb;
  }

  private static String close(StringBuilder sb) {
    String title = sb.substring(sb.indexOf("<title>") + 7, sb.indexOf("</title>"));
    return sb.append("</svg><figcaption>").append(title).append("</figcaption></figure>").toString();
  }

  private static void axis(StringBuilder sb, double max, boolean integer) {
    for (int t = 0; t <= 4; t++) {
      double v = max * t / 4;
      double y = H - BOTTOM - (H - BOTTOM - TOP) * t / 4.0;
      sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e2e8f0\"/>",
          LEFT, W - 8, y, y));
      String label = integer ? String.format(Locale.ROOT, "%d", Math.round(v))
          : v >= 1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.4f", v);
      sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\" "
          + "fill=\"#4a5568\">%s</text>", LEFT - 4, y + 4, label));
    }
  }

  /** About eight date labels whatever the number of days, so they never overlap. */
  private static void dayLabels(StringBuilder sb, List<LocalDate> days, double slot) {
    int every = Math.max(1, (int) Math.ceil(days.size() / 8.0));
    for (int i = days.size() - 1; i >= 0; i -= every) {
      sb.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\" "
          + "fill=\"#4a5568\">%s</text>", LEFT + i * slot + slot * 0.4, H - BOTTOM + 16,
          days.get(i).toString().substring(5)));
    }
  }

  private static void legend(StringBuilder sb, String[] series) {
    for (int s = 0; s < series.length; s++) {
      int x = LEFT + s * 110;
      sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
          + "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"#1a202c\">%s</text>", x, H + 6, COLOURS[s], x + 16,
          H + 16, Html.escape(series[s])));
    }
  }
}
