package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Changes the type of values where the schema leaves one reading: the schema at that place names exactly one
 * type (optionally with null), without {@code anyOf}/{@code oneOf}/{@code allOf}. Works on a copy; the caller keeps
 * the result only when it conforms.
 */
final class SchemaCoercer {
  private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9]\\d{0,300})");
  private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9]\\d{0,300})(\\.\\d{1,300})?([eE][-+]?\\d{1,5})?");
  private static final int MAX_DEPTH = 64;

  private final StrictJson strict;
  private final JsonNode root;
  private final List<Coercion> done = new ArrayList<>();

  SchemaCoercer(StrictJson strict, JsonNode root) {
    this.strict = strict;
    this.root = root;
  }

  /** {@return the coercions made on {@code value} so far} */
  List<Coercion> coercions() {
    return done;
  }

  JsonNode coerce(JsonNode value) {
    return coerce(root, value.deepCopy(), "", 0);
  }

  private JsonNode coerce(JsonNode schema, JsonNode value, String pointer, int depth) {
    schema = resolve(schema, 0);
    if (schema == null || !schema.isObject() || depth > MAX_DEPTH) return value;
    if (schema.has("anyOf") || schema.has("oneOf") || schema.has("allOf")) return value;
    String type = singleType(schema.get("type"));
    if (type == null) return value;
    if (value.isNull() && nullable(schema.get("type"))) return value;
    switch (type) {
      case "integer", "number" -> {
        if (value.isTextual()) {
          String t = value.textValue().strip();
          if ((type.equals("integer") ? INTEGER : NUMBER).matcher(t).matches()) {
            StrictJson.Parsed p = strict.parse(t);
            if (p.ok()) {
              done.add(new Coercion(pointer, "number-from-string"));
              return p.value();
            }
          }
        }
        return value;
      }
      case "boolean" -> {
        if (value.isTextual()) {
          String t = value.textValue().strip();
          if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
            done.add(new Coercion(pointer, "boolean-from-string"));
            return BooleanNode.valueOf(t.equalsIgnoreCase("true"));
          }
        }
        return value;
      }
      case "object" -> {
        JsonNode v = fromString(value, pointer, true);
        if (!(v instanceof ObjectNode o)) return v;
        JsonNode props = schema.get("properties");
        if (props != null && props.isObject()) {
          for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode member = o.get(e.getKey());
            if (member != null) o.set(e.getKey(), coerce(e.getValue(), member, pointer + "/" + escape(e.getKey()),
                depth + 1));
          }
        }
        return o;
      }
      case "array" -> {
        JsonNode v = fromString(value, pointer, false);
        if (!v.isArray()) {
          if (v.isNull() || v.isTextual() && v.textValue().strip().startsWith("[")) return v;
          ArrayNode wrapped = JsonNodeFactory.instance.arrayNode().add(v);
          done.add(new Coercion(pointer, "wrapped-in-array"));
          v = wrapped;
        }
        JsonNode items = schema.get("items");
        if (items != null && items.isObject()) {
          ArrayNode a = (ArrayNode) v;
          for (int i = 0; i < a.size(); i++) a.set(i, coerce(items, a.get(i), pointer + "/" + i, depth + 1));
        }
        return v;
      }
      default -> {
        return value;
      }
    }
  }

  private JsonNode fromString(JsonNode value, String pointer, boolean object) {
    if (!value.isTextual()) return value;
    String t = value.textValue().strip();
    if (!t.startsWith(object ? "{" : "[")) return value;
    StrictJson.Parsed p = strict.parse(t);
    if (!p.ok() || p.value().isObject() != object) return value;
    done.add(new Coercion(pointer, "json-from-string"));
    return p.value();
  }

  private JsonNode resolve(JsonNode schema, int hops) {
    if (schema == null || !schema.has("$ref") || hops > 16) return schema;
    String ref = schema.get("$ref").asText();
    if (!ref.startsWith("#")) return null;
    JsonNode target = ref.equals("#") ? root : root.at(ref.substring(1));
    return target.isMissingNode() ? null : resolve(target, hops + 1);
  }

  private static String singleType(JsonNode type) {
    if (type == null) return null;
    if (type.isTextual()) return type.textValue();
    if (!type.isArray()) return null;
    String found = null;
    for (JsonNode t : type) {
      if (t.asText().equals("null")) continue;
      if (found != null) return null;
      found = t.asText();
    }
    return found;
  }

  private static boolean nullable(JsonNode type) {
    if (type == null || !type.isArray()) return false;
    for (JsonNode t : type) if (t.asText().equals("null")) return true;
    return false;
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }
}
