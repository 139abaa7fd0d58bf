package dev.spectra.orchestrator.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One table of an eval report, as text cells. The Markdown, HTML and JSON reports render the same tables, so a
 * figure cannot read one way in one file and another way in the next.
 *
 * @param id stable identifier ({@code scorecard}, {@code matrix}, ...), also the HTML anchor
 * @param header column titles
 * @param rows cells, each row as long as the header; cell text holds no {@code |} and no line break
 */
public record ReportTable(String id, String title, List<String> header, List<List<String>> rows) {

  public ReportTable {
    Objects.requireNonNull(id, "id");
    header = header.stream().map(ReportTable::cell).toList();
    List<List<String>> copy = new ArrayList<>();
    for (List<String> r : rows) {
      if (r.size() != header.size()) {
        throw new IllegalArgumentException(id + ": a row has " + r.size() + " cells for " + header.size() + " columns");
      }
      copy.add(r.stream().map(ReportTable::cell).toList());
    }
    rows = List.copyOf(copy);
  }

  /** {@return {@code text} as a cell: pipes and line breaks would split a Markdown table, so they are replaced} */
  static String cell(String text) {
    if (text == null) return "";
    return text.replace('|', '/').replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  /** {@return the table as GitHub Markdown} */
  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| ").append(String.join(" | ", header)).append(" |\n|");
    sb.append("---|".repeat(header.size())).append('\n');
    for (List<String> r : rows) sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    return sb.toString();
  }

  /** {@return the table for the JSON report} */
  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("title", title);
    m.put("header", header);
    m.put("rows", rows);
    return m;
  }
}
