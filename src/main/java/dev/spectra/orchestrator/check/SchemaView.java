package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Turns an OpenAPI schema into a self-contained JSON Schema 2020-12 as seen from one side of the wire. Local
 * {@code $ref}s are inlined (a cycle is cut with an empty schema where it repeats); OpenAPI 3.0's {@code nullable}
 * and boolean {@code exclusiveMinimum}/{@code exclusiveMaximum} become their 2020-12 forms. In the request view a
 * {@code readOnly} property is not required (the client must not send it); in the response view a
 * {@code writeOnly} one is not (the server must not return it), as OpenAPI 3 specifies.
 */
final class SchemaView {
  enum Side { REQUEST, RESPONSE }

  /** OpenAPI-only keywords with no meaning to a JSON Schema validator. */
  private static final Set<String> DROPPED = Set.of("nullable", "example", "discriminator", "xml", "externalDocs",
      "deprecated");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final JsonNode document;
  private final boolean openapi30;

  SchemaView(JsonNode document, boolean openapi30) {
    this.document = document;
    this.openapi30 = openapi30;
  }

  JsonNode of(JsonNode schema, Side side) {
    return schema == null || schema.isMissingNode() ? null : copy(schema, side, new ArrayDeque<>());
  }

  /** {@return the node a {@code $ref} chain ends at (for parameters, responses, request bodies)} */
  JsonNode deref(JsonNode node) {
    Set<String> seen = new HashSet<>();
    while (node != null && node.isObject() && node.path("$ref").isTextual()) {
      String r = node.get("$ref").asText();
      if (!r.startsWith("#") || !seen.add(r)) return F.objectNode();
      node = document.at(r.substring(1));
    }
    return node;
  }

  private JsonNode copy(JsonNode node, Side side, Deque<String> trail) {
    if (node.isBoolean()) return node;
    if (!node.isObject()) return node.deepCopy();
    JsonNode ref = node.get("$ref");
    if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
      String r = ref.asText();
      if (trail.contains(r)) return F.objectNode();
      trail.push(r);
      JsonNode target = copy(document.at(r.substring(1)), side, trail);
      trail.pop();
      if (node.size() == 1 || openapi30) return target;   // 3.0 ignores siblings of $ref
      ObjectNode siblings = (ObjectNode) copy(withoutRef(node), side, trail);
      ObjectNode both = F.objectNode();
      both.putArray("allOf").add(target).add(siblings);
      return both;
    }
    ObjectNode out = F.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (DROPPED.contains(k) || k.startsWith("x-")) continue;
      switch (k) {
        case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas" -> {
          ObjectNode props = out.putObject(k);
          v.fields().forEachRemaining(p -> props.set(p.getKey(), copy(p.getValue(), side, trail)));
        }
        case "items", "additionalProperties", "not", "contains", "propertyNames", "if", "then", "else",
             "unevaluatedProperties", "unevaluatedItems" -> out.set(k, copy(v, side, trail));
        case "allOf", "anyOf", "oneOf", "prefixItems" -> {
          ArrayNode arr = out.putArray(k);
          v.forEach(m -> arr.add(copy(m, side, trail)));
        }
        case "enum", "const", "default", "examples" -> out.set(k, v.deepCopy());
        default -> out.set(k, v.deepCopy());
      }
    }
    if (openapi30) convert30(node, out);
    dropOneSidedRequired(out, side);
    return out;
  }

  private static ObjectNode withoutRef(JsonNode node) {
    ObjectNode o = ((ObjectNode) node).deepCopy();
    o.remove("$ref");
    return o;
  }

  private static void convert30(JsonNode original, ObjectNode out) {
    if (original.path("exclusiveMinimum").isBoolean()) {
      boolean ex = original.get("exclusiveMinimum").asBoolean();
      out.remove("exclusiveMinimum");
      if (ex && out.has("minimum")) out.set("exclusiveMinimum", out.remove("minimum"));
    }
    if (original.path("exclusiveMaximum").isBoolean()) {
      boolean ex = original.get("exclusiveMaximum").asBoolean();
      out.remove("exclusiveMaximum");
      if (ex && out.has("maximum")) out.set("exclusiveMaximum", out.remove("maximum"));
    }
    if (original.path("nullable").asBoolean(false)) {
      JsonNode type = out.get("type");
      if (type != null && type.isTextual()) {
        out.putArray("type").add(type.asText()).add("null");
        if (out.has("enum")) ((ArrayNode) out.get("enum")).addNull();
      } else if (type == null) {
        // nullable without a type (e.g. beside allOf): null or whatever the rest of the schema says.
        ObjectNode rest = out.deepCopy();
        out.removeAll();
        out.putArray("anyOf").add(F.objectNode().put("type", "null")).add(rest);
      }
    }
  }

  private static void dropOneSidedRequired(ObjectNode schema, Side side) {
    JsonNode props = schema.get("properties");
    JsonNode required = schema.get("required");
    if (props == null || required == null || !required.isArray()) return;
    String flag = side == Side.REQUEST ? "readOnly" : "writeOnly";
    ArrayNode kept = F.arrayNode();
    for (JsonNode r : required) {
      JsonNode p = props.get(r.asText());
      if (p != null && flagged(p, flag)) continue;
      kept.add(r);
    }
    schema.set("required", kept);
  }

  /** {@return whether a schema carries readOnly/writeOnly itself or through an allOf member} */
  static boolean flagged(JsonNode schema, String flag) {
    if (schema.path(flag).asBoolean(false)) return true;
    // allOf members all apply; anyOf appears here only as the wrapper nullable adds around a typeless schema.
    for (String k : new String[] {"allOf", "anyOf"}) {
      JsonNode members = schema.get(k);
      if (members != null) for (JsonNode m : members) if (flagged(m, flag)) return true;
    }
    return false;
  }
}
