package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders a {@link CheckReport} as readable text, as JSON, or as JUnit XML for CI systems. */
public final class ReportWriter {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Text grouped by operation, failures first, with a summary line. */
  public String text(CheckReport r) {
    StringBuilder sb = new StringBuilder();
    Map<String, List<Finding>> byOp = new LinkedHashMap<>();
    for (Finding f : r.findings()) byOp.computeIfAbsent(f.operation(), k -> new ArrayList<>()).add(f);
    for (var e : byOp.entrySet()) {
      boolean failing = e.getValue().stream().anyMatch(f -> f.severity() == Finding.Severity.FAILURE);
      sb.append(failing ? "FAIL  " : "WARN  ").append(e.getKey()).append('\n');
      for (Finding f : e.getValue()) {
        sb.append("  ").append(f.severity() == Finding.Severity.WARNING ? "warning " : "")
            .append(f.kind().label());
        if (f instanceof Finding.Security sec) sb.append(" ").append(sec.cwe());
        sb.append(": ").append(f.summary());
        int n = r.timesSeen(f);
        if (n > 1) sb.append(" (seen ").append(n).append(" times)");
        sb.append('\n');
        sb.append("    ").append(f.evidence().curl()).append('\n');
        sb.append("    expected: ").append(f.evidence().expected()).append('\n');
        sb.append("    actual:   ").append(oneLine(f.evidence().actual())).append('\n');
        f.seed().ifPresent(seed -> sb.append("    seed: ").append(seed).append('\n'));
      }
    }
    for (CheckReport.Pending p : r.pending()) {
      sb.append("PENDING ").append(p.operation()).append(": answers 501 (not implemented)\n    ").append(p.curl())
          .append('\n');
    }
    for (CheckReport.ScenarioResult s : r.scenarios()) {
      sb.append(s.passed() ? "PASS  " : "FAIL  ").append("scenario '").append(s.name()).append("'")
          .append(s.passed() ? "" : " at " + s.failedStep()).append('\n');
    }
    for (String n : r.notes()) sb.append("note: ").append(n).append('\n');
    sb.append(String.format(Locale.ROOT, "%s: %d failures, %d warnings, %d pending; %d operations, %d scenarios, "
            + "%d requests in %.1f s (seed %d)%n",
        r.passed() ? "PASSED" : "FAILED", r.failures().size(), r.warnings().size(), r.pending().size(),
        r.operations().size(), r.scenarios().size(), r.requests(), r.took().toMillis() / 1000.0, r.seed()));
    return sb.toString();
  }

  public ObjectNode json(CheckReport r) {
    ObjectNode root = JSON.createObjectNode();
    root.put("contract", r.contract());
    root.put("url", r.url());
    root.put("seed", r.seed());
    root.put("passed", r.passed());
    root.put("failures", r.failures().size());
    root.put("warnings", r.warnings().size());
    root.put("requests", r.requests());
    root.put("tookMs", r.took().toMillis());
    ArrayNode findings = root.putArray("findings");
    for (Finding f : r.findings()) findings.add(json(f, r.timesSeen(f)));
    ArrayNode pending = root.putArray("pending");
    r.pending().forEach(p -> pending.addObject().put("operation", p.operation()).put("curl", p.curl()));
    ArrayNode scenarios = root.putArray("scenarios");
    r.scenarios().forEach(s -> scenarios.addObject().put("name", s.name()).put("file", s.file())
        .put("passed", s.passed()).put("failedStep", s.failedStep()));
    ArrayNode ops = root.putArray("operations");
    r.operations().forEach(ops::add);
    ArrayNode notes = root.putArray("notes");
    r.notes().forEach(notes::add);
    return root;
  }

  /** {@return one finding as JSON: the shape a fix prompt can quote} */
  public ObjectNode json(Finding f, int timesSeen) {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", f.kind().label());
    o.put("severity", f.severity().name().toLowerCase(Locale.ROOT));
    o.put("operation", f.operation());
    o.put("summary", f.summary());
    o.put("curl", f.evidence().curl());
    o.put("expected", f.evidence().expected());
    o.put("actual", f.evidence().actual());
    f.seed().ifPresent(seed -> o.put("seed", seed));
    if (f instanceof Finding.Security s) o.put("cwe", s.cwe());
    if (f instanceof Finding.ScenarioFailure s) o.put("scenario", s.scenario()).put("step", s.step());
    o.put("timesSeen", timesSeen);
    return o;
  }

  /** JUnit XML: a test case per operation and per scenario; findings are failures, pending operations skipped. */
  public String junit(CheckReport r) {
    Map<String, List<Finding>> byOp = new LinkedHashMap<>();
    for (String op : r.operations()) byOp.put(op, new ArrayList<>());
    List<Finding> scenarioFindings = new ArrayList<>();
    for (Finding f : r.findings()) {
      if (f.severity() != Finding.Severity.FAILURE) continue;
      if (f instanceof Finding.ScenarioFailure) scenarioFindings.add(f);
      else byOp.computeIfAbsent(f.operation(), k -> new ArrayList<>()).add(f);
    }
    List<String> pendingOps = r.pending().stream().map(CheckReport.Pending::operation).toList();
    int failures = (int) byOp.values().stream().filter(l -> !l.isEmpty()).count()
        + (int) r.scenarios().stream().filter(s -> !s.passed()).count();
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    sb.append(String.format(Locale.ROOT, "<testsuite name=\"orchestrator check\" tests=\"%d\" failures=\"%d\" "
            + "errors=\"0\" skipped=\"%d\" time=\"%.3f\">%n", byOp.size() + r.scenarios().size(), failures,
        pendingOps.size(), r.took().toMillis() / 1000.0));
    sb.append("  <properties><property name=\"url\" value=\"").append(xml(r.url()))
        .append("\"/><property name=\"seed\" value=\"").append(r.seed()).append("\"/></properties>\n");
    for (var e : byOp.entrySet()) {
      sb.append("  <testcase classname=\"operations\" name=\"").append(xml(e.getKey())).append('"');
      if (e.getValue().isEmpty() && !pendingOps.contains(e.getKey())) {
        sb.append("/>\n");
        continue;
      }
      sb.append(">\n");
      if (pendingOps.contains(e.getKey())) sb.append("    <skipped message=\"pending: answers 501\"/>\n");
      if (!e.getValue().isEmpty()) failure(sb, e.getValue(), r);
      sb.append("  </testcase>\n");
    }
    for (CheckReport.ScenarioResult s : r.scenarios()) {
      sb.append("  <testcase classname=\"scenarios\" name=\"").append(xml(s.name())).append('"');
      List<Finding> mine = scenarioFindings.stream()
          .filter(f -> ((Finding.ScenarioFailure) f).scenario().equals(s.name())).toList();
      if (s.passed() || mine.isEmpty()) {
        sb.append(s.passed() ? "/>\n" : "><failure message=\"failed at " + xml(s.failedStep()) + "\"/></testcase>\n");
        continue;
      }
      sb.append(">\n");
      failure(sb, mine, r);
      sb.append("  </testcase>\n");
    }
    sb.append("</testsuite>\n");
    return sb.toString();
  }

  private static void failure(StringBuilder sb, List<Finding> findings, CheckReport r) {
    Finding first = findings.get(0);
    sb.append("    <failure type=\"").append(first.kind().label()).append("\" message=\"")
        .append(xml(findings.size() + " finding(s): " + first.summary())).append("\">");
    StringBuilder body = new StringBuilder();
    for (Finding f : findings) {
      body.append(f.kind().label()).append(f instanceof Finding.Security s ? " " + s.cwe() : "").append(": ")
          .append(f.summary()).append(r.timesSeen(f) > 1 ? " (seen " + r.timesSeen(f) + " times)" : "").append('\n')
          .append("  ").append(f.evidence().curl()).append('\n')
          .append("  expected: ").append(f.evidence().expected()).append('\n')
          .append("  actual:   ").append(oneLine(f.evidence().actual())).append('\n');
    }
    sb.append(xml(body.toString())).append("</failure>\n");
  }

  private static String oneLine(String s) {
    return s.replaceAll("\\s*\\R\\s*", " ");
  }

  private static String xml(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&apos;");
        default -> {
          // XML 1.0 cannot carry most control characters, even escaped.
          if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') sb.append('?');
          else sb.append(c);
        }
      }
    }
    return sb.toString();
  }
}
