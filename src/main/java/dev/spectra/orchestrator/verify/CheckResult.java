package dev.spectra.orchestrator.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.verify.workspace.Names;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * The check runner's {@code check.json}, read as untrusted input: the service it checked ran in the same sandbox
 * and could have rewritten it. Read without following links and at most {@value #MAX_BYTES} bytes; at most
 * {@value #MAX_ENTRIES} findings, pending operations, scenarios and notes; every text cut to a fixed size and its
 * unsafe characters (control, bidi) shown as code points, since findings reach reports and prompts.
 */
final class CheckResult {
  static final int MAX_BYTES = 2 * 1024 * 1024;
  static final int MAX_ENTRIES = 200;
  static final int MAX_TEXT = 2000;
  static final int MAX_LOG = 4000;

  private CheckResult() {}

  /** {@return what the check found, or a not-run outcome saying why there is nothing to read} */
  static CheckOutcome read(UntrustedTree tree, String relative, ObjectMapper json, List<String> distrusted,
      String runnerOutput) {
    JsonNode r;
    try {
      r = json.readTree(tree.read(relative, MAX_BYTES));
    } catch (NoSuchFileException e) {
      return CheckOutcome.notRun("the check runner wrote no result", text(runnerOutput, MAX_LOG, true));
    } catch (UntrustedTree.Refused e) {
      distrusted.add("the check's result: " + e.getMessage());
      return CheckOutcome.notRun("the check's result was refused: " + e.getMessage(), "");
    } catch (IOException e) {
      return CheckOutcome.notRun("the check's result is not readable JSON: " + text(e.getMessage(), 300, false), "");
    }
    if (r == null || !r.isObject() || !r.path("complete").asBoolean(false)) {
      return CheckOutcome.notRun("the check's result is incomplete", text(runnerOutput, MAX_LOG, true));
    }
    String log = text(r.path("serviceLog").asText(""), MAX_LOG, true);
    String problem = text(r.path("problem").asText(""), MAX_TEXT, false);
    JsonNode report = r.path("report");
    if (!problem.isEmpty() || !report.isObject()) {
      return CheckOutcome.notRun(problem.isEmpty() ? "the check's result has no report" : problem, log);
    }
    List<CheckOutcome.Finding> findings = new ArrayList<>();
    for (JsonNode f : report.path("findings")) {
      if (findings.size() >= MAX_ENTRIES) break;
      findings.add(new CheckOutcome.Finding(text(f.path("kind").asText(""), 40, false),
          "warning".equals(f.path("severity").asText()), text(f.path("operation").asText(""), 300, false),
          text(f.path("summary").asText(""), MAX_TEXT, false), text(f.path("curl").asText(""), MAX_TEXT, false),
          text(f.path("expected").asText(""), MAX_TEXT, false), text(f.path("actual").asText(""), MAX_TEXT, false),
          f.path("seed").isNumber() ? f.path("seed").asLong() : null, text(f.path("cwe").asText(""), 20, false),
          text(f.path("scenario").asText(""), 300, false), (int) Math.max(1, Math.min(f.path("timesSeen").asLong(1),
          1_000_000))));
    }
    List<CheckOutcome.Pending> pending = new ArrayList<>();
    for (JsonNode p : report.path("pending")) {
      if (pending.size() >= MAX_ENTRIES) break;
      pending.add(new CheckOutcome.Pending(text(p.path("operation").asText(""), 300, false),
          text(p.path("curl").asText(""), MAX_TEXT, false)));
    }
    List<CheckOutcome.Scenario> scenarios = new ArrayList<>();
    for (JsonNode s : report.path("scenarios")) {
      if (scenarios.size() >= MAX_ENTRIES) break;
      scenarios.add(new CheckOutcome.Scenario(text(s.path("name").asText(""), 300, false),
          s.path("passed").asBoolean(false), text(s.path("failedStep").asText(""), 300, false)));
    }
    List<String> notes = new ArrayList<>();
    for (JsonNode n : report.path("notes")) {
      if (notes.size() >= MAX_ENTRIES) break;
      notes.add(text(n.asText(""), MAX_TEXT, false));
    }
    return new CheckOutcome("", findings, pending, scenarios, notes, report.path("seed").asLong(0),
        (int) Math.max(0, Math.min(report.path("requests").asLong(0), 100_000_000)),
        Math.max(0, report.path("tookMs").asLong(0)), log);
  }

  /** Cut to {@code max} characters, unsafe characters named; line breaks kept only where asked. */
  private static String text(String s, int max, boolean keepLines) {
    String c = s == null ? "" : s.length() <= max ? s : s.substring(0, max) + " ...";
    String clean = Names.clean(c);
    return keepLines ? clean : clean.replaceAll("[\\n\\t]+", " ");
  }
}
