package dev.spectra.orchestrator.scaffold;

import dev.spectra.orchestrator.verify.CheckOutcome;
import dev.spectra.orchestrator.verify.VerifyResult;

/** Renders {@code BUILD-REPORT.md}: the same facts as {@code build-report.json}, for people. */
final class BuildReportMarkdown {
  private static final int LOG_TAIL_CHARS = 6000;

  private BuildReportMarkdown() {}

  static String render(BuildReport r, String log) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Build report: ").append(r.service()).append("\n\n");
    sb.append("| | |\n|---|---|\n");
    row(sb, "outcome", r.passed() ? "**passed**: compiled, all tests passed" + (r.check() == null ? ""
        : ", the check found no failure") : r.tests().timedOut() ? "**failed**: timed out" : "**failed**");
    row(sb, "build", "`" + r.id() + "`");
    row(sb, "contract", "`" + r.openapi() + "`");
    row(sb, "stack", r.stack());
    row(sb, "started", r.startedAt());
    row(sb, "finished", r.finishedAt());
    row(sb, "sandbox", r.tests().sandbox());
    if (!r.tests().limits().isEmpty()) row(sb, "limits", r.tests().limits());
    for (String refused : r.tests().refused()) row(sb, "refused from the sandbox", refused);
    row(sb, "operations", r.implementedCount() + " implemented, " + r.needsModelCount() + " need a model");
    var t = r.tests();
    row(sb, "tests", t.compiled() && !t.timedOut() ? t.summary() + " (pending: operations that need a model)"
        : t.summary());
    CheckOutcome c = r.check();
    if (c != null) {
      row(sb, "check", !c.ran() ? "could not run: " + c.problem() : c.failures().size() + " failures, "
          + c.warnings().size() + " warnings, " + c.pending().size() + " pending (answer 501), " + c.scenarios().size()
          + " scenarios; " + c.requests() + " requests, seed " + c.seed() + " (fuzzing, stateful checks, security"
          + " probes against the service started in the sandbox)");
    }
    row(sb, "start", "`" + (r.start() == null ? "" : String.join(" ", r.start().argv()) + "` in `" + r.start().cwd()
        + "`, port from $" + r.start().portVariable() + (r.start().offline() ? ", offline" : "")));
    if (VerifyResult.NONE_TEMPLATE.equals(t.sandbox())) {
      sb.append("\nVerified without a sandbox: bubblewrap was not found, and this project holds only code generated from")
          .append(" the orchestrator's templates and the contract. Model-written code (`orchestrator run`) never runs")
          .append(" this way; install bubblewrap for it.\n");
    }
    sb.append("\n## Operations\n\n| method | path | operationId | status | handler |\n|---|---|---|---|---|\n");
    for (var o : r.operations()) {
      sb.append("| ").append(o.method()).append(" | `").append(o.path()).append("` | `").append(o.operationId())
          .append("` | ").append(o.status()).append(o.crud().isEmpty() ? "" : " (" + o.crud() + ")")
          .append(o.reason().isEmpty() ? "" : ": " + o.reason().replace("|", "\\|")).append(" | `")
          .append(o.handler()).append("` |\n");
    }
    if (!r.warnings().isEmpty()) {
      sb.append("\n## What the contract loader tolerated\n\n");
      for (String w : r.warnings()) sb.append("- ").append(w).append('\n');
    }
    sb.append("\n## Wall time per step\n\n| step | ms |\n|---|---|\n");
    for (var s : r.steps()) sb.append("| ").append(s.name()).append(" | ").append(s.millis()).append(" |\n");
    if (!t.compileErrors().isEmpty()) {
      sb.append("\n## Compile errors\n\n");
      for (var e : t.compileErrors()) {
        sb.append("- `").append(e.file()).append(':').append(e.line()).append("` ").append(e.message()).append('\n');
      }
    }
    if (!t.failures().isEmpty()) {
      sb.append("\n## Test failures\n\n");
      for (var f : t.failures()) {
        sb.append("### ").append(f.testClass()).append(" > ").append(f.testName()).append("\n\n```\n")
            .append(f.message()).append('\n');
        if (!f.trace().isBlank()) sb.append(f.trace()).append('\n');
        sb.append("```\n\n");
      }
    }
    if (c != null) check(sb, c);
    sb.append("\n## Files\n\n");
    for (String f : r.files()) sb.append("- `").append(f).append("`\n");
    if (!r.passed() && log != null && !log.isBlank()) {
      String tail = log.length() > LOG_TAIL_CHARS ? "...\n" + log.substring(log.length() - LOG_TAIL_CHARS) : log;
      sb.append("\n## Verification log (end)\n\n```\n").append(tail.replace("```", "'''")).append("\n```\n");
    }
    return sb.toString();
  }

  /** The check's section: each finding with its reproducing request, pending operations, scenarios, notes. */
  private static void check(StringBuilder sb, CheckOutcome c) {
    sb.append("\n## Behaviour check (`orchestrator check`)\n\n");
    if (!c.ran()) {
      sb.append("The check could not run: ").append(c.problem()).append("\n");
      if (!c.serviceLog().isBlank()) {
        sb.append("\nThe service's output (end):\n\n```\n").append(c.serviceLog().replace("```", "'''"))
            .append("\n```\n");
      }
      return;
    }
    if (c.findings().isEmpty()) sb.append("No finding.\n");
    for (CheckOutcome.Finding f : c.findings()) {
      sb.append("### ").append(f.warning() ? "warning " : "").append(f.kind()).append(f.cwe().isEmpty() ? "" : " "
          + f.cwe()).append(": ").append(f.operation()).append("\n\n").append(f.summary())
          .append(f.timesSeen() > 1 ? " (seen " + f.timesSeen() + " times)" : "").append("\n\n```\n")
          .append(f.curl().replace("```", "'''")).append("\nexpected: ").append(f.expected().replace("```", "'''"))
          .append("\nactual:   ").append(f.actual().replace("```", "'''"))
          .append(f.seed() == null ? "" : "\nseed: " + f.seed()).append("\n```\n\n");
    }
    if (!c.pending().isEmpty()) {
      sb.append("\nPending (answer 501, not implemented; neither passing nor failing):\n\n");
      for (CheckOutcome.Pending p : c.pending()) sb.append("- ").append(p.operation()).append('\n');
    }
    if (!c.scenarios().isEmpty()) {
      sb.append("\nScenarios:\n\n");
      for (CheckOutcome.Scenario s : c.scenarios()) {
        sb.append("- ").append(s.passed() ? "passed: " : "FAILED: ").append(s.name())
            .append(s.passed() ? "" : " (at " + s.failedStep() + ")").append('\n');
      }
    }
    if (!c.notes().isEmpty()) {
      sb.append("\nNotes:\n\n");
      for (String n : c.notes()) sb.append("- ").append(n).append('\n');
    }
  }

  private static void row(StringBuilder sb, String k, String v) {
    sb.append("| ").append(k).append(" | ").append(v.replace("|", "\\|")).append(" |\n");
  }
}
