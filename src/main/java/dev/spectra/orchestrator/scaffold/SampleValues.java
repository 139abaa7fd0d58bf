package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Makes a value that satisfies a schema, for the generated contract tests' request bodies. Deterministic: the same
 * schema and variant give the same value, and variants differ where the schema allows, so a filter test can tell
 * items apart. Uses the schema's {@code example} or {@code default} first. A {@code pattern} without an example
 * cannot be honoured in general; the value then may not match it.
 */
final class SampleValues {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private SampleValues() {}

  /**
   * @param forRequest leave out read-only properties (a client does not send them)
   */
  static JsonNode of(JsonNode schema, int variant, boolean forRequest) {
    return value(schema, variant, forRequest, 0);
  }

  private static JsonNode value(JsonNode schema, int variant, boolean forRequest, int depth) {
    if (schema == null || depth > 8) return F.textNode("sample");
    schema = merged(schema);
    if (schema.has("const")) return schema.get("const");
    JsonNode en = schema.get("enum");
    if (en != null && en.isArray() && !en.isEmpty()) {
      for (int i = 0; i < en.size(); i++) {
        JsonNode pick = en.get((variant - 1 + i) % en.size());
        if (!pick.isNull()) return pick;
      }
    }
    if (SchemaInliner.type(schema).equals("boolean")) {
      // Variants alternate around the stated value, so two samples differ and a filter can tell them apart.
      JsonNode stated = schema.has("example") ? schema.get("example") : schema.get("default");
      boolean base = stated == null || !stated.isBoolean() || stated.asBoolean();
      return F.booleanNode(variant % 2 == 1 ? base : !base);
    }
    if (schema.has("example") && variant == 1) return schema.get("example");
    if (schema.has("default") && variant == 1 && !schema.get("default").isNull()) return schema.get("default");
    JsonNode oneOf = schema.has("oneOf") ? schema.get("oneOf") : schema.get("anyOf");
    if (oneOf != null && oneOf.isArray() && !oneOf.isEmpty() && !schema.has("properties")) {
      return value(oneOf.get(0), variant, forRequest, depth + 1);
    }
    return switch (SchemaInliner.type(schema)) {
      case "object" -> object(schema, variant, forRequest, depth);
      case "array" -> {
        ArrayNode a = F.arrayNode();
        int n = Math.max(1, schema.path("minItems").asInt(1));
        for (int i = 0; i < n; i++) a.add(value(schema.get("items"), variant + i, forRequest, depth + 1));
        yield a;
      }
      case "integer" -> F.numberNode((long) number(schema, variant));
      case "number" -> F.numberNode(number(schema, variant) + 0.5 > max(schema) ? number(schema, variant)
          : number(schema, variant) + 0.5);
      case "boolean" -> F.booleanNode(variant % 2 == 1);
      case "string" -> F.textNode(string(schema, variant));
      default -> F.textNode("sample-" + variant);
    };
  }

  private static JsonNode object(JsonNode schema, int variant, boolean forRequest, int depth) {
    ObjectNode o = F.objectNode();
    for (Map.Entry<String, JsonNode> p : SchemaInliner.properties(schema).entrySet()) {
      JsonNode ps = p.getValue();
      if (forRequest && ps.path("readOnly").asBoolean(false)) continue;
      if (!forRequest && ps.path("writeOnly").asBoolean(false)) continue;
      o.set(p.getKey(), value(ps, variant, forRequest, depth + 1));
    }
    return o;
  }

  /** Folds allOf members into one schema, so their enums, formats and properties are all seen. */
  private static JsonNode merged(JsonNode schema) {
    JsonNode all = schema.get("allOf");
    if (all == null || !all.isArray() || !schema.isObject()) return schema;
    ObjectNode out = ((ObjectNode) schema).deepCopy();
    out.remove("allOf");
    for (JsonNode member : all) {
      JsonNode m = merged(member);
      m.fields().forEachRemaining(e -> {
        if (e.getKey().equals("properties") && out.has("properties") && e.getValue().isObject()) {
          ObjectNode props = (ObjectNode) out.get("properties");
          e.getValue().fields().forEachRemaining(p -> {
            if (!props.has(p.getKey())) props.set(p.getKey(), p.getValue());
          });
        } else if (!out.has(e.getKey())) {
          out.set(e.getKey(), e.getValue());
        }
      });
    }
    return out;
  }

  private static double max(JsonNode s) {
    return s.has("maximum") ? s.get("maximum").asDouble() : Double.MAX_VALUE;
  }

  private static double number(JsonNode s, int variant) {
    double v = variant;
    if (s.has("minimum")) v = Math.max(v, s.get("minimum").asDouble() + variant - 1);
    if (s.path("exclusiveMinimum").isNumber()) v = Math.max(v, s.get("exclusiveMinimum").asDouble() + variant);
    if (s.path("exclusiveMinimum").asBoolean(false) && s.has("minimum")) {
      v = Math.max(v, s.get("minimum").asDouble() + variant);
    }
    if (s.has("maximum")) v = Math.min(v, s.get("maximum").asDouble());
    if (s.path("exclusiveMaximum").isNumber()) v = Math.min(v, s.get("exclusiveMaximum").asDouble() - 1);
    return Math.floor(v);
  }

  private static String string(JsonNode s, int variant) {
    String v = switch (s.path("format").asText("")) {
      case "date-time" -> "2024-01-0" + Math.min(9, variant) + "T10:00:00Z";
      case "date" -> "2024-01-0" + Math.min(9, variant);
      case "uuid" -> "00000000-0000-4000-8000-" + String.format("%012d", variant);
      case "email" -> "user" + variant + "@example.com";
      case "uri", "url" -> "https://example.com/" + variant;
      default -> "sample-" + variant;
    };
    int min = s.path("minLength").asInt(0);
    int max = s.path("maxLength").asInt(Integer.MAX_VALUE);
    StringBuilder sb = new StringBuilder(v);
    while (sb.length() < min) sb.append('x');
    return sb.length() > max ? sb.substring(0, Math.max(max, 0)) : sb.toString();
  }
}
