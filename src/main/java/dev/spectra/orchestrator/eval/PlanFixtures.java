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
      f.putObject("match").put("regex", Pattern.quote(head));
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
      for (EvalTask.Scenario s : task.scenarios()) {
        if (s.body() != null && s.body().isObject() && s.path().split("\\?")[0].equals(collection)) {
          for (Iterator<Map.Entry<String, JsonNode>> it = s.body().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode prop = props.putObject(e.getKey()).put("type", type(e.getValue()));
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
      String ref = "#/components/schemas/" + entity;
      operation(paths, collection, "get", "list" + entity + "s", 200, null);
      operation(paths, collection, "post", "create" + entity, 201, ref);
      operation(paths, collection + "/{id}", "get", "get" + entity, 200, null);
      operation(paths, collection + "/{id}", "put", "update" + entity, 200, ref);
      operation(paths, collection + "/{id}", "delete", "delete" + entity, 204, null);
    }
    Map<String, String> extra = new LinkedHashMap<>();
    for (EvalTask.Scenario s : task.scenarios()) {
      String template = template(s.path());
      String method = s.method().toLowerCase(Locale.ROOT);
      if (paths.path(template).has(method)) continue;
      String id = method + camel(template);
      operation(paths, template, method, id, s.method().equals("POST") ? 201 : 200, null);
      extra.put(id, s.name());
    }
    extra.forEach((id, why) -> behaviours.addObject().put("operationId", id)
        .put("behaviour", "Implements: " + why + ". " + String.join("; ", task.rules())));
    if (behaviours.isEmpty()) {
      String first = task.entities().isEmpty() ? null : "create" + task.entities().get(0);
      if (first != null) behaviours.addObject().put("operationId", first).put("behaviour", "Stores a new "
          + task.entities().get(0) + "; 400 when the body does not match the schema.");
    }
    ArrayNode scenarios = plan.putArray("scenarios");
    for (EvalTask.Scenario s : task.scenarios()) {
      ObjectNode step = scenarios.addObject().put("name", s.name()).putArray("steps").addObject();
      step.put("method", s.method()).put("path", s.path()).put("status", s.expectStatus());
      if (s.body() != null) step.set("body", s.body());
      ArrayNode contains = step.putArray("contains");
      if (s.expectBody() != null) s.expectBody().fields().forEachRemaining(e -> contains.add(e.getValue().asText()));
    }
    return plan;
  }

  private static void operation(ObjectNode paths, String path, String method, String operationId, int status,
      String bodyRef) {
    ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
    if (item.has(method)) return;
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
  }

  /** A scenario path as a template: numeric segments become parameters, the query goes. */
  static String template(String path) {
    String p = path.split("\\?", 2)[0];
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (String seg : p.split("/")) {
      if (seg.isEmpty()) continue;
      sb.append('/');
      if (seg.chars().allMatch(Character::isDigit)) sb.append(n++ == 0 ? "{id}" : "{id" + n + "}");
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
    if (v.isNumber()) return "number";
    if (v.isBoolean()) return "boolean";
    if (v.isArray()) return "array";
    if (v.isObject()) return "object";
    return "string";
  }
}
