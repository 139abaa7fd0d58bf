package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs scenarios step by step: substitutes variables, sends, checks the expectations, captures values for later
 * steps. Setup runs first and teardown always runs last. Each run has its own {@code {{run.id}}}, so values that
 * must be unique (a username, an account name) are fresh every time the check runs.
 */
final class ScenarioRunner {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Session s;
  private final String runId;
  private final AtomicInteger counter = new AtomicInteger();

  ScenarioRunner(Session session, String runId) {
    this.s = session;
    this.runId = runId;
  }

  /** A step that did not go as expected. */
  private record StepFailure(String what, String expected, String actual, Call call) {}

  List<CheckReport.ScenarioResult> run(List<Scenario> scenarios) {
    List<CheckReport.ScenarioResult> out = new ArrayList<>();
    for (int i = 0; i < scenarios.size(); i++) {
      s.listener.progress("scenarios", i, scenarios.size());
      out.add(run(scenarios.get(i)));
    }
    s.listener.progress("scenarios", scenarios.size(), scenarios.size());
    return out;
  }

  private CheckReport.ScenarioResult run(Scenario sc) {
    Map<String, JsonNode> vars = new LinkedHashMap<>(sc.vars());
    vars.put("run.id", TextNode.valueOf(runId));
    vars.put("seed", F.numberNode(s.request.seed()));
    String failed = null;
    for (Scenario.Step step : sc.setup()) {
      if (!runStep(sc, step, vars, "setup")) {
        failed = "setup: " + step.name();
        break;
      }
    }
    if (failed == null) {
      for (Scenario.Step step : sc.steps()) {
        if (!runStep(sc, step, vars, "step")) {
          failed = step.name();
          break;
        }
      }
    }
    for (Scenario.Step step : sc.teardown()) {
      // Teardown may use a capture that a failed step never made: skip those steps rather than send {{x}}.
      if (unresolved(step, vars)) continue;
      runStep(sc, step, vars, "teardown");
    }
    return new CheckReport.ScenarioResult(sc.name(), sc.file(), failed == null, failed == null ? "" : failed);
  }

  private boolean unresolved(Scenario.Step step, Map<String, JsonNode> vars) {
    Matcher m = ScenarioLoader.VARIABLE.matcher(step.request().path() + step.request().query() + step.request().json()
        + step.request().headers() + step.request().body());
    while (m.find()) {
      String v = m.group(1);
      if (!vars.containsKey(v) && !v.equals("unique")) return true;
    }
    return false;
  }

  private boolean runStep(Scenario sc, Scenario.Step step, Map<String, JsonNode> vars, String phase) {
    Call call = toCall(step.request(), vars);
    Optional<Operation> op = s.contract.find(call.method(), call.path());
    Answer ex = s.transport.send(call);
    Optional<Answer.Answered> answered = s.judge.judge(op.orElse(null), ex, Judge.Intent.PROBE,
        java.util.OptionalLong.empty(), "");
    StepFailure failure = answered.isEmpty()
        ? new StepFailure("no answer", "an answer", describe(ex), call)
        : check(step, answered.get(), vars, call);
    if (failure == null) {
      failure = capture(step, answered.get(), vars, call);
    }
    if (failure != null) {
      String where = phase.equals("step") ? "" : phase + " ";
      s.findings.add(new Finding.ScenarioFailure(op.map(Operation::label).orElse(call.method() + " " + call.path()),
          "scenario '" + sc.name() + "', " + where + "step '" + step.name() + "' (" + sc.file() + ":" + step.line()
              + "): " + failure.what(),
          new Finding.Evidence(call.curl(s.transport.baseUrl()), failure.expected(), failure.actual()),
          sc.name(), step.name()));
      return false;
    }
    return true;
  }

  private static String describe(Answer ex) {
    return switch (ex) {
      case Answer.TimedOut t -> "no answer within " + t.after().toMillis() + " ms";
      case Answer.Failed f -> f.reason();
      case Answer.Answered a -> "HTTP " + a.status();
    };
  }

  private StepFailure check(Scenario.Step step, Answer.Answered a, Map<String, JsonNode> vars, Call call) {
    Scenario.Expect e = step.expect();
    String actual = "HTTP " + a.status() + (a.body().isBlank() ? "" : "; body: " + Judge.truncate(a.body()));
    if (!e.status().isEmpty() && e.status().stream().noneMatch(st -> statusMatches(st, a.status()))) {
      return new StepFailure("status " + a.status() + ", expected " + String.join(" or ", e.status()),
          "status " + String.join(" or ", e.status()), actual, call);
    }
    for (var h : e.headers().entrySet()) {
      String want = substitute(h.getValue(), vars);
      if (!a.header(h.getKey()).equals(want)) {
        return new StepFailure("header " + h.getKey(), h.getKey() + ": " + want, h.getKey() + ": " + a.header(h.getKey()),
            call);
      }
    }
    if (e.body() == null && e.asserts().isEmpty()) return null;
    JsonNode body = Session.json(a.body());
    if (body == null) return new StepFailure("body is not JSON", "a JSON body", actual, call);
    if (e.body() != null) {
      JsonNode want = substituteJson(e.body(), vars);
      if (!contains(body, want)) {
        return new StepFailure("body does not contain the expected values", "a body containing " + want, actual, call);
      }
    }
    for (Scenario.Assertion as : e.asserts()) {
      JsonNode value = as.path().read(body);
      JsonNode operand = substituteJson(as.operand(), vars);
      if (!holds(as.op(), value, operand)) {
        return new StepFailure(as.path() + " " + as.op() + " " + operand + " does not hold",
            as.path() + " " + as.op() + " " + operand, as.path() + " = " + (value.isMissingNode() ? "(absent)" : value)
                + "; " + actual, call);
      }
    }
    return null;
  }

  private StepFailure capture(Scenario.Step step, Answer.Answered a, Map<String, JsonNode> vars, Call call) {
    if (step.captures().isEmpty()) return null;
    JsonNode body = Session.json(a.body());
    for (var c : step.captures().entrySet()) {
      JsonNode v;
      if (c.getValue().header() != null) {
        String h = a.header(c.getValue().header());
        v = h.isEmpty() ? null : TextNode.valueOf(h);
      } else {
        v = body == null ? null : c.getValue().path().read(body);
        if (v != null && v.isMissingNode()) v = null;
      }
      if (v == null) {
        String from = c.getValue().header() != null ? "header " + c.getValue().header() : c.getValue().path().toString();
        return new StepFailure("nothing to capture at " + from, "a value at " + from + " for '" + c.getKey() + "'",
            "HTTP " + a.status() + "; body: " + Judge.truncate(a.body()), call);
      }
      vars.put(c.getKey(), v);
    }
    return null;
  }

  static boolean statusMatches(String pattern, int status) {
    if (pattern.endsWith("xx")) return status / 100 == pattern.charAt(0) - '0';
    return Integer.toString(status).equals(pattern);
  }

  /** Subset match: objects need the expected members, arrays the expected elements (in any order). */
  static boolean contains(JsonNode actual, JsonNode expected) {
    if (expected.isObject()) {
      if (!actual.isObject()) return false;
      for (var it = expected.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!actual.has(e.getKey()) || !contains(actual.get(e.getKey()), e.getValue())) return false;
      }
      return true;
    }
    if (expected.isArray()) {
      if (!actual.isArray()) return false;
      for (JsonNode want : expected) {
        boolean found = false;
        for (JsonNode got : actual) {
          if (contains(got, want)) {
            found = true;
            break;
          }
        }
        if (!found) return false;
      }
      return true;
    }
    return StatefulChecker.sameValue(expected, actual) && expected.isNull() == actual.isNull();
  }

  static boolean holds(String op, JsonNode value, JsonNode operand) {
    boolean present = !value.isMissingNode();
    return switch (op) {
      case "exists" -> present == operand.asBoolean();
      case "absent" -> present != operand.asBoolean();
      case "equals" -> present && StatefulChecker.sameValue(value, operand) && value.isNull() == operand.isNull();
      case "notEquals" -> !present || !StatefulChecker.sameValue(value, operand);
      case "lt", "lte", "gt", "gte" -> {
        if (!present || !value.isNumber() || !operand.isNumber()) yield false;
        int c = value.decimalValue().compareTo(operand.decimalValue());
        yield switch (op) {
          case "lt" -> c < 0;
          case "lte" -> c <= 0;
          case "gt" -> c > 0;
          default -> c >= 0;
        };
      }
      case "matches" -> present && value.isValueNode() && Pattern.compile(operand.asText()).matcher(value.asText()).find();
      case "type" -> present && switch (operand.asText()) {
        case "string" -> value.isTextual();
        case "number" -> value.isNumber();
        case "integer" -> value.isIntegralNumber()
            || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
        case "boolean" -> value.isBoolean();
        case "array" -> value.isArray();
        case "object" -> value.isObject();
        default -> value.isNull();
      };
      case "length" -> present && (value.isArray() || value.isObject() ? value.size() : value.isTextual()
          ? value.asText().length() : -1) == operand.asInt();
      case "contains" -> present && (value.isArray() ? contains(value, F.arrayNode().add(operand))
          : value.isTextual() && value.asText().contains(operand.asText()));
      default -> false;
    };
  }

  private Call toCall(Scenario.Request r, Map<String, JsonNode> vars) {
    String path = substitutePath(r.path(), vars);
    List<Map.Entry<String, String>> query = new ArrayList<>();
    r.query().forEach((k, v) -> {
      JsonNode value = substituteJson(v, vars);
      if (value.isArray()) value.forEach(x -> query.add(Map.entry(k, RequestParts.text(x))));
      else query.add(Map.entry(k, RequestParts.text(value)));
    });
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Accept", "application/json");
    headers.putAll(s.userHeaders());
    r.headers().forEach((k, v) -> headers.put(k, substitute(v, vars)));
    Call call = new Call(r.method(), path, query, headers, null, List.copyOf(s.userHeaders().keySet()));
    if (r.json() != null) {
      call = call.withBody(substituteJson(r.json(), vars).toString().getBytes(StandardCharsets.UTF_8),
          r.contentType() == null ? "application/json" : r.contentType());
    } else if (r.body() != null) {
      call = call.withBody(substitute(r.body(), vars).getBytes(StandardCharsets.UTF_8),
          r.contentType() == null ? "text/plain" : r.contentType());
    }
    return call;
  }

  private String substitutePath(String path, Map<String, JsonNode> vars) {
    Matcher m = ScenarioLoader.VARIABLE.matcher(path);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      // A captured value is one path segment: encoded so that it cannot add segments or leave the service.
      m.appendReplacement(sb, Matcher.quoteReplacement(Call.encode(RequestParts.text(value(m.group(1), vars)))));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  String substitute(String text, Map<String, JsonNode> vars) {
    Matcher m = ScenarioLoader.VARIABLE.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(RequestParts.text(value(m.group(1), vars))));
    m.appendTail(sb);
    return sb.toString();
  }

  /** A string that is exactly one {@code {{var}}} takes the variable's JSON value (a number stays a number). */
  JsonNode substituteJson(JsonNode node, Map<String, JsonNode> vars) {
    if (node == null) return F.nullNode();
    if (node.isTextual()) {
      Matcher m = ScenarioLoader.VARIABLE.matcher(node.asText());
      if (m.matches()) return value(m.group(1), vars).deepCopy();
      return TextNode.valueOf(substitute(node.asText(), vars));
    }
    if (node.isObject()) {
      ObjectNode o = F.objectNode();
      node.fields().forEachRemaining(e -> o.set(substitute(e.getKey(), vars), substituteJson(e.getValue(), vars)));
      return o;
    }
    if (node.isArray()) {
      ArrayNode a = F.arrayNode();
      node.forEach(x -> a.add(substituteJson(x, vars)));
      return a;
    }
    return node;
  }

  private JsonNode value(String name, Map<String, JsonNode> vars) {
    if (name.equals("unique")) return TextNode.valueOf(runId + "-" + counter.incrementAndGet());
    JsonNode v = vars.get(name);
    return v == null ? TextNode.valueOf("") : v;
  }

  static String newRunId(java.util.Random random) {
    return HexFormat.of().toHexDigits(random.nextInt());
  }
}
