package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Reads scenario files and refuses anything doubtful before a request is sent: an unknown key, a missing field, a
 * bad status, path or regex, a variable used before it is captured. Every problem names the file and the line.
 */
final class ScenarioLoader {
  static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([A-Za-z_][\\w.-]*)\\s*}}");
  /** Variables every scenario has: a value unique to the run, a fresh unique value at each use, the seed. */
  static final Set<String> BUILT_INS = Set.of("run.id", "unique", "seed");

  private static final Set<String> FILE_KEYS = Set.of("scenarios", "vars");
  private static final Set<String> SCENARIO_KEYS = Set.of("name", "description", "vars", "setup", "steps", "teardown");
  private static final Set<String> STEP_KEYS = Set.of("name", "request", "expect", "capture");
  private static final Set<String> REQUEST_KEYS = Set.of("method", "path", "query", "headers", "json", "body",
      "contentType");
  private static final Set<String> EXPECT_KEYS = Set.of("status", "body", "assert", "headers");
  private static final Set<String> OPS = Set.of("equals", "notEquals", "lt", "lte", "gt", "gte", "exists", "absent",
      "matches", "type", "length", "contains");
  private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "array", "object", "null");
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS");

  private final List<InputProblem> problems = new ArrayList<>();
  private String file;
  private LocatedYaml doc;

  /** {@return every scenario in the files and directories (*.yaml, *.yml, sorted by name)} */
  List<Scenario> load(List<Path> paths) throws CheckInputException {
    List<Scenario> out = new ArrayList<>();
    for (Path p : paths) {
      if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
        List<Path> files;
        try (Stream<Path> s = Files.list(p)) {
          files = s.filter(f -> f.getFileName().toString().matches(".*\\.ya?ml"))
              .filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        } catch (IOException e) {
          problems.add(new InputProblem(p.toString(), 0, "", "cannot list the directory: " + e.getMessage()));
          continue;
        }
        if (files.isEmpty()) problems.add(new InputProblem(p.toString(), 0, "", "no *.yaml or *.yml files in it"));
        for (Path f : files) out.addAll(loadFile(f));
      } else {
        out.addAll(loadFile(p));
      }
    }
    if (!problems.isEmpty()) throw new CheckInputException(problems);
    return out;
  }

  private List<Scenario> loadFile(Path path) {
    file = path.toString();
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      problems.add(new InputProblem(file, 0, "", "file not found"));
      return List.of();
    } catch (IOException e) {
      problems.add(new InputProblem(file, 0, "", "cannot read: " + e.getMessage()));
      return List.of();
    }
    try {
      doc = LocatedYaml.parse(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      problems.add(new InputProblem(file, line, "", "not valid YAML: " + e.getOriginalMessage()));
      return List.of();
    } catch (IOException e) {
      problems.add(new InputProblem(file, 0, "", "cannot read: " + e.getMessage()));
      return List.of();
    }
    JsonNode root = doc.root();
    if (!root.isObject()) {
      problem("", "", "the top level must be a mapping with a 'scenarios' list");
      return List.of();
    }
    keys(root, "", "", FILE_KEYS);
    Map<String, JsonNode> fileVars = vars(root.get("vars"), "/vars", "vars");
    JsonNode list = root.get("scenarios");
    if (list == null || !list.isArray() || list.isEmpty()) {
      problem("", "scenarios", "'scenarios' must be a non-empty list");
      return List.of();
    }
    List<Scenario> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Scenario s = scenario(list.get(i), "/scenarios/" + i, "scenarios[" + i + "]", fileVars);
      if (s != null) out.add(s);
    }
    return out;
  }

  private Scenario scenario(JsonNode node, String ptr, String where, Map<String, JsonNode> fileVars) {
    if (!node.isObject()) {
      problem(ptr, where, "a scenario is a mapping with 'name' and 'steps'");
      return null;
    }
    keys(node, ptr, where, SCENARIO_KEYS);
    String name = node.path("name").asText("");
    if (name.isBlank()) problem(ptr, where, "missing 'name'");
    Map<String, JsonNode> vars = new LinkedHashMap<>(fileVars);
    vars.putAll(vars(node.get("vars"), ptr + "/vars", where + ".vars"));
    Set<String> known = new HashSet<>(BUILT_INS);
    known.addAll(vars.keySet());
    List<Scenario.Step> setup = steps(node.get("setup"), ptr + "/setup", where + ".setup", known, false);
    if (!node.has("steps")) problem(ptr, where, "missing 'steps'");
    List<Scenario.Step> steps = steps(node.get("steps"), ptr + "/steps", where + ".steps", known, true);
    List<Scenario.Step> teardown = steps(node.get("teardown"), ptr + "/teardown", where + ".teardown", known, false);
    return new Scenario(name, file, vars, setup, steps, teardown);
  }

  private Map<String, JsonNode> vars(JsonNode node, String ptr, String where) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (node == null) return out;
    if (!node.isObject()) {
      problem(ptr, where, "'vars' is a mapping of names to values");
      return out;
    }
    node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private List<Scenario.Step> steps(JsonNode node, String ptr, String where, Set<String> known, boolean required) {
    List<Scenario.Step> out = new ArrayList<>();
    if (node == null) return out;
    if (!node.isArray() || (required && node.isEmpty())) {
      problem(ptr, where, "a list of steps, each with a 'request'");
      return out;
    }
    for (int i = 0; i < node.size(); i++) {
      Scenario.Step s = step(node.get(i), ptr + "/" + i, where + "[" + i + "]", known);
      if (s != null) out.add(s);
    }
    return out;
  }

  private Scenario.Step step(JsonNode node, String ptr, String where, Set<String> known) {
    if (!node.isObject()) {
      problem(ptr, where, "a step is a mapping with 'request' and optional 'expect' and 'capture'");
      return null;
    }
    keys(node, ptr, where, STEP_KEYS);
    JsonNode req = node.get("request");
    if (req == null || !req.isObject()) {
      problem(ptr, where, "missing 'request' (a mapping with 'method' and 'path')");
      return null;
    }
    Scenario.Request request = request(req, ptr + "/request", where + ".request", known);
    Scenario.Expect expect = expect(node.get("expect"), ptr + "/expect", where + ".expect", known);
    Map<String, Scenario.Capture> captures = new LinkedHashMap<>();
    JsonNode cap = node.get("capture");
    if (cap != null) {
      if (!cap.isObject()) {
        problem(ptr + "/capture", where + ".capture", "'capture' maps variable names to $.paths or {header: Name}");
      } else {
        for (var it = cap.fields(); it.hasNext(); ) {
          var e = it.next();
          String cp = ptr + "/capture/" + e.getKey();
          String cw = where + ".capture." + e.getKey();
          if (BUILT_INS.contains(e.getKey())) problem(cp, cw, "'" + e.getKey() + "' is a built-in variable");
          if (e.getValue().isTextual()) {
            JsonPathLite path = path(e.getValue().asText(), cp, cw);
            if (path != null) captures.put(e.getKey(), new Scenario.Capture(path, null));
          } else if (e.getValue().isObject() && e.getValue().path("header").isTextual() && e.getValue().size() == 1) {
            captures.put(e.getKey(), new Scenario.Capture(null, e.getValue().get("header").asText()));
          } else {
            problem(cp, cw, "a capture is a $.path string or {header: Name}");
          }
        }
      }
    }
    known.addAll(captures.keySet());
    String name = node.path("name").asText(request == null ? "step" : request.method() + " " + request.path());
    return request == null ? null : new Scenario.Step(name, doc.line(ptr), request, expect, captures);
  }

  private Scenario.Request request(JsonNode req, String ptr, String where, Set<String> known) {
    keys(req, ptr, where, REQUEST_KEYS);
    String method = req.path("method").asText("").toUpperCase();
    if (!METHODS.contains(method)) {
      problem(ptr + "/method", where + ".method", req.has("method")
          ? "unknown method '" + req.get("method").asText() + "'; use one of " + METHODS
          : "missing 'method'");
    }
    String path = req.path("path").asText("");
    if (!req.path("path").isTextual()) {
      problem(ptr + "/path", where + ".path", "missing 'path' (relative to --url, starting with '/')");
    } else if (!path.startsWith("/") || path.contains("://") || path.startsWith("//") || path.contains("#")) {
      // Scenarios address the service under check only: never another host.
      problem(ptr + "/path", where + ".path", "a path starts with '/' and is relative to --url; got '" + path + "'");
    }
    usesKnown(path, ptr + "/path", where + ".path", known);
    Map<String, JsonNode> query = new LinkedHashMap<>();
    if (req.has("query")) {
      if (!req.get("query").isObject()) problem(ptr + "/query", where + ".query", "'query' is a mapping");
      else req.get("query").fields().forEachRemaining(e -> query.put(e.getKey(), e.getValue()));
    }
    Map<String, String> headers = new LinkedHashMap<>();
    if (req.has("headers")) {
      if (!req.get("headers").isObject()) problem(ptr + "/headers", where + ".headers", "'headers' is a mapping");
      else req.get("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    if (req.has("json") && req.has("body")) {
      problem(ptr, where, "give 'json' (a JSON body) or 'body' (raw text), not both");
    }
    if (req.has("body") && !req.get("body").isTextual()) problem(ptr + "/body", where + ".body", "'body' is text; use 'json' for a JSON body");
    usesKnown(req.path("query"), ptr + "/query", where + ".query", known);
    usesKnown(req.path("headers"), ptr + "/headers", where + ".headers", known);
    usesKnown(req.path("json"), ptr + "/json", where + ".json", known);
    usesKnown(req.path("body"), ptr + "/body", where + ".body", known);
    return new Scenario.Request(method, path, query, headers, req.get("json"),
        req.has("body") ? req.get("body").asText() : null, req.path("contentType").asText(null));
  }

  private Scenario.Expect expect(JsonNode node, String ptr, String where, Set<String> known) {
    if (node == null) return Scenario.Expect.ANY;
    if (!node.isObject()) {
      problem(ptr, where, "'expect' is a mapping with status, body, assert or headers");
      return Scenario.Expect.ANY;
    }
    keys(node, ptr, where, EXPECT_KEYS);
    List<String> status = new ArrayList<>();
    JsonNode st = node.get("status");
    if (st != null) {
      List<JsonNode> items = new ArrayList<>();
      if (st.isArray()) st.forEach(items::add);
      else items.add(st);
      for (JsonNode s : items) {
        String v = s.asText().toLowerCase();
        if (v.matches("[1-5]\\d\\d|[1-5]xx")) status.add(v);
        else problem(ptr + "/status", where + ".status", "a status is a code like 201 or a class like 4xx; got '"
            + s.asText() + "'");
      }
    }
    List<Scenario.Assertion> asserts = new ArrayList<>();
    JsonNode as = node.get("assert");
    if (as != null) {
      if (!as.isArray()) {
        problem(ptr + "/assert", where + ".assert", "'assert' is a list of {path: $..., <op>: value}");
      } else {
        for (int i = 0; i < as.size(); i++) {
          asserts.addAll(assertion(as.get(i), ptr + "/assert/" + i, where + ".assert[" + i + "]"));
        }
      }
    }
    usesKnown(node.path("body"), ptr + "/body", where + ".body", known);
    usesKnown(node.path("assert"), ptr + "/assert", where + ".assert", known);
    Map<String, String> headers = new LinkedHashMap<>();
    if (node.has("headers")) {
      if (!node.get("headers").isObject()) problem(ptr + "/headers", where + ".headers", "'headers' is a mapping");
      else node.get("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    return new Scenario.Expect(status, node.get("body"), asserts, headers);
  }

  private List<Scenario.Assertion> assertion(JsonNode node, String ptr, String where) {
    List<Scenario.Assertion> out = new ArrayList<>();
    if (!node.isObject() || !node.path("path").isTextual()) {
      problem(ptr, where, "an assertion is {path: $.field, <op>: value}; ops: " + String.join(", ", OPS));
      return out;
    }
    JsonPathLite path = path(node.get("path").asText(), ptr + "/path", where + ".path");
    int ops = 0;
    for (var it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      String op = e.getKey();
      if (op.equals("path")) continue;
      if (!OPS.contains(op)) {
        problem(ptr + "/" + op, where + "." + op, "unknown key '" + op + "'; ops: " + String.join(", ", OPS));
        continue;
      }
      ops++;
      JsonNode v = e.getValue();
      switch (op) {
        case "exists", "absent" -> {
          if (!v.isBoolean()) problem(ptr + "/" + op, where + "." + op, "'" + op + "' takes true or false");
        }
        case "lt", "lte", "gt", "gte" -> {
          if (!v.isNumber() && !(v.isTextual() && VARIABLE.matcher(v.asText()).matches())) {
            problem(ptr + "/" + op, where + "." + op, "'" + op + "' takes a number");
          }
        }
        case "length" -> {
          if (!v.isIntegralNumber()) problem(ptr + "/" + op, where + "." + op, "'length' takes a whole number");
        }
        case "type" -> {
          if (!TYPES.contains(v.asText())) problem(ptr + "/" + op, where + "." + op, "'type' is one of " + TYPES);
        }
        case "matches" -> {
          try {
            Pattern.compile(v.asText());
          } catch (PatternSyntaxException ex) {
            problem(ptr + "/" + op, where + "." + op, "not a valid regex: " + ex.getDescription());
          }
        }
        default -> { }
      }
      if (path != null) out.add(new Scenario.Assertion(path, op, v, doc.line(ptr + "/" + op)));
    }
    if (ops == 0) problem(ptr, where, "an assertion needs one of: " + String.join(", ", OPS));
    return out;
  }

  private JsonPathLite path(String text, String ptr, String where) {
    try {
      return JsonPathLite.parse(text);
    } catch (IllegalArgumentException e) {
      problem(ptr, where, "bad path '" + text + "': " + e.getMessage());
      return null;
    }
  }

  private void usesKnown(JsonNode node, String ptr, String where, Set<String> known) {
    if (node == null || node.isMissingNode()) return;
    if (node.isTextual()) {
      usesKnown(node.asText(), ptr, where, known);
    } else if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        usesKnown(e.getKey(), ptr, where, known);
        usesKnown(e.getValue(), ptr + "/" + e.getKey(), where + "." + e.getKey(), known);
      });
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) usesKnown(node.get(i), ptr + "/" + i, where + "[" + i + "]", known);
    }
  }

  private void usesKnown(String text, String ptr, String where, Set<String> known) {
    Matcher m = VARIABLE.matcher(text);
    while (m.find()) {
      if (!known.contains(m.group(1))) {
        problem(ptr, where, "variable '{{" + m.group(1) + "}}' is not defined before this step: capture it in an"
            + " earlier step, define it under 'vars', or use a built-in (" + String.join(", ", BUILT_INS) + ")");
      }
    }
  }

  private void keys(JsonNode node, String ptr, String where, Set<String> allowed) {
    node.fieldNames().forEachRemaining(k -> {
      if (!allowed.contains(k)) {
        problem(ptr + "/" + k, where.isEmpty() ? k : where + "." + k, "unknown key '" + k + "'; allowed here: "
            + String.join(", ", allowed.stream().sorted().toList()));
      }
    });
  }

  private void problem(String ptr, String where, String message) {
    problems.add(new InputProblem(file, doc == null ? 0 : doc.line(ptr), where, message));
  }
}
