package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The correct plan of each eval task, as simulator fixtures: what a model that understood the request would
 * answer. A simulator profile then corrupts it at its rates, so {@code eval --simulate} measures what the engine
 * and the cascade recover, on plans that pass the planner's checks when intact.
 *
 * <p>Each entity gets CRUD operations on {@code /<kebab-plural>} and {@code /<kebab-plural>/{id}}; every
 * acceptance-scenario path gets an operation too (numeric segments become path parameters), so an intact plan
 * covers its task.
 */
public final class PlanFixtures {
  private static final ObjectMapper JSON = new ObjectMapper();

  private PlanFixtures() {}

  /** Writes one fixture file per task into {@code dir}. */
  public static void write(Suite suite, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (EvalTask t : suite.tasks()) {
      ObjectNode f = JSON.createObjectNode();
      f.put("name", "plan of " + t.id());
      // The planner's user message is "Request: <sentence>"; match on the sentence's start.
      String head = t.request().length() > 80 ? t.request().substring(0, 80) : t.request();
      // Only the planning call: implement prompts quote the request too, inside a behaviour.
      f.putObject("match").put("regex", "(?m)^Request: " + Pattern.quote(head));
      f.set("json", plan(t));
      Files.writeString(dir.resolve(t.id() + ".json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(f));
    }
  }

  /** {@return the plan a model that understood {@code task} would give} */
  static ObjectNode plan(EvalTask task) {
    ObjectNode plan = JSON.createObjectNode();
    plan.put("service", task.id().replaceFirst("^\\d+-", "").toLowerCase(Locale.ROOT));
    plan.put("summary", task.request().length() > 400 ? task.request().substring(0, 400) : task.request());
    ObjectNode doc = plan.putObject("openapi");
    doc.put("openapi", "3.0.3");
    doc.putObject("info").put("title", task.id()).put("version", "1.0.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    ArrayNode entities = plan.putArray("entities");
    ArrayNode behaviours = plan.putArray("behaviours");

    for (String entity : task.entities()) {
      ObjectNode props = JSON.createObjectNode();
      props.putObject("id").put("type", "integer");
      String collection = "/" + kebab(entity) + "s";
      for (EvalTask.Step s : steps(task)) {
        if (s.body() != null && s.body().isObject() && s.path().split("\\?")[0].equals(collection)) {
          for (Iterator<Map.Entry<String, JsonNode>> it = s.body().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            // An empty list says nothing of its items: a sample with items decides them.
            if (e.getValue().isArray() && e.getValue().isEmpty() && props.has(e.getKey())) continue;
            // 8 in one step and 2.5 in another is a number, whichever comes last.
            boolean wasNumber = props.path(e.getKey()).path("type").asText().equals("number");
            ObjectNode prop = props.putObject(e.getKey()).put("type", type(e.getValue()));
            if (wasNumber && prop.path("type").asText().equals("integer")) prop.put("type", "number");
            // OpenAPI requires items on an array schema.
            if (e.getValue().isArray()) {
              prop.putObject("items").put("type", e.getValue().isEmpty() ? "string" : type(e.getValue().get(0)));
            }
          }
        }
      }
      if (props.size() == 1) props.putObject("name").put("type", "string");
      schemas.putObject(entity).put("type", "object").set("properties", props);
      ArrayNode fields = entities.addObject().put("name", entity).putArray("fields");
      props.fields().forEachRemaining(e -> fields.add(e.getKey() + ":" + e.getValue().path("type").asText()));
      ((ObjectNode) props.get("id")).put("readOnly", true);
      String ref = "#/components/schemas/" + entity;
      // A plan that understood the request says what each operation answers: the item, or a list of items.
      ObjectNode item = JSON.createObjectNode().put("$ref", ref);
      ObjectNode list = JSON.createObjectNode().put("type", "array").set("items", item.deepCopy());
      answers(operation(paths, collection, "get", "list" + entity + "s", 200, null), 200, list);
      answers(operation(paths, collection, "post", "create" + entity, 201, ref), 201, item);
      answers(operation(paths, collection + "/{id}", "get", "get" + entity, 200, null), 200, item);
      answers(operation(paths, collection + "/{id}", "put", "update" + entity, 200, ref), 200, item);
      operation(paths, collection + "/{id}", "delete", "delete" + entity, 204, null);
    }
    Map<String, String> extra = new LinkedHashMap<>();
    for (EvalTask.Scenario sc : task.hidden()) {
      for (EvalTask.Step s : sc.steps()) {
        String template = template(s.path());
        String method = s.method().toLowerCase(Locale.ROOT);
        // The operation of exactly this template; a literal segment where a template has a parameter is that
        // operation only when the step probes a missing item (GET /r/doesnotexist -> 404), else it names an
        // operation of its own (GET /events/upcoming).
        JsonNode existing = paths.path(template).path(method);
        if (existing.isMissingNode()) {
          existing = s.status().contains(404) ? ContractCoverage.operation(paths, method, s.path()) : null;
        }
        if (existing == null) {
          String id = method + camel(template);
          // The answer the request describes for it (a 302 redirect, a 201 creation), and a JSON body but for 204
          // and redirects.
          int success = s.status().stream().filter(c -> c < 400).findFirst()
              .orElse(s.method().equals("POST") ? 201 : 200);
          ObjectNode created = operation(paths, template, method, id, success, null);
          if (success != 204 && (success < 300 || success >= 400)) answers(created, success, JSON.createObjectNode());
          extra.put(id, sc.name());
          existing = paths.path(template).path(method);
        }
        // Whatever the hidden scenarios expect, the contract declares: statuses, query parameters, body fields.
        ObjectNode op = (ObjectNode) existing;
        // A step that captures from inside a list of the answer ($.options[0].id) expects objects where the request
        // schema may have plain values (options: ["a", "b"]): the answer is then declared an object, not the request.
        if (s.captures().values().stream().anyMatch(c -> c.contains("["))) {
          for (int st : s.status()) {
            JsonNode content = op.path("responses").path(Integer.toString(st)).path("content").path("application/json");
            if (content instanceof ObjectNode c) c.putObject("schema").put("type", "object");
          }
        }
        for (int status : s.status()) {
          ObjectNode responses = (ObjectNode) op.path("responses");
          if (!responses.has(Integer.toString(status))) responses.putObject(Integer.toString(status)).put("description",
              status < 400 ? "ok" : "refused");
        }
        for (String q : s.query().keySet()) {
          ArrayNode ps = op.has("parameters") ? (ArrayNode) op.get("parameters") : op.putArray("parameters");
          boolean present = false;
          for (JsonNode p : ps) present |= q.equals(p.path("name").asText()) && "query".equals(p.path("in").asText());
          if (!present) ps.addObject().put("name", q).put("in", "query").put("required", false).putObject("schema")
              .put("type", "string");
        }
        // A step that sends no body (POST /carts) makes the body optional: the contract must accept it.
        if (s.body() == null && op.has("requestBody")) ((ObjectNode) op.get("requestBody")).put("required", false);
        if (s.body() != null && s.body().isObject()) {
          ObjectNode schema = requestSchema(doc, op);
          ObjectNode props = schema.has("properties") ? (ObjectNode) schema.get("properties") : schema.putObject("properties");
          s.body().fields().forEachRemaining(e -> {
            // A field sent as 8 and later as 2.5 is a number: the first value seen does not decide it.
            if (props.path(e.getKey()).path("type").asText().equals("integer") && type(e.getValue()).equals("number")) {
              ((ObjectNode) props.get(e.getKey())).put("type", "number");
            }
            // A list first seen empty got string items by default; the first sample with items decides them.
            boolean sample = e.getValue().isArray() && !e.getValue().isEmpty()
                && props.path(e.getKey()).path("items").path("type").asText().equals("string")
                && !type(e.getValue().get(0)).equals("string");
            if (!props.has(e.getKey()) || sample) {
              ObjectNode prop = props.putObject(e.getKey()).put("type", type(e.getValue()));
              if (e.getValue().isArray()) {
                prop.putObject("items").put("type", e.getValue().isEmpty() ? "string" : type(e.getValue().get(0)));
              }
            }
          });
        }
      }
    }
    // A behaviour restates the request in the plan's words: what the operation does and every rule it must keep.
    constrain(doc, task.request());
    extra.forEach((id, why) -> behaviours.addObject().put("operationId", id)
        .put("behaviour", "Implements: " + why + ". Rules: " + String.join("; ", task.rules()) + ". From the request: "
            + task.request()));
    // A CRUD operation with a rule status (a conflict, a refused state change) is not plain CRUD: it gets one too.
    for (Map.Entry<String, JsonNode> item : paths.properties()) {
      for (Map.Entry<String, JsonNode> o : item.getValue().properties()) {
        JsonNode responses = o.getValue().path("responses");
        String id = o.getValue().path("operationId").asText();
        boolean rule = responses.has("409") || responses.has("422") || responses.has("403") || responses.has("401");
        if (rule && !extra.containsKey(id)) {
          behaviours.addObject().put("operationId", id).put("behaviour", "Rules: " + String.join("; ", task.rules())
              + ". From the request: " + task.request());
        }
      }
    }
    // What the task says a plan that understood it says of operations that look like CRUD but carry a rule.
    for (Map.Entry<String, String> given : task.behaviours().entrySet()) {
      boolean known = false;
      for (JsonNode item : paths) for (JsonNode o : item) known |= given.getKey().equals(o.path("operationId").asText());
      if (!known) {
        throw new IllegalArgumentException("task " + task.id() + ": behaviours." + given.getKey()
            + " names no operation of its plan");
      }
      for (Iterator<JsonNode> it = behaviours.elements(); it.hasNext(); ) {
        if (given.getKey().equals(it.next().path("operationId").asText())) it.remove();
      }
      behaviours.addObject().put("operationId", given.getKey()).put("behaviour", given.getValue() + " Rules: "
          + String.join("; ", task.rules()) + ".");
    }
    if (behaviours.isEmpty()) {
      String first = task.entities().isEmpty() ? null : "create" + task.entities().get(0);
      if (first != null) behaviours.addObject().put("operationId", first).put("behaviour", "Stores a new "
          + task.entities().get(0) + "; 400 when the body does not match the schema.");
    }
    // The plan's own scenarios are the model's: one create per entity. The hidden ones stay hidden.
    ArrayNode scenarios = plan.putArray("scenarios");
    for (String entity : task.entities()) {
      // An item that points at others needs them first; the plan keeps to what one request can show.
      var names = new java.util.ArrayList<String>();
      schemas.path(entity).path("properties").fieldNames().forEachRemaining(names::add);
      if (names.stream().anyMatch(n -> n.length() > 2 && n.endsWith("Id"))) continue;
      // A create with rules of its own (a token, a strong password) is shown by the hidden steps, not by a sample.
      if (task.behaviours().containsKey("create" + entity)) continue;
      ObjectNode step = scenarios.addObject().put("name", "create a " + entity).putArray("steps").addObject();
      step.put("method", "POST").put("path", "/" + kebab(entity) + "s").put("status", 201);
      ObjectNode body = step.putObject("body");
      JsonNode props = schemas.path(entity).path("properties");
      props.fieldNames().forEachRemaining(f -> {
        if (f.equals("id")) return;
        switch (props.path(f).path("type").asText()) {
          case "integer", "number" -> body.put(f, 1);
          case "boolean" -> body.put(f, true);
          case "array" -> body.putArray(f);
          case "object" -> body.putObject(f);
          default -> body.put(f, "x");
        }
      });
      // A value the request accepts, where the hidden steps show one: "x" is no date-time.
      for (EvalTask.Step s : steps(task)) {
        if (!s.method().equals("POST") || !s.path().equals("/" + kebab(entity) + "s") || !s.status().contains(201)
            || s.body() == null || !s.body().isObject()) continue;
        s.body().properties().forEach(e -> {
          if (body.has(e.getKey()) && !e.getValue().asText().contains("{{")) body.set(e.getKey(), e.getValue());
        });
        break;
      }
      step.putArray("contains");
    }
    return plan;
  }

  /**
   * Writes the request's field rules into every object schema of the contract, the way a planner that read them
   * would: "X is required", "X must be positive" (or "X <= 0 is rejected"), "X must not be negative", "X at least
   * N" (or "X < N"), "X (false when created)". The service then enforces them from the schemas alone.
   */
  static void constrain(JsonNode node, String request) {
    String text = request.toLowerCase(Locale.ROOT);
    if (node instanceof ObjectNode o && o.path("properties") instanceof ObjectNode props) {
      for (Map.Entry<String, JsonNode> e : props.properties()) {
        if (!(e.getValue() instanceof ObjectNode prop) || prop.path("readOnly").asBoolean(false)) continue;
        // Within the field's own clause: "priceCents must be positive and stock must not be negative" is two.
        String f = "\\b" + Pattern.quote(e.getKey().toLowerCase(Locale.ROOT)) + "s?\\b(?:(?!\\band\\b)[^.;:,]){0,30}?";
        String type = prop.path("type").asText();
        boolean numeric = type.equals("integer") || type.equals("number");
        if (finds(text, f + "\\b(is|are|must be) required") || finds(text, "without an? " + f.substring(2)
            + "[^.;:]{0,20}rejected")) {
          ArrayNode required = o.has("required") ? (ArrayNode) o.get("required") : o.putArray("required");
          boolean present = false;
          for (JsonNode r : required) present |= r.asText().equals(e.getKey());
          if (!present) required.add(e.getKey());
        }
        if (numeric && finds(text, f + "(\\b(is|are|must be) positive|<= ?0)")) prop.put("minimum", 1);
        if (numeric && finds(text, f + "(\\b(is|are|must) not (be )?negative|< ?0\\b|>= ?0)")) prop.put("minimum", 0);
        java.util.regex.Matcher least = Pattern.compile(f + "(at least |< ?)(\\d+)").matcher(text);
        if (numeric && least.find()) prop.put("minimum", Integer.parseInt(least.group(2)));
        if (type.equals("string") && finds(text, f + "\\bdate-time\\b")) prop.put("format", "date-time");
        if (type.equals("string") && finds(text, f + "\\byyyy-mm-dd\\b")) prop.put("format", "date");
        // A link the request says must be http(s) is a URI in the contract (its samples then are URLs too).
        if (type.equals("string") && e.getKey().toLowerCase(Locale.ROOT).endsWith("url")
            && finds(text, "\\bhttps?\\b")) {
          prop.put("format", "uri");
        }
        java.util.regex.Matcher initial = Pattern.compile(f + "\\((false|true|0) when created\\)").matcher(text);
        if (initial.find()) {
          if (type.equals("boolean")) prop.put("default", Boolean.parseBoolean(initial.group(1)));
          else if (numeric) prop.put("default", 0);
        }
      }
    }
    for (JsonNode child : node) constrain(child, request);
  }

  private static boolean finds(String text, String regex) {
    return Pattern.compile(regex).matcher(text).find();
  }

  /** All steps of all hidden scenarios, in order. */
  private static List<EvalTask.Step> steps(EvalTask task) {
    return task.hidden().stream().flatMap(sc -> sc.steps().stream()).toList();
  }

  /** {@return the operation's JSON request schema, created inline when it has none; a local $ref is followed} */
  private static ObjectNode requestSchema(ObjectNode doc, ObjectNode op) {
    ObjectNode rb = op.has("requestBody") ? (ObjectNode) op.get("requestBody") : op.putObject("requestBody").put("required", true);
    ObjectNode content = rb.has("content") ? (ObjectNode) rb.get("content") : rb.putObject("content");
    ObjectNode json = content.has("application/json") ? (ObjectNode) content.get("application/json")
        : content.putObject("application/json");
    ObjectNode schema = json.has("schema") ? (ObjectNode) json.get("schema") : json.putObject("schema").put("type", "object");
    String ref = schema.path("$ref").asText("");
    if (ref.startsWith("#/")) {
      JsonNode target = doc.at(ref.substring(1));
      if (target instanceof ObjectNode o) return o;
    }
    return schema;
  }

  /** Declares the JSON body of an operation's success answer, when the operation is the one just written. */
  private static void answers(ObjectNode op, int status, ObjectNode schema) {
    if (op == null) return;
    ((ObjectNode) op.path("responses").path(Integer.toString(status))).putObject("content")
        .putObject("application/json").set("schema", schema);
  }

  /** {@return the new operation, or null when the path already has one for the method} */
  private static ObjectNode operation(ObjectNode paths, String path, String method, String operationId, int status,
      String bodyRef) {
    ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
    if (item.has(method)) return null;
    ObjectNode op = item.putObject(method);
    op.put("operationId", operationId);
    List<String> params = Pattern.compile("\\{([^}]+)}").matcher(path).results().map(m -> m.group(1)).toList();
    if (!params.isEmpty()) {
      ArrayNode ps = op.putArray("parameters");
      for (String p : params) {
        ps.addObject().put("name", p).put("in", "path").put("required", true).putObject("schema")
            .put("type", p.equals("id") ? "integer" : "string");
      }
    }
    if (bodyRef != null) {
      op.putObject("requestBody").put("required", true).putObject("content").putObject("application/json")
          .putObject("schema").put("$ref", bodyRef);
    }
    op.putObject("responses").putObject(String.valueOf(status)).put("description", "ok");
    return op;
  }

  /** A scenario path as a template: numeric segments become parameters, the query goes. */
  static String template(String path) {
    String p = path.split("\\?", 2)[0];
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (String seg : p.split("/")) {
      if (seg.isEmpty()) continue;
      sb.append('/');
      if (seg.contains("{{") || seg.chars().allMatch(Character::isDigit)) sb.append(n++ == 0 ? "{id}" : "{id" + n + "}");
      else sb.append(seg);
    }
    return sb.isEmpty() ? "/" : sb.toString();
  }

  private static String camel(String template) {
    StringBuilder sb = new StringBuilder();
    for (String seg : template.split("[/{}\\-_]+")) {
      if (seg.isEmpty() || seg.startsWith("id")) continue;
      sb.append(Character.toUpperCase(seg.charAt(0))).append(seg.substring(1));
    }
    return sb.toString();
  }

  static String kebab(String pascal) {
    return pascal.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  private static String type(JsonNode v) {
    if (v.isIntegralNumber()) return "integer";
    // A captured value ("{{w1}}") is an id of the plan's own items, which are integers.
    if (v.isTextual() && v.asText().matches("\\{\\{[^}]+}}")) return "integer";
    if (v.isNumber()) return "number";
    if (v.isBoolean()) return "boolean";
    if (v.isArray()) return "array";
    if (v.isObject()) return "object";
    return "string";
  }
}
