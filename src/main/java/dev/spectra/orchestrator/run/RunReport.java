package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.charset.StandardCharsets;
import dev.spectra.orchestrator.verify.workspace.Names;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;

/**
 * {@code BUILD-REPORT.md} and {@code build-report.json} of a model-driven build: what {@code build --openapi}
 * reports, plus the plan, the models used per step, iterations, tokens, cost, saved, escalations and refusals.
 */
final class RunReport {
  static final String MARKDOWN = "BUILD-REPORT.md";
  static final String JSON_FILE = "build-report.json";
  private static final ObjectMapper JSON = RunState.JSON;

  private RunReport() {}

  static ObjectNode json(RunState state, Path project) throws IOException {
    ObjectNode r = JSON.createObjectNode();
    r.put("buildId", state.buildId);
    r.put("kind", "run");
    r.put("status", state.status);
    if (state.statusDetail != null) r.put("detail", state.statusDetail);
    r.put("request", state.request);
    if (state.plan != null) {
      r.put("service", state.plan.path("service").asText());
      r.put("summary", state.plan.path("summary").asText());
    }
    if (state.outDir != null) r.put("out", state.outDir);
    ArrayNode ops = r.putArray("modelOperations");
    for (Ports.PendingOperation op : state.pending) {
      ops.addObject().put("operationId", op.operationId()).put("method", op.method()).put("path", op.path())
          .put("file", op.handlerFile()).put("implemented", state.done("implement:" + op.operationId()));
    }
    ObjectNode totals = r.putObject("totals");
    int prompt = 0;
    int completion = 0;
    BigDecimal cost = BigDecimal.ZERO;
    BigDecimal saved = BigDecimal.ZERO;
    boolean estimated = false;
    for (RunState.StepRecord s : state.steps) {
      prompt += s.promptTokens();
      completion += s.completionTokens();
      cost = cost.add(new BigDecimal(s.costUsd()));
      saved = saved.add(new BigDecimal(s.savedUsd()));
      estimated |= s.estimated();
    }
    totals.put("tokens", prompt + completion).put("promptTokens", prompt).put("completionTokens", completion)
        .put("tokensEstimated", estimated).put("costUsd", cost.toPlainString()).put("savedUsd", saved.toPlainString())
        .put("fixIterations", state.iteration).put("maxIterations", state.maxIterations);
    r.set("modelsByStep", modelsByStep(state));
    r.set("steps", JSON.valueToTree(state.steps));
    r.set("escalations", JSON.valueToTree(state.escalations));
    r.set("refusedPaths", JSON.valueToTree(state.refusals));
    if (state.verification != null) r.set("verification", JSON.valueToTree(state.verification));
    r.set("modelFiles", JSON.valueToTree(state.modelFiles));
    if (state.plan != null) r.set("plan", state.plan);
    if (Files.isDirectory(project, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        // The workspace is shared with generated code: read without following links, and only so much.
        JsonNode scaffold = JSON.readTree(new UntrustedTree(project).read(JSON_FILE, 1024 * 1024));
        if (!"run".equals(scaffold.path("kind").asText())) r.set("scaffold", scaffold);
      } catch (IOException e) {
        // A scaffold report we cannot read is not worth failing a verified build over.
      }
    }
    return r;
  }

  private static ObjectNode modelsByStep(RunState state) {
    ObjectNode out = JSON.createObjectNode();
    for (RunState.StepRecord s : state.steps) {
      if (s.models().isEmpty()) continue;
      out.put(s.name(), String.join(", ", s.models()));
    }
    return out;
  }

  /**
   * Writes both reports into {@code project}. Each is written in a fresh directory and renamed into place, so a link
   * the sandbox left at a report's name is replaced, never written through.
   */
  static void write(RunState state, Path project) throws IOException {
    ObjectNode json = json(state, project);
    UntrustedTree tree = new UntrustedTree(project);
    tree.replace(JSON_FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(json));
    tree.replace(MARKDOWN, Names.clean(markdown(state, json)).getBytes(StandardCharsets.UTF_8));
  }

  static String markdown(RunState state, JsonNode json) {
    StringBuilder md = new StringBuilder();
    md.append("# Build report: ").append(json.path("service").asText("(unplanned)")).append("\n\n");
    md.append("- Build: `").append(state.buildId).append("` (`orchestrator run`)\n");
    md.append("- Status: **").append(state.status).append("**")
        .append(state.statusDetail == null ? "" : ": " + state.statusDetail).append('\n');
    md.append("- Request: ").append(state.request).append('\n');
    if (json.has("summary")) md.append("- Summary: ").append(json.path("summary").asText()).append('\n');
    JsonNode t = json.path("totals");
    md.append("- Tokens: ").append(t.path("tokens").asInt()).append(" (").append(t.path("promptTokens").asInt())
        .append(" in, ").append(t.path("completionTokens").asInt()).append(" out")
        .append(t.path("tokensEstimated").asBoolean() ? ", partly estimated" : "").append(")\n");
    md.append("- Cost: $").append(t.path("costUsd").asText()).append(", saved against the reference cloud model: $")
        .append(t.path("savedUsd").asText()).append('\n');
    md.append("- Fix iterations: ").append(state.iteration).append(" of at most ").append(state.maxIterations)
        .append('\n');
    if (state.verification != null) {
      var v = state.verification;
      md.append("- Verification: ").append(v.compiled() ? "compiled" : "did not compile").append(", ")
          .append(v.testsRun()).append(" tests run, ").append(v.testsFailed()).append(" failed, sandbox: ")
          .append(v.sandbox()).append('\n');
      if (v.limits() != null && !v.limits().isEmpty()) md.append("- Limits: ").append(v.limits()).append('\n');
      if (v.refused() != null) {
        v.refused().forEach(x -> md.append("- Refused from the sandbox: ").append(x).append('\n'));
      }
    }
    md.append("\n## Operations implemented by the model\n\n");
    if (state.pending.isEmpty()) md.append("None: every operation is CRUD and was generated without a model.\n");
    for (Ports.PendingOperation op : state.pending) {
      md.append("- `").append(op.method().toUpperCase(java.util.Locale.ROOT)).append(' ').append(op.path())
          .append("` ").append(op.operationId()).append(": ").append(op.handlerFile())
          .append(state.done("implement:" + op.operationId()) ? "" : " (not implemented)").append('\n');
    }
    md.append("\n## Steps\n\n| step | models | tokens in/out | cost | time | outcome |\n|---|---|---|---|---|---|\n");
    for (RunState.StepRecord s : state.steps) {
      md.append("| ").append(s.name()).append(" | ").append(String.join(", ", s.models())).append(" | ")
          .append(s.promptTokens()).append('/').append(s.completionTokens()).append(" | $").append(s.costUsd())
          .append(" | ").append(String.format(java.util.Locale.ROOT, "%.1f s", s.millis() / 1000.0)).append(" | ")
          .append(s.outcome().replace('|', '/')).append(" |\n");
    }
    md.append("\n## Escalations\n\n");
    if (state.escalations.isEmpty()) md.append("None.\n");
    for (RunState.Escalation e : state.escalations) {
      md.append("- after ").append(e.step()).append(" (").append(e.artifact()).append("): ").append(e.reason())
          .append(e.escalated() ? " -> next route" : " -> no route left").append('\n');
    }
    if (!state.refusals.isEmpty()) {
      md.append("\n## Refused model output\n\n");
      for (RunState.Refusal r : state.refusals) {
        md.append("- ").append(r.step()).append(": `").append(r.path()).append("`: ").append(r.reason()).append('\n');
      }
    }
    if (state.verification != null && !state.verification.problems().isEmpty()) {
      md.append("\n## Remaining problems\n\n");
      state.verification.problems().forEach(p -> md.append("- ").append(p).append('\n'));
    }
    if (state.plan != null) {
      md.append("\n## Plan\n\n");
      Map<String, String> behaviours = new LinkedHashMap<>();
      state.plan.path("behaviours").forEach(b -> behaviours.put(b.path("operationId").asText(),
          b.path("behaviour").asText()));
      behaviours.forEach((k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
      md.append("\nAcceptance scenarios (`src/test/java/.../scenario/").append(ScenarioTests.CLASS).append(".java`):\n\n");
      new Plan(state.plan).scenarios().forEach(s -> md.append(Implementer.render(s)).append('\n'));
      md.append("\nThe whole plan, with its OpenAPI document, is in `").append(JSON_FILE).append("` under `plan`.\n");
    }
    return md.toString();
  }
}
