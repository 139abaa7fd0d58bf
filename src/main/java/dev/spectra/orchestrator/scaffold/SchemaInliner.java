package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Copies a schema with every local {@code $ref} replaced by its target, so the generated service can validate input
 * without a document resolver. A reference cycle is cut with an empty schema (accepts anything) at the point it
 * repeats: recursive structures are validated to the first repetition only.
 */
final class SchemaInliner {
  private final JsonNode document;

  SchemaInliner(JsonNode document) {
    this.document = document;
  }

  JsonNode inline(JsonNode schema) {
    return schema == null ? null : copy(schema, new ArrayDeque<>());
  }

  /** {@return the schema's properties, also those contributed by allOf members} */
  static Map<String, JsonNode> properties(JsonNode schema) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (schema == null) return out;
    JsonNode props = schema.get("properties");
    if (props != null && props.isObject()) props.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    JsonNode all = schema.get("allOf");
    if (all != null && all.isArray()) all.forEach(member -> out.putAll(properties(member)));
    return out;
  }

  /** {@return the first type name of a schema: "object", "array", "string", ... or "" when not stated} */
  static String type(JsonNode schema) {
    if (schema == null) return "";
    JsonNode t = schema.get("type");
    if (t != null && t.isTextual()) return t.asText();
    if (t != null && t.isArray()) {
      for (JsonNode e : t) if (!"null".equals(e.asText())) return e.asText();
    }
    if (schema.has("properties")) return "object";
    if (schema.has("items")) return "array";
    JsonNode all = schema.get("allOf");
    if (all != null && all.isArray()) {
      for (JsonNode m : all) {
        String mt = type(m);
        if (!mt.isEmpty()) return mt;
      }
    }
    return "";
  }

  private JsonNode copy(JsonNode node, Deque<String> trail) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
        String r = ref.asText();
        if (trail.contains(r)) return JsonNodeFactory.instance.objectNode();
        trail.push(r);
        JsonNode target = copy(document.at(r.substring(1)), trail);
        trail.pop();
        if (node.size() == 1) return target;
        // OpenAPI 3.1 allows keywords beside $ref: both must hold.
        ObjectNode siblings = JsonNodeFactory.instance.objectNode();
        node.fields().forEachRemaining(e -> {
          if (!e.getKey().equals("$ref")) siblings.set(e.getKey(), copy(e.getValue(), trail));
        });
        ObjectNode both = JsonNodeFactory.instance.objectNode();
        both.putArray("allOf").add(target).add(siblings);
        return both;
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        // Examples are data, not schemas; keep them verbatim.
        out.set(e.getKey(), e.getKey().equals("example") || e.getKey().equals("examples")
            ? e.getValue().deepCopy() : copy(e.getValue(), trail));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(e -> out.add(copy(e, trail)));
      return out;
    }
    return node.deepCopy();
  }
}
