package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.scaffold.ServicePlan.CrudKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.IdKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.Operation;
import dev.spectra.orchestrator.scaffold.ServicePlan.Resource;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The generated project's behavioural tests, as data ({@code src/test/resources/scenarios.json}): per implemented
 * operation, what its schemas imply (create then get returns what was sent, filters, update reflected, delete then
 * 404, invalid input 400, undeclared properties not stored), the contract's own request examples, the answers every
 * service owes (unknown path 404, wrong method 405), and one pending scenario per operation that needs a model.
 */
final class ScenarioWriter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final String UNDECLARED = "undeclaredProperty";

  private final ServicePlan plan;
  private final CrudAnalyzer analyzer;
  private final ArrayNode scenarios = F.arrayNode();

  ScenarioWriter(ServicePlan plan) {
    this.plan = plan;
    this.analyzer = new CrudAnalyzer(plan.contract());
  }

  ObjectNode scenarios() {
    for (Resource r : plan.resources()) resource(r);
    generic();
    for (Operation op : plan.needsModel()) {
      scenario(op.operationId() + ": " + op.label() + " behaves as declared").put("pending", op.reason());
    }
    ObjectNode root = F.objectNode();
    root.set("scenarios", scenarios);
    return root;
  }

  private void resource(Resource r) {
    Map<CrudKind, Operation> ops = r.ops();
    Operation create = ops.get(CrudKind.CREATE);
    List<ObjectNode> setup = new ArrayList<>();
    String setupProblem = setup(r, setup);
    String coll = r.collectionPath().replace("{" + r.parentParam() + "}", "${parent}");
    String item = r.itemPath() == null ? null : r.itemPath().replace("{" + r.parentParam() + "}", "${parent}")
        .replace("{" + r.itemParam() + "}", "${id}");
    String unknownId = r.idKind() == IdKind.INTEGER ? "987654321" : "00000000-0000-4000-8000-000000000000";
    String unknownItem = item == null ? null : item.replace("${id}", unknownId);

    if (setupProblem != null) {
      for (Operation op : ops.values()) scenario(op.operationId() + ": behaves as declared").put("pending",
          setupProblem);
      return;
    }
    JsonNode s1 = create == null ? null : SampleValues.of(r.requestSchemas().get(CrudKind.CREATE), 1, true);
    JsonNode s2 = create == null ? null : SampleValues.of(r.requestSchemas().get(CrudKind.CREATE), 2, true);
    List<String> compared = create == null ? List.of() : compared(r, create, s1);
    int createStatus = create == null ? 0 : r.statuses().get(CrudKind.CREATE);
    boolean createBody = create != null && spec(create).path("body").asBoolean(false);
    boolean canGet = ops.containsKey(CrudKind.GET);

    if (create != null) {
      ObjectNode sc = scenario(create.operationId() + ": creates an item" + (canGet ? " that get returns as sent" : ""));
      ArrayNode steps = steps(sc, setup);
      ObjectNode post = step(steps, create, "POST", coll, s1.toString(), createStatus);
      if (createBody) fields(post, s1, compared);
      saveId(post, r, createBody);
      if (spec(create).has("itemPath")) post.with("expect").putObject("header").put("Location", item);
      if (canGet) fields(step(steps, ops.get(CrudKind.GET), "GET", item, null, 200), s1, compared);

      JsonNode createSchema = r.requestSchemas().get(CrudKind.CREATE);
      boolean closed = createSchema != null && createSchema.path("additionalProperties").isBoolean()
          && !createSchema.path("additionalProperties").asBoolean();
      if (closed) {
        // The contract forbids undeclared properties (additionalProperties: false): such a body is refused.
        ObjectNode extra = ((ObjectNode) s1).deepCopy().put(UNDECLARED, "x");
        step(steps(scenario(create.operationId() + ": a body with an undeclared property answers 400"), setup),
            create, "POST", coll, extra.toString(), 400);
      } else if (canGet) {
        ObjectNode extra = ((ObjectNode) s1).deepCopy().put(UNDECLARED, "x");
        // Undeclared properties are accepted and dropped: never stored, never answered (no mass assignment).
        ObjectNode mass = scenario(create.operationId() + ": stores only the properties the contract declares");
        ArrayNode ms = steps(mass, setup);
        ObjectNode p = step(ms, create, "POST", coll, extra.toString(), createStatus);
        saveId(p, r, createBody);
        step(ms, ops.get(CrudKind.GET), "GET", item, null, 200).with("expect").putArray("absent").add(UNDECLARED);
      }
      List<String> required = new ArrayList<>(CrudAnalyzer.requiredOf(r.requestSchemas().get(CrudKind.CREATE)));
      required.removeIf(p -> !s1.has(p));
      required.sort(null);
      if (!required.isEmpty()) {
        ObjectNode missing = ((ObjectNode) s1).deepCopy();
        missing.remove(required.getFirst());
        step(steps(scenario(create.operationId() + ": a body without the required '" + required.getFirst()
            + "' answers 400"), setup), create, "POST", coll, missing.toString(), 400);
      }
      step(steps(scenario(create.operationId() + ": malformed JSON answers 400"), setup), create, "POST", coll,
          "{\"unterminated", 400);
      if (!acceptsText(create)) {
        step(steps(scenario(create.operationId() + ": a text/plain body answers 415"), setup), create, "POST", coll,
            "hello", 415).put("contentType", "text/plain");
      }
      for (JsonNode example : requestExamples(create)) {
        if (!example.isObject()) continue;
        ObjectNode ex = scenario(create.operationId() + ": the contract's request example is accepted");
        step(steps(ex, setup), create, "POST", coll, example.toString(), createStatus);
      }
    }
    Operation list = ops.get(CrudKind.LIST);
    if (list != null) {
      String query = requiredQuery(list, r);
      ObjectNode sc = scenario(list.operationId() + ": lists created items");
      ArrayNode steps = steps(sc, setup);
      if (create != null && query.isEmpty()) {
        saveId(step(steps, create, "POST", coll, s1.toString(), createStatus), r, createBody);
        ObjectNode l = step(steps, list, "GET", coll, null, 200);
        l.with("expect").put("idField", r.idField()).putArray("contains").add("${id}");
      } else {
        step(steps, list, "GET", coll + query, null, 200);
      }
      if (!query.isEmpty()) {
        step(steps(scenario(list.operationId() + ": a missing required query parameter answers 400"), setup), list,
            "GET", coll, null, 400);
      }
      int filtersTested = 0;
      for (JsonNode f : spec(list).path("filters")) {
        String field = f.path("field").asText();
        if (create == null || !s1.has(field) || !s1.get(field).isValueNode() || s1.get(field).isNull()
            || filtersTested >= 3) {
          continue;
        }
        filtersTested++;
        ObjectNode fs = scenario(list.operationId() + ": filters by " + f.path("param").asText());
        ArrayNode fsteps = steps(fs, setup);
        step(fsteps, create, "POST", coll, s1.toString(), createStatus);
        step(fsteps, create, "POST", coll, s2.toString(), createStatus);
        String q = join(query, f.path("param").asText() + "=" + encode(s1.get(field).asText()));
        step(fsteps, list, "GET", coll + q, null, 200).with("expect").putObject("each").set(field, s1.get(field));
      }
      JsonNode paging = spec(list).path("paging");
      String limitParam = paging.has("limit") ? paging.get("limit").asText() : paging.path("size").asText(null);
      if (limitParam != null && create != null) {
        ObjectNode ps = scenario(list.operationId() + ": " + limitParam + "=1 answers at most one item");
        ArrayNode psteps = steps(ps, setup);
        step(psteps, create, "POST", coll, s1.toString(), createStatus);
        step(psteps, create, "POST", coll, s2.toString(), createStatus);
        step(psteps, list, "GET", coll + join(query, limitParam + "=1"), null, 200).with("expect").put("maxItems", 1);
      }
    }
    if (canGet) {
      Operation get = ops.get(CrudKind.GET);
      step(steps(scenario(get.operationId() + ": an unknown id answers 404"), setup), get, "GET", unknownItem, null,
          404);
      if (r.idKind() == IdKind.INTEGER && integerParam(get, r.itemParam())) {
        int status = declares(get, 400) || !declares(get, 404) ? 400 : 404;
        step(steps(scenario(get.operationId() + ": an id that is not an integer answers " + status), setup), get,
            "GET", item.replace("${id}", "not-a-number"), null, status);
      }
    }
    Operation replace = ops.get(CrudKind.REPLACE);
    if (replace != null && create != null) {
      JsonNode body = SampleValues.of(r.requestSchemas().get(CrudKind.REPLACE), 2, true);
      List<String> cmp = compared(r, replace, body);
      int st = r.statuses().get(CrudKind.REPLACE);
      ObjectNode sc = scenario(replace.operationId() + ": replaces an item" + (canGet ? " and get reflects it" : ""));
      ArrayNode steps = steps(sc, setup);
      saveId(step(steps, create, "POST", coll, s1.toString(), createStatus), r, createBody);
      ObjectNode put = step(steps, replace, "PUT", item, body.toString(), st);
      if (spec(replace).path("body").asBoolean(false)) fields(put, body, cmp);
      if (canGet) fields(step(steps, ops.get(CrudKind.GET), "GET", item, null, 200), body, cmp);
      step(steps(scenario(replace.operationId() + ": an unknown id answers 404"), setup), replace, "PUT",
          unknownItem, body.toString(), 404);
      List<String> required = new ArrayList<>(CrudAnalyzer.requiredOf(r.requestSchemas().get(CrudKind.REPLACE)));
      required.removeIf(p -> !body.has(p));
      required.sort(null);
      if (!required.isEmpty()) {
        ObjectNode missing = ((ObjectNode) body).deepCopy();
        missing.remove(required.getFirst());
        ObjectNode inv = scenario(replace.operationId() + ": a body without the required '" + required.getFirst()
            + "' answers 400");
        ArrayNode is = steps(inv, setup);
        saveId(step(is, create, "POST", coll, s1.toString(), createStatus), r, createBody);
        step(is, replace, "PUT", item, missing.toString(), 400);
      }
    }
    Operation update = ops.get(CrudKind.UPDATE);
    if (update != null && create != null) {
      JsonNode full = SampleValues.of(r.requestSchemas().get(CrudKind.UPDATE), 2, true);
      List<String> cmp = compared(r, update, full);
      String field = cmp.stream().filter(f -> full.get(f).isValueNode()).findFirst().orElse(null);
      int st = r.statuses().get(CrudKind.UPDATE);
      if (field != null) {
        ObjectNode patch = F.objectNode().set(field, full.get(field));
        ObjectNode sc = scenario(update.operationId() + ": updates '" + field + "'" + (canGet ? " and get reflects it"
            : ""));
        ArrayNode steps = steps(sc, setup);
        saveId(step(steps, create, "POST", coll, s1.toString(), createStatus), r, createBody);
        ObjectNode p = step(steps, update, "PATCH", item, patch.toString(), st);
        if (spec(update).path("body").asBoolean(false)) fields(p, patch, List.of(field));
        if (canGet) fields(step(steps, ops.get(CrudKind.GET), "GET", item, null, 200), patch, List.of(field));
        step(steps(scenario(update.operationId() + ": an unknown id answers 404"), setup), update, "PATCH",
            unknownItem, patch.toString(), 404);
      }
      Set<String> required = new HashSet<>();
      spec(update).path("required").forEach(x -> required.add(x.asText()));
      String clearable = null;
      for (JsonNode n : spec(update).path("nullable")) {
        if (!required.contains(n.asText()) && cmp.contains(n.asText()) && s1.has(n.asText())) clearable = n.asText();
      }
      if (clearable != null && canGet) {
        ObjectNode sc = scenario(update.operationId() + ": null clears '" + clearable + "'");
        ArrayNode steps = steps(sc, setup);
        saveId(step(steps, create, "POST", coll, s1.toString(), createStatus), r, createBody);
        step(steps, update, "PATCH", item, F.objectNode().putNull(clearable).toString(), st);
        step(steps, ops.get(CrudKind.GET), "GET", item, null, 200).with("expect").putArray("absent").add(clearable);
      }
    }
    Operation delete = ops.get(CrudKind.DELETE);
    if (delete != null) {
      int st = r.statuses().get(CrudKind.DELETE);
      if (create != null) {
        ObjectNode sc = scenario(delete.operationId() + ": deletes an item" + (canGet ? ", then get answers 404" : ""));
        ArrayNode steps = steps(sc, setup);
        saveId(step(steps, create, "POST", coll, s1.toString(), createStatus), r, createBody);
        step(steps, delete, "DELETE", item, null, st);
        if (canGet) step(steps, ops.get(CrudKind.GET), "GET", item, null, 404);
      }
      step(steps(scenario(delete.operationId() + ": an unknown id answers 404"), setup), delete, "DELETE",
          unknownItem, null, 404);
    }
  }

  /** Steps that create the parent of a sub-collection and save its id as ${parent}; a reason when impossible. */
  private String setup(Resource r, List<ObjectNode> steps) {
    if (r.parent() == null) return null;
    Resource parent = plan.resources().stream().filter(p -> p.name().equals(r.parent())).findFirst().orElseThrow();
    Operation create = parent.ops().get(CrudKind.CREATE);
    if (create == null || parent.parent() != null) {
      return "tier 0 cannot create a " + parent.collectionPath() + " item to hold the sub-collection";
    }
    JsonNode body = SampleValues.of(parent.requestSchemas().get(CrudKind.CREATE), 1, true);
    ArrayNode tmp = F.arrayNode();
    ObjectNode post = step(tmp, create, "POST", parent.collectionPath(), body.toString(),
        parent.statuses().get(CrudKind.CREATE));
    boolean answers = spec(create).path("body").asBoolean(false);
    post.putObject("save").put("parent", answers ? parent.idField() : "location");
    steps.add(post);
    return null;
  }

  /** The answers every service owes: unknown paths 404, methods a path does not declare 405. */
  private void generic() {
    if (plan.operations().isEmpty()) return;
    ArrayNode s = steps(scenario("an unknown path answers 404 in the contract's error shape"), List.of());
    ObjectNode unknown = s.addObject().put("method", "GET").put("path", "/no-such-path-in-the-contract");
    unknown.putObject("expect").put("status", 404).put("undeclared", true);
    for (Operation op : plan.operations()) {
      if (op.path().contains("{")) continue;
      Set<String> declared = new HashSet<>();
      plan.operations().stream().filter(o -> o.path().equals(op.path())).forEach(o -> declared.add(o.method()));
      for (String m : List.of("DELETE", "PUT", "PATCH", "POST")) {
        if (declared.contains(m)) continue;
        ArrayNode w = steps(scenario(m + " " + op.path() + " answers 405 with Allow"), List.of());
        ObjectNode st = w.addObject().put("method", m).put("path", op.path());
        st.putObject("expect").put("status", 405).put("undeclared", true);
        return;
      }
    }
  }

  private ObjectNode scenario(String name) {
    ObjectNode s = scenarios.addObject();
    s.put("name", name);
    return s;
  }

  private static ArrayNode steps(ObjectNode scenario, List<ObjectNode> setup) {
    ArrayNode steps = scenario.putArray("steps");
    setup.forEach(st -> steps.add(st.deepCopy()));
    return steps;
  }

  private ObjectNode step(ArrayNode steps, Operation op, String method, String path, String body, int status) {
    ObjectNode st = steps.addObject().put("method", method).put("path", path);
    if (body != null) {
      st.put("body", body);
      JsonNode content = analyzer.resolve(op.node().path("requestBody")).path("content");
      for (String t : (Iterable<String>) content::fieldNames) {
        if (t.contains("json")) {
          st.put("contentType", t);
          break;
        }
      }
    }
    st.putObject("expect").put("status", status).put("undeclared", !declares(op, status));
    return st;
  }

  private static void saveId(ObjectNode step, Resource r, boolean answersItem) {
    step.putObject("save").put("id", answersItem ? r.idField() : "location");
  }

  private static void fields(ObjectNode step, JsonNode sent, List<String> names) {
    ObjectNode f = step.with("expect").putObject("fields");
    for (String n : names) if (sent.has(n)) f.set(n, sent.get(n));
  }

  /** Fields of a sent body the answer must carry back: stored (writable) and not write-only. */
  private List<String> compared(Resource r, Operation op, JsonNode sent) {
    Set<String> writable = new HashSet<>();
    spec(op).path("writable").forEach(w -> writable.add(w.asText()));
    Set<String> hidden = new HashSet<>();
    spec(op).path("hidden").forEach(h -> hidden.add(h.asText()));
    List<String> out = new ArrayList<>();
    sent.fieldNames().forEachRemaining(f -> {
      if (writable.contains(f) && !hidden.contains(f) && !f.equals(r.idField())) out.add(f);
    });
    return out;
  }

  private JsonNode spec(Operation op) {
    return plan.service().path("operations").path(op.operationId());
  }

  private static boolean declares(Operation op, int status) {
    JsonNode responses = op.node().path("responses");
    return responses.has(String.valueOf(status)) || responses.has(status / 100 + "XX") || responses.has("default");
  }

  private boolean acceptsText(Operation op) {
    JsonNode content = analyzer.resolve(op.node().path("requestBody")).path("content");
    for (String t : (Iterable<String>) content::fieldNames) {
      if (t.startsWith("text/") || t.startsWith("*/")) return true;
    }
    return false;
  }

  private boolean integerParam(Operation op, String name) {
    for (JsonNode p : analyzer.parameters(op, op.path())) {
      if (p.path("in").asText().equals("path") && p.path("name").asText().equals(name)) {
        return SchemaInliner.type(new SchemaInliner(analyzer.document()).inline(p.get("schema"))).equals("integer");
      }
    }
    return false;
  }

  private String requiredQuery(Operation op, Resource r) {
    StringBuilder q = new StringBuilder();
    for (JsonNode p : analyzer.parameters(op, op.path())) {
      if (!p.path("in").asText().equals("query") || !p.path("required").asBoolean(false)) continue;
      JsonNode sample = SampleValues.of(new SchemaInliner(analyzer.document()).inline(p.get("schema")), 1, true);
      String value = sample.isValueNode() ? sample.asText() : sample.isArray() && !sample.isEmpty()
          ? sample.get(0).asText() : sample.toString();
      q.append(q.isEmpty() ? "?" : "&").append(encode(p.path("name").asText())).append('=').append(encode(value));
    }
    return q.toString();
  }

  private List<JsonNode> requestExamples(Operation op) {
    List<JsonNode> out = new ArrayList<>();
    JsonNode content = analyzer.resolve(op.node().path("requestBody")).path("content");
    content.properties().forEach(e -> {
      if (!e.getKey().contains("json")) return;
      if (e.getValue().has("example")) out.add(e.getValue().get("example"));
      e.getValue().path("examples").forEach(x -> {
        JsonNode v = analyzer.resolve(x).get("value");
        if (v != null) out.add(v);
      });
    });
    return out.size() > 3 ? out.subList(0, 3) : out;
  }

  private static String join(String query, String param) {
    return (query.isEmpty() ? "?" : query + "&") + param;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
