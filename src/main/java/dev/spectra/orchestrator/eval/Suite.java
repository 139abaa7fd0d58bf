package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A named list of eval tasks: the built-in suite shipped in the jar, or a directory of {@code *.yaml} /
 * {@code *.json} task files of the user's.
 *
 * @param problems task files that did not load, each naming the file, the line and the problem; the tasks that
 *     did load are still in {@code tasks} (the caller decides whether to go on: {@code --keep-going})
 */
public record Suite(String name, List<EvalTask> tasks, List<String> problems) {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String BUILTIN = "/eval/suite/";

  public Suite {
    tasks = List.copyOf(tasks);
    problems = List.copyOf(problems);
  }

  /** {@return the built-in suite: requests at five levels of complexity, each with hidden scenarios} */
  public static Suite builtin() {
    List<EvalTask> tasks = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String file : builtinIndex()) {
      try (InputStream in = Suite.class.getResourceAsStream(BUILTIN + file)) {
        if (in == null) throw new IllegalStateException("built-in eval task missing from the jar: " + file);
        String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        tasks.add(parse("builtin:" + file, stem(file), text));
      } catch (IOException e) {
        throw new IllegalStateException("cannot read built-in eval task " + file, e);
      } catch (TaskFileException e) {
        // The built-in suite is ours: a broken file is a bug, not a user mistake.
        throw new IllegalStateException(e.getMessage(), e);
      }
    }
    return new Suite("builtin", tasks, problems);
  }

  /**
   * Loads every {@code *.yaml}, {@code *.yml} and {@code *.json} file of {@code dir}, in name order.
   *
   * @throws IOException when the directory cannot be listed
   */
  public static Suite load(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json"));
      }).sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
    }
    List<EvalTask> tasks = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Path f : files) {
      try {
        tasks.add(parse(f.toString(), stem(f.getFileName().toString()), Files.readString(f)));
      } catch (TaskFileException e) {
        problems.add(e.getMessage());
      } catch (IOException e) {
        problems.add(f + ": cannot read: " + e.getMessage());
      }
    }
    return new Suite(dir.toString(), tasks, problems);
  }

  private static List<String> builtinIndex() {
    try (InputStream in = Suite.class.getResourceAsStream(BUILTIN + "index.txt")) {
      if (in == null) throw new IllegalStateException("built-in eval suite index missing from the jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
          .filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the built-in eval suite index", e);
    }
  }

  private static String stem(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }

  /** Parses one task file; errors name the file, the line and what was expected. */
  static EvalTask parse(String source, String defaultId, String text) throws TaskFileException {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      throw new TaskFileException(source + (line > 0 ? ":" + line : "") + ": not valid YAML/JSON: "
          + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new TaskFileException(source + ": expected a mapping with at least 'request', found "
          + (root == null ? "an empty file" : root.getNodeType().toString().toLowerCase(Locale.ROOT)));
    }
    String id = root.path("id").asText(defaultId);
    String request = root.path("request").asText("").strip();
    if (request.isEmpty()) throw new TaskFileException(source + ": 'request' is missing or empty (the sentence to build)");
    int complexity = root.path("complexity").asInt(3);
    if (complexity < 1 || complexity > 5) {
      throw new TaskFileException(source + ": 'complexity' must be 1 to 5, found " + root.path("complexity"));
    }
    List<String> entities = strings(source, root, "entities");
    List<String> rules = strings(source, root, "rules");
    for (java.util.Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!TASK_KEYS.contains(k)) {
        throw new TaskFileException(source + ": unknown key '" + k + "'; expected one of " + String.join(", ", TASK_KEYS));
      }
    }
    List<EvalTask.Scenario> hidden = new ArrayList<>();
    JsonNode h = root.path("hidden");
    if (!h.isMissingNode() && !h.isArray()) throw new TaskFileException(source + ": 'hidden' must be a list of scenarios");
    int i = 0;
    for (JsonNode sc : h) hidden.add(scenario(source + ": hidden[" + i++ + "]", sc));
    // The first format had single-request 'scenarios'; each is read as a one-step hidden scenario.
    JsonNode legacy = root.path("scenarios");
    if (!legacy.isMissingNode() && !legacy.isArray()) throw new TaskFileException(source + ": 'scenarios' must be a list");
    i = 0;
    for (JsonNode st : legacy) {
      String where = source + ": scenarios[" + i++ + "]";
      EvalTask.Step step = step(where, st);
      hidden.add(new EvalTask.Scenario(st.path("name").asText(step.method() + " " + step.path()), null, List.of(step)));
    }
    Map<String, String> behaviours = new java.util.LinkedHashMap<>();
    JsonNode b = root.path("behaviours");
    if (!b.isMissingNode() && !b.isObject()) {
      throw new TaskFileException(source + ": 'behaviours' must be a mapping of operationId to what it does");
    }
    for (Map.Entry<String, JsonNode> e : b.properties()) {
      if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
        throw new TaskFileException(source + ": behaviours." + e.getKey() + " must be a sentence");
      }
      behaviours.put(e.getKey(), e.getValue().asText().strip());
    }
    return new EvalTask(id, complexity, request, entities, rules, hidden, behaviours);
  }

  private static final List<String> TASK_KEYS = List.of("id", "complexity", "request", "entities", "rules", "hidden",
      "scenarios", "behaviours");
  /** Keys of a legacy single-request scenario. */
  private static final List<String> STEP_KEYS = List.of("name", "method", "path", "query", "headers", "body", "expect",
      "capture");
  /** Keys of a hidden step: the scenario format of {@code orchestrator check}. */
  private static final List<String> CHECK_STEP_KEYS = List.of("name", "request", "expect", "capture");
  private static final List<String> CHECK_REQUEST_KEYS = List.of("method", "path", "query", "headers", "json");

  private static EvalTask.Scenario scenario(String where, JsonNode sc) throws TaskFileException {
    if (!sc.isObject()) throw new TaskFileException(where + ": expected a mapping with name: and steps:");
    String name = sc.path("name").asText("").strip();
    if (name.isEmpty()) throw new TaskFileException(where + ": 'name' is missing");
    JsonNode steps = sc.path("steps");
    if (!steps.isArray() || steps.isEmpty()) throw new TaskFileException(where + " (" + name + "): 'steps' must be a non-empty list");
    List<EvalTask.Step> out = new ArrayList<>();
    java.util.Set<String> captured = new java.util.HashSet<>();
    int i = 0;
    for (JsonNode st : steps) {
      String at = where + " (" + name + "): steps[" + i++ + "]";
      EvalTask.Step step = checkStep(at, st);
      // A step may only use what an earlier step captured: a typo would otherwise send "{{acct}}" literally.
      java.util.regex.Matcher m = VARIABLE.matcher(st.toString());
      while (m.find()) {
        if (!captured.contains(m.group(1))) {
          throw new TaskFileException(at + ": uses {{" + m.group(1) + "}}, which no earlier step captures");
        }
      }
      captured.addAll(step.captures().keySet());
      out.add(step);
    }
    return new EvalTask.Scenario(name, sc.hasNonNull("rule") ? sc.get("rule").asText() : null, out);
  }

  private static final java.util.regex.Pattern VARIABLE = java.util.regex.Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");

  /**
   * Reads a hidden step in the scenario format of {@code orchestrator check}: {@code request} (method, path,
   * query, headers, json), {@code expect} (status, body) and {@code capture}.
   */
  private static EvalTask.Step checkStep(String where, JsonNode s) throws TaskFileException {
    if (!s.isObject() || !s.path("request").isObject()) {
      throw new TaskFileException(where + ": expected a mapping with request: {method, path, ...} and expect:");
    }
    for (java.util.Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!CHECK_STEP_KEYS.contains(k)) {
        throw new TaskFileException(where + ": unknown key '" + k + "'; expected one of " + String.join(", ", CHECK_STEP_KEYS));
      }
    }
    JsonNode r = s.get("request");
    for (java.util.Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!CHECK_REQUEST_KEYS.contains(k)) {
        throw new TaskFileException(where + ": unknown request key '" + k + "'; expected one of "
            + String.join(", ", CHECK_REQUEST_KEYS));
      }
    }
    com.fasterxml.jackson.databind.node.ObjectNode flat = r.deepCopy();
    if (flat.has("json")) flat.set("body", flat.remove("json"));
    if (s.has("expect")) flat.set("expect", s.get("expect"));
    if (s.has("capture")) flat.set("capture", s.get("capture"));
    return step(where, flat);
  }

  private static EvalTask.Step step(String where, JsonNode s) throws TaskFileException {
    if (!s.isObject()) throw new TaskFileException(where + ": expected a mapping with method:, path: and expect:");
    for (java.util.Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!STEP_KEYS.contains(k)) {
        throw new TaskFileException(where + ": unknown key '" + k + "'; expected one of " + String.join(", ", STEP_KEYS));
      }
    }
    String method = s.path("method").asText("").toUpperCase(Locale.ROOT);
    String path = s.path("path").asText("");
    if (!List.of("GET", "POST", "PUT", "PATCH", "DELETE").contains(method)) {
      throw new TaskFileException(where + ": 'method' must be GET, POST, PUT, PATCH or DELETE, found '" + method + "'");
    }
    if (!path.startsWith("/")) throw new TaskFileException(where + ": 'path' must start with '/', found '" + path + "'");
    JsonNode expect = s.path("expect");
    JsonNode st = expect.path("status");
    java.util.Set<Integer> status = new java.util.TreeSet<>();
    if (st.isArray()) st.forEach(n -> status.add(n.asInt(-1)));
    else status.add(st.asInt(-1));
    if (status.isEmpty() || status.stream().anyMatch(c -> c < 100 || c > 599)) {
      throw new TaskFileException(where + ": 'expect.status' must be an HTTP status or a list of them, found " + st);
    }
    java.util.Map<String, String> captures = new java.util.LinkedHashMap<>();
    JsonNode cap = s.path("capture");
    if (!cap.isMissingNode()) {
      if (!cap.isObject()) throw new TaskFileException(where + ": 'capture' must map variable names to $.paths");
      for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = cap.fields(); it.hasNext(); ) {
        var e = it.next();
        if (!e.getValue().asText().startsWith("$")) {
          throw new TaskFileException(where + ": capture '" + e.getKey() + "' must be a $.path, found '" + e.getValue().asText() + "'");
        }
        captures.put(e.getKey(), e.getValue().asText());
      }
    }
    return new EvalTask.Step(method, path, textMap(where, s, "query"), textMap(where, s, "headers"), s.get("body"),
        status, expect.get("body"), captures);
  }

  private static java.util.Map<String, String> textMap(String where, JsonNode s, String field) throws TaskFileException {
    JsonNode n = s.path(field);
    if (n.isMissingNode() || n.isNull()) return java.util.Map.of();
    if (!n.isObject()) throw new TaskFileException(where + ": '" + field + "' must be a mapping of names to values");
    java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
    n.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  private static List<String> strings(String source, JsonNode root, String field) throws TaskFileException {
    JsonNode n = root.path(field);
    if (n.isMissingNode() || n.isNull()) return List.of();
    if (!n.isArray()) throw new TaskFileException(source + ": '" + field + "' must be a list of strings");
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) out.add(e.asText());
    return out;
  }

  /** A task file that cannot be used; the message names the file and the problem. */
  static final class TaskFileException extends Exception {
    TaskFileException(String message) { super(message, null, false, false); }
  }
}
