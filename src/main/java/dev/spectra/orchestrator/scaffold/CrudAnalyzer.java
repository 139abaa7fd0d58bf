package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.scaffold.ServicePlan.CrudKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.IdKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.Operation;
import dev.spectra.orchestrator.scaffold.ServicePlan.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Decides what tier 0 implements (and why not, for the rest). An operation is implemented without a model only when
 * its whole declared behaviour follows from the schemas: collection create and list, item get, replace, merge patch
 * and delete, list filters on declared query parameters named like fields, pagination parameters, sub-collections
 * under an item ({@code /books/{id}/reviews}), and server-set fields whose type says what to put. Anything else (a
 * declared 409/422 rule, an action path, a response unlike the resource, a required security scheme: the service
 * cannot tell good credentials from bad) needs a model, with the reason.
 */
final class CrudAnalyzer {
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");
  private static final Set<String> SCALARS = Set.of("string", "integer", "number", "boolean");
  private static final Set<String> OFFSET_NAMES = Set.of("offset", "skip", "start");
  private static final Set<String> LIMIT_NAMES = Set.of("limit", "size", "pagesize", "page_size", "per_page",
      "perpage", "count", "max", "maxresults", "top", "take");
  private static final Set<String> PAGE_NAMES = Set.of("page", "pagenumber", "page_number", "pageno");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

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

  /** A resource being worked out: its paths and what each operation turned out to be. */
  private static final class Draft {
    String name;
    String typeName;
    String collectionPath;
    String itemPath;
    String itemParam;
    String idField;
    IdKind idKind;
    JsonNode schema;
    Draft parent;
    String parentParam;
    String parentField;
    final List<Draft> children = new ArrayList<>();
    final Map<CrudKind, Operation> ops = new EnumMap<>(CrudKind.class);
    final Map<CrudKind, JsonNode> requests = new EnumMap<>(CrudKind.class);
    final Map<CrudKind, Integer> statuses = new EnumMap<>(CrudKind.class);
    final Map<CrudKind, ObjectNode> specs = new EnumMap<>(CrudKind.class);
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
    Set<String> ids = new HashSet<>();
    doc.path("paths").properties().forEach(p -> {
      JsonNode item = resolve(p.getValue());
      for (String m : METHODS) {
        JsonNode op = item.get(m);
        if (op == null || !op.isObject()) continue;
        String id = op.path("operationId").asText("");
        if (id.isBlank() || !ids.add(id)) id = m + JavaNames.upperCamel(p.getKey().replace("{", "by-"));
        ids.add(id);
        var o = new Operation(id, m.toUpperCase(Locale.ROOT), p.getKey(),
            handlerNames.unique(JavaNames.upperCamel(id) + "Handler"), op, null, null, null);
        ops.add(o);
        byPath.computeIfAbsent(p.getKey(), k -> new LinkedHashMap<>()).put(m, o);
      }
    });

    // 2. Collections (shallow ones first, so a sub-collection finds its parent), with their items.
    JavaNames resourceNames = new JavaNames(Set.of("app", "config", "ctx", "health", "mapper", "byName",
        "operation", "hashCode", "toString", "equals", "getClass", "notify", "notifyAll", "wait", "clone", "finalize",
        "inMemory", "json"));
    JavaNames typeNames = new JavaNames(Set.of("Health"));
    Map<String, String> reasons = new HashMap<>();
    List<Draft> drafts = new ArrayList<>();
    List<String> paths = new ArrayList<>(byPath.keySet());
    paths.sort(Comparator.comparingInt(p -> p.split("/").length));
    for (String path : paths) {
      String last = path.substring(path.lastIndexOf('/') + 1);
      if (path.equals("/") || last.isEmpty() || isParam(last)) continue;
      String prefix = path.substring(0, path.lastIndexOf('/'));
      Draft parent = null;
      String parentParam = null;
      if (!prefix.isEmpty() && byPath.containsKey(prefix)) {
        String prefixLast = prefix.substring(prefix.lastIndexOf('/') + 1);
        if (!isParam(prefixLast)) {
          reason(reasons, byPath.get(path), "an action on the collection " + prefix + ", not a collection of its own");
          continue;
        }
        parent = drafts.stream().filter(d -> prefix.equals(d.itemPath)).findFirst().orElse(null);
        if (parent == null) {
          reason(reasons, byPath.get(path), "nested under " + prefix + ", which is not the item of a collection"
              + " tier 0 implements");
          continue;
        }
        parentParam = prefixLast.substring(1, prefixLast.length() - 1);
      } else if (prefix.contains("{")) {
        reason(reasons, byPath.get(path), "nested under " + prefix + ", which the contract does not declare");
        continue;
      }
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
      Draft d = resource(path, itemPath, itemParam, coll, items, parent, parentParam, reasons);
      if (d == null) continue;
      d.name = resourceNames.unique(JavaNames.lowerCamel(last));
      d.typeName = typeNames.unique(JavaNames.upperCamel(last));
      if (parent != null) parent.children.add(d);
      drafts.add(d);
    }

    // 3. The record the runtime is driven by, and the operations with their roles.
    Map<Operation, Operation> replaced = new LinkedHashMap<>();
    ObjectNode service = F.objectNode();
    ObjectNode resourcesJson = service.putObject("resources");
    ObjectNode opsJson = service.putObject("operations");
    for (Draft d : drafts) {
      resourcesJson.putObject(d.name).put("idField", d.idField).put("idKind", d.idKind.name())
          .put("collectionPath", d.collectionPath).put("itemPath", d.itemPath)
          .put("parent", d.parent == null ? null : d.parent.name);
      d.ops.forEach((kind, op) -> {
        ObjectNode spec = d.specs.get(kind);
        spec.put("resource", d.name);
        if (d.parent != null) {
          spec.put("parentResource", d.parent.name).put("parentParam", d.parentParam)
              .put("parentIdKind", d.parent.idKind.name());
          if (d.parentField != null) spec.put("parentField", d.parentField);
        }
        if (kind == CrudKind.DELETE) d.children.forEach(c -> spec.withArray("children").add(c.name));
        replaced.put(op, new Operation(op.operationId(), op.method(), op.path(), op.handlerClass(), op.node(), kind,
            d.name, null));
      });
    }
    List<Operation> all = ops.stream().map(o -> replaced.getOrDefault(o, new Operation(o.operationId(), o.method(),
        o.path(), o.handlerClass(), o.node(), null, null, reasons.getOrDefault(key(o),
        "not a collection or item operation of a resource tier 0 recognises")))).toList();
    ArrayNode routes = service.putArray("routes");
    ObjectNode errors = service.putObject("errors");
    ObjectNode errorOps = errors.putObject("operations");
    Map<String, Integer> shapeVotes = new LinkedHashMap<>();
    Map<String, ObjectNode> shapes = new HashMap<>();
    for (Operation o : all) {
      routes.addObject().put("method", o.method()).put("path", o.path()).put("operationId", o.operationId());
      ObjectNode spec = null;
      for (Draft d : drafts) {
        if (o.crud() != null && d.name.equals(o.resource())) spec = d.specs.get(o.crud());
      }
      ObjectNode entry = spec != null ? spec : F.objectNode();
      if (o.crud() != null) entry.put("kind", o.crud().name());
      ArrayNode declared = entry.putArray("declared");
      ObjectNode opErrors = errorOps.putObject(o.operationId());
      o.node().path("responses").properties().forEach(r -> {
        declared.add(r.getKey());
        if (r.getKey().startsWith("2") || r.getKey().startsWith("1") || r.getKey().startsWith("3")) return;
        ObjectNode shape = errorShape(resolve(r.getValue()));
        opErrors.set(r.getKey(), shape);
        if (!shape.has("noBody") && !r.getKey().equals("501")) {
          shapeVotes.merge(shape.toString(), 1, Integer::sum);
          shapes.put(shape.toString(), shape);
        }
      });
      opsJson.set(o.operationId(), entry);
    }
    ObjectNode general = shapeVotes.entrySet().stream().max(Map.Entry.comparingByValue())
        .map(e -> shapes.get(e.getKey())).orElse(null);
    if (general == null) {
      general = F.objectNode().put("contentType", "application/json");
      general.putObject("fields").put("error", "reason").put("message", "message").put("details", "detailsOptional");
    }
    errors.set("general", general);

    List<Resource> resources = drafts.stream().map(d -> {
      Map<CrudKind, Operation> m = new EnumMap<>(CrudKind.class);
      d.ops.forEach((k, o) -> m.put(k, replaced.get(o)));
      return new Resource(d.name, d.typeName, d.collectionPath, d.itemPath, d.itemParam, d.idField, d.idKind,
          d.schema, d.parent == null ? null : d.parent.name, d.parentParam, m, d.requests, d.statuses);
    }).toList();
    return new ServicePlan(title, slug, pkg, contract, resources, all, service);
  }

  private static String key(Operation o) {
    return o.method() + " " + o.path();
  }

  private static void reason(Map<String, String> reasons, Map<String, Operation> ops, String why) {
    ops.values().forEach(o -> reasons.putIfAbsent(key(o), why));
  }

  private Draft resource(String path, String itemPath, String itemParam, Map<String, Operation> coll,
      Map<String, Operation> items, Draft parent, String parentParam, Map<String, String> reasons) {
    JsonNode schema = firstObject(
        responseSchema(items.get("get"), successOf(items.get("get"))),
        responseSchema(items.get("put"), successOf(items.get("put"))),
        responseSchema(items.get("patch"), successOf(items.get("patch"))),
        arrayItems(responseSchema(coll.get("get"), successOf(coll.get("get")))),
        responseSchema(coll.get("post"), successOf(coll.get("post"))));
    if (schema == null) {
      reason(reasons, coll, "no JSON object schema with properties describes the items of " + path);
      reason(reasons, items, "no JSON object schema with properties describes the items of " + path);
      return null;
    }
    Map<String, JsonNode> props = SchemaInliner.properties(schema);
    String idField = idField(props, itemParam);
    if (idField == null) {
      String why = "the items of " + path + " have no id property (" + (itemParam == null ? "id" : itemParam) + ")";
      reason(reasons, coll, why);
      reason(reasons, items, why);
      return null;
    }
    IdKind idKind = switch (SchemaInliner.type(props.get(idField))) {
      case "integer" -> IdKind.INTEGER;
      case "string" -> IdKind.UUID;
      default -> null;
    };
    if (idKind == null) {
      reason(reasons, coll, "the id property '" + idField + "' is neither an integer nor a string");
      reason(reasons, items, "the id property '" + idField + "' is neither an integer nor a string");
      return null;
    }
    if (parent != null && SchemaInliner.properties(parent.schema).keySet().equals(props.keySet())) {
      reason(reasons, coll, "an action on an item of " + parent.collectionPath + " (it answers the item itself)");
      return null;
    }
    if (coll.get("get") == null && itemPath == null) {
      reason(reasons, coll, path + " is neither listed nor has items: an action, not a collection");
      return null;
    }
    Draft d = new Draft();
    d.collectionPath = path;
    d.itemPath = itemPath;
    d.itemParam = itemParam;
    d.idField = idField;
    d.idKind = idKind;
    d.schema = schema;
    d.parent = parent;
    d.parentParam = parentParam;
    if (parent != null) {
      String singular = parent.name.endsWith("s") ? parent.name.substring(0, parent.name.length() - 1) : parent.name;
      for (String candidate : List.of(parentParam, singular + "Id", singular + "_id")) {
        if (props.containsKey(candidate) && !candidate.equals(idField)) {
          d.parentField = candidate;
          break;
        }
      }
    }

    Set<String> readOnly = new HashSet<>();
    Set<String> hidden = new LinkedHashSet<>();
    props.forEach((k, v) -> {
      if (v.path("readOnly").asBoolean(false)) readOnly.add(k);
      if (v.path("writeOnly").asBoolean(false)) hidden.add(k);
    });
    Set<String> required = requiredOf(schema);

    consider(d, CrudKind.CREATE, coll.get("post"), reasons, op -> {
      JsonNode body = requestSchema(op);
      if (body == null) return requestProblem(op);
      Integer status = successOf(op);
      if (status == null) return "declares no 2xx answer";
      JsonNode answer = responseSchema(op, status);
      if (hasContent(op, status) && !like(answer, props.keySet(), idField)) {
        return "its " + status + " answer is not a " + d.collectionPath + " item";
      }
      if (answer == null && status != 201 && itemPath != null) return "its answer carries neither the item nor a Location";
      Set<String> sent = SchemaInliner.properties(body).keySet();
      ObjectNode server = F.objectNode();
      Set<String> responseRequired = answer == null ? required : requiredOf(answer);
      for (var e : props.entrySet()) {
        String name = e.getKey();
        if (name.equals(idField) || name.equals(d.parentField)) continue;
        boolean serverSet = readOnly.contains(name) || (!sent.contains(name) && responseRequired.contains(name));
        if (!serverSet) continue;
        JsonNode how = serverValue(e.getValue());
        if (how != null) server.set(name, how);
        else if (responseRequired.contains(name)) {
          return "the answer requires '" + name + "', which the request does not carry and whose type does not say"
              + " what the server should put";
        }
      }
      ObjectNode spec = base(op, status, d, body, readOnly, hidden);
      spec.set("serverFields", server);
      ObjectNode defaults = spec.putObject("defaults");
      SchemaInliner.properties(body).forEach((name, p) -> {
        if (p.has("default") && props.containsKey(name)) defaults.set(name, p.get("default"));
      });
      props.forEach((name, p) -> {
        if (p.has("default") && !defaults.has(name) && !server.has(name) && !name.equals(idField)
            && !readOnly.contains(name)) {
          defaults.set(name, p.get("default"));
        }
      });
      // A property the answer requires and the request may leave out, with no default: what to store is unknown.
      Set<String> sentRequired = requiredOf(body);
      for (JsonNode w : spec.path("writable")) {
        String name = w.asText();
        if (responseRequired.contains(name) && !sentRequired.contains(name) && !defaults.has(name)
            && !server.has(name)) {
          return "the answer requires '" + name + "', which a request may leave out, and nothing says what the"
              + " server should put";
        }
      }
      if (itemPath != null && items.get("get") != null) spec.put("itemPath", itemPath);
      d.requests.put(CrudKind.CREATE, body);
      return spec;
    });
    consider(d, CrudKind.LIST, coll.get("get"), reasons, op -> {
      Integer status = successOf(op);
      if (status == null) return "declares no 2xx answer";
      JsonNode answer = responseSchema(op, status);
      if (!isArray(answer) || !like(answer.get("items"), props.keySet(), idField)) {
        return "its " + status + " answer is not a JSON array of " + d.collectionPath + " items (an envelope or"
            + " another shape needs a model)";
      }
      ObjectNode spec = base(op, status, d, null, readOnly, hidden);
      ArrayNode filters = spec.putArray("filters");
      ObjectNode paging = spec.putObject("paging");
      for (JsonNode param : parameters(op, path)) {
        if (!"query".equals(param.path("in").asText())) continue;
        String name = param.path("name").asText();
        JsonNode ps = inliner.inline(param.get("schema"));
        String ptype = SchemaInliner.type(ps);
        String lower = name.toLowerCase(Locale.ROOT).replace("-", "_");
        JsonNode field = props.get(name);
        if (field != null && SCALARS.contains(SchemaInliner.type(field))) {
          filters.addObject().put("param", name).put("field", name).put("array", ptype.equals("array"));
        } else if (ptype.equals("integer") && OFFSET_NAMES.contains(lower)) {
          paging.put("offset", name);
        } else if (ptype.equals("integer") && LIMIT_NAMES.contains(lower)) {
          paging.put(paging.has("limit") || PAGE_NAMES.stream().anyMatch(p -> hasQuery(op, path, p)) ? "size"
              : "limit", name);
          if (ps != null && ps.has("default")) paging.put("defaultSize", ps.get("default").asInt());
        } else if (ptype.equals("integer") && PAGE_NAMES.contains(lower)) {
          paging.put("page", name);
          paging.put("pageBase", ps != null && ps.has("minimum") ? ps.get("minimum").asInt() : 1);
        } else if (param.path("required").asBoolean(false)) {
          return "the required query parameter '" + name + "' is neither a field of the items nor a paging"
              + " parameter";
        }
      }
      if (paging.has("page") && paging.has("limit")) {
        paging.set("size", paging.remove("limit"));
      }
      return spec;
    });
    consider(d, CrudKind.GET, items.get("get"), reasons, op -> {
      Integer status = successOf(op);
      if (status == null) return "declares no 2xx answer";
      if (!like(responseSchema(op, status), props.keySet(), idField)) {
        return "its " + status + " answer is not a " + d.collectionPath + " item";
      }
      return base(op, status, d, null, readOnly, hidden);
    });
    for (var e : Map.of("put", CrudKind.REPLACE, "patch", CrudKind.UPDATE).entrySet()) {
      CrudKind kind = e.getValue();
      consider(d, kind, items.get(e.getKey()), reasons, op -> {
        JsonNode body = requestSchema(op);
        if (body == null) return requestProblem(op);
        Integer status = successOf(op);
        if (status == null) return "declares no 2xx answer";
        if (hasContent(op, status) && !like(responseSchema(op, status), props.keySet(), idField)) {
          return "its " + status + " answer is not a " + d.collectionPath + " item";
        }
        ObjectNode spec = base(op, status, d, body, readOnly, hidden);
        ArrayNode req = spec.putArray("required");
        ArrayNode nullable = spec.putArray("nullable");
        Set<String> writable = new HashSet<>();
        spec.path("writable").forEach(w -> writable.add(w.asText()));
        for (String r : required) if (writable.contains(r)) req.add(r);
        props.forEach((name, p) -> {
          if (p.path("nullable").asBoolean(false) || typeList(p).contains("null")) nullable.add(name);
        });
        // Properties the client cannot write stay as they were.
        props.keySet().forEach(name -> {
          if (!writable.contains(name)) spec.withArray("kept").add(name);
        });
        if (kind == CrudKind.REPLACE) {
          // A replacement is a whole new representation: what it leaves out takes the request schema's default,
          // as on create, so an answer that requires the field still has it.
          ObjectNode defaults = spec.putObject("defaults");
          SchemaInliner.properties(body).forEach((name, p) -> {
            if (p.has("default") && writable.contains(name)) defaults.set(name, p.get("default"));
          });
          // What the answer requires but the request may leave out (and has no default) keeps its stored value:
          // the contract allows the request without it and requires the answer with it.
          Set<String> answerRequired = new HashSet<>(required);
          if (hasContent(op, status)) answerRequired.addAll(requiredOf(responseSchema(op, status)));
          Set<String> sentRequired = requiredOf(body);
          ArrayNode keep = spec.putArray("keptIfAbsent");
          for (String name : writable) {
            if (answerRequired.contains(name) && !sentRequired.contains(name) && !defaults.has(name)) keep.add(name);
          }
        }
        d.requests.put(kind, body);
        return spec;
      });
    }
    consider(d, CrudKind.DELETE, items.get("delete"), reasons, op -> {
      Integer status = successOf(op);
      if (status == null) return "declares no 2xx answer";
      if (hasContent(op, status) && !like(responseSchema(op, status), props.keySet(), idField)) {
        return "its " + status + " answer is not the deleted item";
      }
      return base(op, status, d, null, readOnly, hidden);
    });
    for (Operation other : coll.values()) {
      if (!d.ops.containsValue(other)) reasons.putIfAbsent(key(other), "not one of create (POST) or list (GET) on "
          + path);
    }
    for (Operation other : items.values()) {
      if (!d.ops.containsValue(other)) reasons.putIfAbsent(key(other), "not one of get, replace (PUT), update"
          + " (PATCH) or delete on " + itemPath);
    }
    if (d.ops.isEmpty()) return null;
    return d;
  }

  private static String idField(Map<String, JsonNode> props, String itemParam) {
    if (itemParam != null && props.containsKey(itemParam)) return itemParam;
    if (props.containsKey("id")) return "id";
    // `/pets/{petId}` with a property `Id`: the parameter names the id without repeating the property.
    for (String p : props.keySet()) if (p.equalsIgnoreCase("id")) return p;
    return null;
  }

  /** Decides one candidate operation: a spec when tier 0 can implement it, else the reason (a String). */
  private void consider(Draft d, CrudKind kind, Operation op, Map<String, String> reasons,
      java.util.function.Function<Operation, Object> decide) {
    if (op == null) return;
    String rule = ruleStatus(op);
    if (rule != null) {
      reasons.put(key(op), "declares " + rule + ": a rule about the service's state that the schemas do not express");
      return;
    }
    List<String> schemes = requiredSchemes(op);
    if (!schemes.isEmpty()) {
      reasons.put(key(op), "requires authentication (" + String.join(", ", schemes) + "): which credentials to"
          + " accept is not in the contract");
      return;
    }
    Object decision = decide.apply(op);
    if (decision instanceof String why) {
      reasons.put(key(op), why);
      return;
    }
    ObjectNode spec = (ObjectNode) decision;
    d.ops.put(kind, op);
    d.specs.put(kind, spec);
    d.statuses.put(kind, spec.get("status").asInt());
  }

  private ObjectNode base(Operation op, int status, Draft d, JsonNode body, Set<String> readOnly, Set<String> hidden) {
    ObjectNode spec = F.objectNode();
    spec.put("status", status).put("body", hasContent(op, status)).put("itemParam", d.itemParam);
    if (body != null) {
      ArrayNode writable = spec.putArray("writable");
      SchemaInliner.properties(body).forEach((name, p) -> {
        if (!name.equals(d.idField) && !readOnly.contains(name) && !p.path("readOnly").asBoolean(false)
            && SchemaInliner.properties(d.schema).containsKey(name)) {
          writable.add(name);
        }
      });
    }
    ArrayNode h = spec.putArray("hidden");
    hidden.forEach(h::add);
    return spec;
  }

  /** {@return how the server fills a field it sets, from its type and format, or null when they do not say} */
  private static JsonNode serverValue(JsonNode p) {
    if (p.path("allOf").isArray() && p.get("allOf").size() == 1 && !p.has("type")) {
      JsonNode inner = serverValue(p.get("allOf").get(0));
      if (inner != null || !p.has("default")) return inner;
    }
    if (p.has("const")) return F.objectNode().set("const", p.get("const"));
    if (p.has("default")) return F.objectNode().set("const", p.get("default"));
    // An enum's first value is its initial state (pending, draft, open): recorded in service.json as serverFields.
    if (p.path("enum").isArray() && !p.get("enum").isEmpty()) return F.objectNode().set("const", p.get("enum").get(0));
    String type = SchemaInliner.type(p);
    String format = p.path("format").asText("");
    if (type.equals("string") && format.equals("date-time")) return F.textNode("now");
    if (type.equals("string") && format.equals("date")) return F.textNode("today");
    if (type.equals("string") && format.equals("uuid")) return F.textNode("uuid");
    if (type.equals("integer")) return F.textNode("sequence");
    return null;
  }

  /**
   * {@return the security schemes an operation requires (its own {@code security}, else the document's); empty
   *     when it requires none or when one alternative is empty ({@code {}}: credentials are optional)}
   */
  private List<String> requiredSchemes(Operation op) {
    JsonNode requirements = op.node().has("security") ? op.node().get("security") : doc.path("security");
    if (!requirements.isArray()) return List.of();
    Set<String> out = new java.util.LinkedHashSet<>();
    for (JsonNode alternative : requirements) {
      if (alternative.isObject() && alternative.isEmpty()) return List.of();
      alternative.fieldNames().forEachRemaining(out::add);
    }
    return List.copyOf(out);
  }

  /** {@return the first 409 or 422 the operation declares, or null} */
  private static String ruleStatus(Operation op) {
    for (String s : List.of("409", "422", "412", "423")) if (op.node().path("responses").has(s)) return s;
    return null;
  }

  private String requestProblem(Operation op) {
    JsonNode body = resolve(op.node().path("requestBody"));
    JsonNode content = body.path("content");
    if (!content.isObject() || content.isEmpty()) return "it declares no JSON object request body";
    List<String> types = new ArrayList<>();
    content.fieldNames().forEachRemaining(types::add);
    if (types.stream().noneMatch(CrudAnalyzer::isJson)) return "its request body is " + String.join(", ", types)
        + ", not JSON";
    if (types.stream().anyMatch(t -> t.contains("json-patch"))) return "it takes a JSON Patch, which needs a model";
    return "its request body is not a JSON object with properties";
  }

  private static boolean isJson(String mediaType) {
    String t = mediaType.toLowerCase(Locale.ROOT);
    return t.equals("application/json") || t.startsWith("application/json;") || (t.endsWith("+json")
        && !t.contains("json-patch"));
  }

  /** {@return whether a schema describes items of the resource: an object carrying the id among known fields} */
  private static boolean like(JsonNode schema, Set<String> itemProps, String idField) {
    if (!isObject(schema)) return false;
    Set<String> props = SchemaInliner.properties(schema).keySet();
    return props.contains(idField) && itemProps.containsAll(props);
  }

  /**
   * The shape of an error answer: no body, or which field carries what. Roles: reason, message, status, details,
   * type (problem+json), instance, or a fixed value for other required fields.
   */
  private ObjectNode errorShape(JsonNode response) {
    JsonNode content = response.path("content");
    ObjectNode shape = F.objectNode();
    if (!content.isObject() || content.isEmpty()) return shape.put("noBody", true);
    String mediaType = null;
    JsonNode schema = null;
    for (var it = content.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (isJson(e.getKey()) || e.getKey().contains("problem+json")) {
        mediaType = e.getKey();
        schema = inliner.inline(e.getValue().get("schema"));
        break;
      }
    }
    if (mediaType == null) return shape.put("noBody", true);
    shape.put("contentType", mediaType);
    String whole = schema == null ? "" : SchemaInliner.type(schema);
    // An error declared as a bare value (type: string, an array of messages, a number) is answered as that value.
    if (!whole.isEmpty() && !whole.equals("object")) {
      if (schema.has("enum") && schema.get("enum").isArray() && !schema.get("enum").isEmpty()) {
        shape.putObject("value").set("const", schema.get("enum").get(0));
      } else if (whole.equals("string") && !schema.has("pattern") && !schema.has("format")
          && schema.path("maxLength").asInt(Integer.MAX_VALUE) >= 200) {
        shape.put("value", "message");
      } else if (whole.equals("integer") || whole.equals("number")) {
        shape.put("value", "status");
      } else if (whole.equals("array") && SchemaInliner.type(schema.get("items")).equals("string")
          && !schema.path("items").has("pattern") && !schema.path("items").has("enum")
          && !schema.path("items").has("format")) {
        shape.put("value", "details");
      } else {
        shape.putObject("value").set("const", SampleValues.of(schema, 1, false));
      }
      return shape;
    }
    ObjectNode fields = shape.putObject("fields");
    if (schema == null || !isObject(schema)) {
      fields.put("error", "reason").put("message", "message");
      return shape;
    }
    Set<String> required = requiredOf(schema);
    for (var e : SchemaInliner.properties(schema).entrySet()) {
      String name = e.getKey();
      JsonNode p = e.getValue();
      String type = SchemaInliner.type(p);
      String lower = name.toLowerCase(Locale.ROOT);
      boolean req = required.contains(name);
      if (p.has("enum") && p.get("enum").isArray() && !p.get("enum").isEmpty()) {
        if (req) fields.putObject(name).set("const", p.get("enum").get(0));
        continue;
      }
      if (type.equals("string")) {
        if (lower.equals("type") && mediaType.contains("problem")) fields.put(name, "type");
        else if (lower.equals("instance")) fields.put(name, "instance");
        else if (List.of("error", "title", "reason", "code", "errorcode", "error_code", "status").contains(lower)) {
          fields.put(name, lower.equals("status") ? "statusText" : "reason");
        } else if (req || List.of("message", "detail", "details", "description", "msg", "errormessage",
            "error_description").contains(lower)) {
          fields.put(name, "message");
        }
      } else if (type.equals("integer") || type.equals("number")) {
        if (req || List.of("status", "code", "statuscode", "status_code").contains(lower)) fields.put(name, "status");
      } else if (type.equals("array")) {
        boolean strings = SchemaInliner.type(p.get("items")).equals("string");
        if (strings) fields.put(name, req ? "details" : "detailsOptional");
        else if (req) fields.putObject(name).putArray("const");
      } else if (req) {
        fields.putObject(name).set("const", SampleValues.of(p, 1, false));
      }
    }
    return shape;
  }

  /** {@return the declared parameters of an operation and its path item, references resolved} */
  List<JsonNode> parameters(Operation op, String path) {
    List<JsonNode> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
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

  private boolean hasQuery(Operation op, String path, String lowerName) {
    return parameters(op, path).stream().anyMatch(p -> "query".equals(p.path("in").asText())
        && p.path("name").asText().toLowerCase(Locale.ROOT).equals(lowerName));
  }

  static Set<String> requiredOf(JsonNode schema) {
    Set<String> out = new HashSet<>();
    if (schema == null) return out;
    schema.path("required").forEach(n -> out.add(n.asText()));
    schema.path("allOf").forEach(m -> out.addAll(requiredOf(m)));
    return out;
  }

  private static List<String> typeList(JsonNode schema) {
    JsonNode t = schema.get("type");
    List<String> out = new ArrayList<>();
    if (t != null && t.isArray()) t.forEach(e -> out.add(e.asText()));
    else if (t != null) out.add(t.asText());
    return out;
  }

  JsonNode resolve(JsonNode node) {
    int guard = 0;
    while (node != null && node.has("$ref") && node.get("$ref").asText().startsWith("#") && guard++ < 20) {
      node = doc.at(node.get("$ref").asText().substring(1));
    }
    return node == null ? F.missingNode() : node;
  }

  /** {@return the first 2xx status the operation declares, or null} */
  Integer successOf(Operation op) {
    if (op == null) return null;
    for (String s : List.of("200", "201", "202", "204", "2XX")) {
      if (op.node().path("responses").has(s)) return s.equals("2XX") ? 200 : Integer.parseInt(s);
    }
    return null;
  }

  private boolean hasContent(Operation op, int status) {
    JsonNode response = resolve(op.node().path("responses").path(String.valueOf(status)));
    JsonNode content = response.path("content");
    return content.isObject() && !content.isEmpty();
  }

  /** {@return the JSON schema of a response status, inlined, or null} */
  JsonNode responseSchema(Operation op, Integer status) {
    if (op == null || status == null) return null;
    JsonNode response = resolve(op.node().path("responses").path(String.valueOf(status)));
    return jsonSchema(response.path("content"));
  }

  /** {@return the JSON request body schema of an operation, inlined, when it is an object with properties} */
  JsonNode requestSchema(Operation op) {
    if (op == null) return null;
    JsonNode body = resolve(op.node().path("requestBody"));
    JsonNode content = body.path("content");
    if (content.isObject()) {
      for (String t : (Iterable<String>) content::fieldNames) if (t.contains("json-patch")) return null;
    }
    JsonNode schema = jsonSchema(content);
    return isObject(schema) && !SchemaInliner.properties(schema).isEmpty() ? schema : null;
  }

  private JsonNode jsonSchema(JsonNode content) {
    if (!content.isObject()) return null;
    for (var it = content.properties().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (isJson(e.getKey())) {
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

  private static boolean isParam(String segment) {
    return segment.startsWith("{") && segment.endsWith("}");
  }

  /** {@code "Bookshop API"} to {@code "bookshop-api"}. */
  static String slug(String title) {
    String s = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-+|-+$)", "");
    return s.isEmpty() ? "service" : s;
  }
}
