package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Plan-mode grading: can the planned contract carry every hidden scenario of the task? Each step needs an
 * operation (method and path template), the statuses it expects declared, its query parameters declared, and its
 * body fields in the request schema when that schema lists its properties. A contract that cannot carry a
 * scenario cannot be built into a service that passes it, whatever the code.
 */
final class ContractCoverage {
  private ContractCoverage() {}

  /** {@return what the plan misses, most telling first (at most a few entries); empty when it carries the task} */
  static List<String> problems(JsonNode plan, EvalTask task) {
    Set<String> missing = new LinkedHashSet<>();
    String planText = plan.toString().toLowerCase(Locale.ROOT);
    for (String entity : task.entities()) {
      if (!planText.contains(entity.toLowerCase(Locale.ROOT))) missing.add("entity " + entity);
    }
    JsonNode doc = plan.path("openapi");
    JsonNode paths = doc.path("paths");
    for (EvalTask.Scenario s : task.hidden()) {
      for (EvalTask.Step step : s.steps()) {
        JsonNode op = operation(paths, step.method(), step.path());
        String where = step.method() + " " + template(step.path());
        if (op == null) {
          missing.add("operation " + where);
          continue;
        }
        for (int status : step.status()) {
          if (step.status().size() > 1 && step.status().stream().anyMatch(c -> declares(op, c))) break;
          if (!declares(op, status)) missing.add("status " + status + " on " + where);
        }
        for (String q : step.query().keySet()) {
          if (!hasParameter(doc, op, q, "query")) missing.add("query parameter " + q + " on " + where);
        }
        if (step.body() != null && step.body().isObject()) {
          JsonNode schema = resolve(doc, op.path("requestBody").path("content").path("application/json").path("schema"));
          if (op.path("requestBody").isMissingNode()) {
            missing.add("request body on " + where);
          } else if (schema.has("properties")) {
            for (Iterator<String> it = step.body().fieldNames(); it.hasNext(); ) {
              String f = it.next();
              if (!schema.path("properties").has(f)) missing.add("body field " + f + " on " + where);
            }
          }
        }
      }
    }
    return new ArrayList<>(missing);
  }

  /** {@return the operation of {@code paths} serving {@code method} on the concrete or templated path, or null} */
  static JsonNode operation(JsonNode paths, String method, String concretePath) {
    String[] want = template(concretePath).split("/");
    // A literal path beats a template: /r/stats is not /r/{code}.
    JsonNode exact = paths.path(template(concretePath)).path(method.toLowerCase(Locale.ROOT));
    if (!exact.isMissingNode()) return exact;
    for (Iterator<String> it = paths.fieldNames(); it.hasNext(); ) {
      String tpl = it.next();
      JsonNode op = paths.path(tpl).path(method.toLowerCase(Locale.ROOT));
      if (op.isMissingNode()) continue;
      String[] have = tpl.split("/");
      if (have.length != want.length) continue;
      boolean match = true;
      for (int i = 0; i < have.length && match; i++) {
        boolean haveParam = have[i].startsWith("{") && have[i].endsWith("}");
        boolean wantParam = want[i].startsWith("{") && want[i].endsWith("}");
        match = haveParam || (!wantParam && have[i].equals(want[i]));
      }
      if (match) return op;
    }
    return null;
  }

  /** A step's path as a template: the query goes, {@code {{var}}} and numeric segments become parameters. */
  static String template(String path) {
    String p = path.split("\\?", 2)[0];
    StringBuilder sb = new StringBuilder();
    for (String seg : p.split("/")) {
      if (seg.isEmpty()) continue;
      sb.append('/');
      if (seg.contains("{{") || seg.chars().allMatch(Character::isDigit)) sb.append("{p}");
      else sb.append(seg);
    }
    return sb.isEmpty() ? "/" : sb.toString();
  }

  private static boolean declares(JsonNode op, int status) {
    JsonNode responses = op.path("responses");
    return responses.has(Integer.toString(status)) || responses.has((status / 100) + "XX")
        || responses.has((status / 100) + "xx");
  }

  private static boolean hasParameter(JsonNode doc, JsonNode op, String name, String in) {
    for (JsonNode p : op.path("parameters")) {
      JsonNode r = resolve(doc, p);
      if (name.equals(r.path("name").asText()) && in.equals(r.path("in").asText())) return true;
    }
    return false;
  }

  /** Follows one local {@code $ref} ({@code #/components/...}); anything else is returned as is. */
  private static JsonNode resolve(JsonNode doc, JsonNode node) {
    String ref = node.path("$ref").asText("");
    if (!ref.startsWith("#/")) return node;
    JsonNode target = doc.at(ref.substring(1));
    return target.isMissingNode() ? node : target;
  }
}
