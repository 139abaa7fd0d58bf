package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.spectra.orchestrator.scaffold.ServicePlan.CrudKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.IdKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.Operation;
import dev.spectra.orchestrator.scaffold.ServicePlan.Resource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds the plain CRUD in a contract (tier 0): a collection path {@code /xs} and its item path {@code /xs/{id}} whose
 * operations create, list, get, replace, update and delete one JSON object schema with an id property. Everything
 * else, and every CRUD-looking operation whose shape does not fit (non-JSON bodies, unusual status codes), needs a
 * model.
 */
final class CrudAnalyzer {
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");
  private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean");

  private final Contract contract;
  private final JsonNode doc;
  private final SchemaInliner inliner;

  CrudAnalyzer(Contract contract) {
    this.contract = contract;
    this.doc = contract.tree();
    this.inliner = new SchemaInliner(doc);
  }

  JsonNode document() {
    return doc;
  }

  ServicePlan plan() {
    String title = doc.path("info").path("title").asText("service");
    String slug = slug(title);
    String segment = slug.replace("-", "");
    if (!Character.isLetter(segment.charAt(0))) segment = "s" + segment;
    if (JavaNames.isReserved(segment)) segment += "api";
    String pkg = "com.example." + segment;

    // 1. Every operation, with a unique handler class name.
    JavaNames handlerNames = new JavaNames(Set.of());
    Map<String, Map<String, Operation>> byPath = new LinkedHashMap<>();
    List<Operation> ops = new ArrayList<>();
    doc.path("paths").fields().forEachRemaining(p -> {
      JsonNode item = resolve(p.getValue());
      for (String m : METHODS) {
        JsonNode op = item.get(m);
        if (op == null || !op.isObject()) continue;
        String id = op.path("operationId").asText("");
        if (id.isBlank()) id = m + JavaNames.upperCamel(p.getKey().replace("{", "by-"));
        var o = new Operation(id, m.toUpperCase(Locale.ROOT), p.getKey(),
            handlerNames.unique(JavaNames.upperCamel(id) + "Handler"), op, null, null);
        ops.add(o);
        byPath.computeIfAbsent(p.getKey(), k -> new LinkedHashMap<>()).put(m, o);
      }
    });

    // 2. Collections with their items.
    JavaNames resourceNames = new JavaNames(Set.of("app", "config", "ctx", "health", "mapper",
        // Record components of Stores become accessors: they must not override Object's methods.
        "hashCode", "toString", "equals", "getClass", "notify", "notifyAll", "wait", "clone", "finalize",
        "inMemory", "json"));
    JavaNames typeNames = new JavaNames(Set.of("Health", "NeedsModel", "ContractSupport"));
    List<Resource> resources = new ArrayList<>();
    Map<Operation, Operation> replaced = new LinkedHashMap<>();
    for (String path : byPath.keySet()) {
      if (path.contains("{") || path.equals("/")) continue;
      String itemPath = null;
      String itemParam = null;
      for (String other : byPath.keySet()) {
        String rest = other.startsWith(path + "/") ? other.substring(path.length() + 1) : "";
        if (rest.matches("\\{[^/{}]+}")) {
          itemPath = other;
          itemParam = rest.substring(1, rest.length() - 1);
          break;
        }
      }
      Map<String, Operation> coll = byPath.get(path);
      Map<String, Operation> items = itemPath == null ? Map.of() : byPath.get(itemPath);
      Resource r = resource(path, itemPath, itemParam, coll, items, resourceNames, typeNames);
      if (r == null) continue;
      resources.add(r);
      r.ops().forEach((kind, op) -> replaced.put(op, new Operation(op.operationId(), op.method(), op.path(),
          op.handlerClass(), op.node(), kind, r.name())));
    }
    List<Operation> all = ops.stream().map(o -> replaced.getOrDefault(o, o)).toList();
    List<Resource> finalResources = resources.stream().map(r -> {
      Map<CrudKind, Operation> m = new EnumMap<>(CrudKind.class);
      r.ops().forEach((k, o) -> m.put(k, replaced.get(o)));
      return new Resource(r.name(), r.typeName(), r.collectionPath(), r.itemPath(), r.itemParam(), r.idField(),
          r.idKind(), r.schema(), m, r.requestSchemas(), r.statuses(), r.filterFields(), r.paging(), r.defaults(),
          r.serverFields());
    }).toList();
    return new ServicePlan(title, slug, pkg, contract, finalResources, all, errorSchema(all));
  }

  private Resource resource(String path, String itemPath, String itemParam, Map<String, Operation> coll,
      Map<String, Operation> items, JavaNames resourceNames, JavaNames typeNames) {
    JsonNode schema = firstObject(
        responseSchema(items.get("get"), 200),
        responseSchema(items.get("put"), 200),
        responseSchema(items.get("patch"), 200),
        responseSchema(coll.get("post"), 201),
        responseSchema(coll.get("post"), 200),
        arrayItems(responseSchema(coll.get("get"), 200)));
    if (schema == null) return null;
    Map<String, JsonNode> props = SchemaInliner.properties(schema);
    String idField = itemParam != null && props.containsKey(itemParam) ? itemParam
        : props.containsKey("id") ? "id" : null;
    if (idField == null) return null;
    String idType = SchemaInliner.type(props.get(idField));
    IdKind idKind = switch (idType) {
      case "integer" -> IdKind.INTEGER;
      case "string" -> IdKind.UUID;
      default -> null;
    };
    if (idKind == null) return null;

    Map<CrudKind, Operation> ops = new EnumMap<>(CrudKind.class);
    Map<CrudKind, JsonNode> requests = new EnumMap<>(CrudKind.class);
    Map<CrudKind, Integer> statuses = new EnumMap<>(CrudKind.class);
    Operation post = coll.get("post");
    JsonNode createBody = requestSchema(post);
    if (createBody != null) {
      Integer status = declared(post, 201, 200);
      JsonNode created = status == null ? null : responseSchema(post, status);
      // Without a body in the answer, the new id can only travel in the Location header of a 201.
      boolean idReachable = created != null ? isObject(created) : status != null && status == 201;
      if (status != null && idReachable) {
        ops.put(CrudKind.CREATE, post);
        requests.put(CrudKind.CREATE, createBody);
        statuses.put(CrudKind.CREATE, status);
      }
    }
    Operation list = coll.get("get");
    if (list != null && isArray(responseSchema(list, 200))) {
      ops.put(CrudKind.LIST, list);
      statuses.put(CrudKind.LIST, 200);
    }
    Operation get = items.get("get");
    if (get != null && isObject(responseSchema(get, 200))) {
      ops.put(CrudKind.GET, get);
      statuses.put(CrudKind.GET, 200);
    }
    for (var e : Map.of("put", CrudKind.REPLACE, "patch", CrudKind.UPDATE).entrySet()) {
      Operation o = items.get(e.getKey());
      JsonNode body = requestSchema(o);
      Integer status = declared(o, 200, 204);
      JsonNode answer = status == null || status == 204 ? null : responseSchema(o, 200);
      if (body != null && status != null && (answer == null || isObject(answer))) {
        ops.put(e.getValue(), o);
        requests.put(e.getValue(), body);
        statuses.put(e.getValue(), status);
      }
    }
    Operation delete = items.get("delete");
    Integer deleteStatus = declared(delete, 204, 200);
    if (deleteStatus != null) {
      ops.put(CrudKind.DELETE, delete);
      statuses.put(CrudKind.DELETE, deleteStatus);
    }
    if (ops.isEmpty()) return null;

    List<String> filters = new ArrayList<>();
    List<String> paging = new ArrayList<>();
    if (ops.containsKey(CrudKind.LIST)) {
      for (JsonNode param : parameters(list, path)) {
        if (!"query".equals(param.path("in").asText())) continue;
        String name = param.path("name").asText();
        String ptype = SchemaInliner.type(inliner.inline(param.get("schema")));
        if (props.containsKey(name) && SCALARS.contains(SchemaInliner.type(props.get(name)))) filters.add(name);
        else if ((name.equals("limit") || name.equals("offset")) && ptype.equals("integer")) paging.add(name);
      }
    }
    Map<String, JsonNode> defaults = new LinkedHashMap<>();
    Map<String, String> serverFields = new LinkedHashMap<>();
    Set<String> required = requiredOf(schema);
    // Defaults stated on the create body count too: the stored item must carry them.
    if (createBody != null) {
      SchemaInliner.properties(createBody).forEach((name, p) -> {
        if (p.has("default") && props.containsKey(name)) defaults.put(name, p.get("default"));
      });
    }
    props.forEach((name, p) -> {
      if (name.equals(idField)) return;
      boolean readOnly = p.path("readOnly").asBoolean(false);
      String format = p.path("format").asText("");
      if (readOnly && SchemaInliner.type(p).equals("string") && format.equals("date-time")) {
        serverFields.put(name, "now");
      } else if (readOnly && SchemaInliner.type(p).equals("string") && format.equals("date")) {
        serverFields.put(name, "today");
      } else if (readOnly && required.contains(name)) {
        serverFields.put(name, (p.has("default") ? p.get("default") : SampleValues.of(p, 1, false)).toString());
      } else if (p.has("default") && !defaults.containsKey(name)) {
        defaults.put(name, p.get("default"));
      }
    });
    String segment = path.substring(path.lastIndexOf('/') + 1);
    return new Resource(resourceNames.unique(JavaNames.lowerCamel(segment)),
        typeNames.unique(JavaNames.upperCamel(segment)), path, itemPath, itemParam, idField, idKind, schema, ops,
        requests, statuses, filters, paging, defaults, serverFields);
  }

  /** {@return the first object schema the contract declares for a 4xx or default answer, or null} */
  private JsonNode errorSchema(List<Operation> ops) {
    for (String status : List.of("404", "400", "default", "409", "422")) {
      for (Operation o : ops) {
        JsonNode response = resolve(o.node().path("responses").path(status));
        JsonNode schema = jsonSchema(response.path("content"));
        if (isObject(schema)) return schema;
      }
    }
    return null;
  }

  /** {@return the declared parameters of an operation and its path item, references resolved} */
  List<JsonNode> parameters(Operation op, String path) {
    List<JsonNode> out = new ArrayList<>();
    Set<String> seen = new java.util.HashSet<>();
    for (JsonNode p : op.node().path("parameters")) {
      JsonNode r = resolve(p);
      if (seen.add(r.path("in").asText() + ":" + r.path("name").asText())) out.add(r);
    }
    for (JsonNode p : resolve(doc.path("paths").path(path)).path("parameters")) {
      JsonNode r = resolve(p);
      if (seen.add(r.path("in").asText() + ":" + r.path("name").asText())) out.add(r);
    }
    return out;
  }

  static Set<String> requiredOf(JsonNode schema) {
    Set<String> out = new java.util.HashSet<>();
    if (schema == null) return out;
    schema.path("required").forEach(n -> out.add(n.asText()));
    schema.path("allOf").forEach(m -> out.addAll(requiredOf(m)));
    return out;
  }

  private JsonNode resolve(JsonNode node) {
    int guard = 0;
    while (node != null && node.has("$ref") && node.get("$ref").asText().startsWith("#") && guard++ < 20) {
      node = doc.at(node.get("$ref").asText().substring(1));
    }
    return node == null ? JsonNodeFactory.instance.missingNode() : node;
  }

  private Integer declared(Operation op, int... statuses) {
    if (op == null) return null;
    JsonNode responses = op.node().path("responses");
    for (int s : statuses) if (responses.has(String.valueOf(s))) return s;
    return null;
  }

  /** {@return the JSON schema of a response status, inlined, or null} */
  JsonNode responseSchema(Operation op, int status) {
    if (op == null) return null;
    JsonNode response = resolve(op.node().path("responses").path(String.valueOf(status)));
    return jsonSchema(response.path("content"));
  }

  /** {@return the JSON request body schema of an operation, inlined, or null} */
  JsonNode requestSchema(Operation op) {
    if (op == null) return null;
    JsonNode body = resolve(op.node().path("requestBody"));
    JsonNode schema = jsonSchema(body.path("content"));
    return isObject(schema) ? schema : null;
  }

  private JsonNode jsonSchema(JsonNode content) {
    if (!content.isObject()) return null;
    for (var it = content.fields(); it.hasNext(); ) {
      var e = it.next();
      String type = e.getKey().toLowerCase(Locale.ROOT);
      if (type.equals("application/json") || type.endsWith("+json") || type.startsWith("application/json;")) {
        JsonNode s = e.getValue().get("schema");
        return s == null ? null : inliner.inline(s);
      }
    }
    return null;
  }

  private static JsonNode firstObject(JsonNode... candidates) {
    for (JsonNode c : candidates) if (isObject(c) && !SchemaInliner.properties(c).isEmpty()) return c;
    return null;
  }

  private static JsonNode arrayItems(JsonNode schema) {
    return isArray(schema) ? schema.get("items") : null;
  }

  static boolean isObject(JsonNode schema) {
    return schema != null && SchemaInliner.type(schema).equals("object");
  }

  private static boolean isArray(JsonNode schema) {
    return schema != null && SchemaInliner.type(schema).equals("array") && schema.has("items");
  }

  /** {@code "Bookshop API"} to {@code "bookshop-api"}. */
  static String slug(String title) {
    String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    return s.isEmpty() ? "service" : s;
  }
}
