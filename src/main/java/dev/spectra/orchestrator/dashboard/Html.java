package dev.spectra.orchestrator.dashboard;

import dev.spectra.orchestrator.model.Money;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Locale;

/** Builds a page: every value that reaches the HTML goes through {@link #text} or {@link #attr}. */
final class Html {
  private final StringBuilder sb = new StringBuilder(8192);

  /** Appends markup written by us (never user or model data). */
  Html raw(String markup) {
    sb.append(markup);
    return this;
  }

  /** Appends text, escaped. */
  Html text(Object value) {
    sb.append(escape(value == null ? "" : value.toString()));
    return this;
  }

  /** Appends a table cell with escaped text. */
  Html td(Object value) {
    return raw("<td>").text(value).raw("</td>");
  }

  /** Appends a right-aligned numeric cell. */
  Html num(Object value) {
    return raw("<td class=\"n\">").text(value).raw("</td>");
  }

  /** Appends a {@code <time>} the page script shows in the browser's zone; UTC until then. */
  Html time(Instant t) {
    if (t == null) return text("-");
    return raw("<time datetime=\"").text(t.toString()).raw("\">").text(t.toString().replace('T', ' ')
        .replaceFirst("(\\.\\d+)?Z$", " UTC")).raw("</time>");
  }

  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Escapes for an attribute value (the same rules: quotes included). */
  static String attr(String s) {
    return escape(s == null ? "" : s);
  }

  /** Dollars with six decimals, the precision {@code stats --json} prints. */
  static String usd(Money m) {
    return m == null ? "-" : "$" + m.usd().setScale(6, RoundingMode.HALF_UP).toPlainString();
  }

  /** Dollars with two decimals, for headline figures. */
  static String usd2(Money m) {
    return m == null ? "-" : "$" + m.usd().setScale(2, RoundingMode.HALF_UP).toPlainString();
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  @Override public String toString() { return sb.toString(); }
}
