package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.annotation.Annotation;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Builds a draft 2020-12 schema from a record class; one instance per derivation. */
final class RecordSchemas {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Deque<Class<?>> building = new ArrayDeque<>();
  private final Map<Class<?>, ObjectNode> defs = new LinkedHashMap<>();
  private final Map<Class<?>, Boolean> recursive = new LinkedHashMap<>();
  private Class<?> root;

  JsonNode of(Class<?> type) {
    if (!type.isRecord()) throw new IllegalArgumentException(type.getName() + " is not a record");
    root = type;
    ObjectNode schema = F.objectNode();
    schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
    schema.put("title", type.getSimpleName());
    schema.setAll(record(type));
    // Records referenced from inside themselves are emitted once under $defs.
    while (true) {
      Class<?> pending = null;
      for (var e : recursive.entrySet()) {
        if (!defs.containsKey(e.getKey())) {
          pending = e.getKey();
          break;
        }
      }
      if (pending == null) break;
      defs.put(pending, F.objectNode());
      defs.put(pending, record(pending));
    }
    if (!defs.isEmpty()) {
      ObjectNode d = schema.putObject("$defs");
      defs.forEach((k, v) -> d.set(k.getSimpleName(), v));
    }
    return schema;
  }

  private ObjectNode record(Class<?> type) {
    building.push(type);
    ObjectNode schema = F.objectNode();
    schema.put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    ArrayNode required = F.arrayNode();
    for (RecordComponent c : type.getRecordComponents()) {
      Type t = c.getGenericType();
      boolean optional = isOptional(t);
      boolean nullable = hasNullable(c.getAnnotations()) || hasNullable(c.getAccessor().getAnnotations());
      JsonNode s = type(optional ? optionalElement(t) : t, type.getSimpleName() + "." + c.getName());
      if (nullable || optional) s = nullable(s);
      properties.set(c.getName(), s);
      if (!optional && !nullable) required.add(c.getName());
    }
    if (!required.isEmpty()) schema.set("required", required);
    schema.put("additionalProperties", false);
    building.pop();
    return schema;
  }

  private JsonNode type(Type t, String where) {
    if (t instanceof Class<?> c) {
      if (c == String.class || c == char.class || c == Character.class) {
        ObjectNode s = F.objectNode().put("type", "string");
        if (c != String.class) s.put("minLength", 1).put("maxLength", 1);
        return s;
      }
      if (c == int.class || c == long.class || c == short.class || c == byte.class || c == Integer.class
          || c == Long.class || c == Short.class || c == Byte.class || c == BigInteger.class) {
        return F.objectNode().put("type", "integer");
      }
      if (c == double.class || c == float.class || c == Double.class || c == Float.class || c == BigDecimal.class) {
        return F.objectNode().put("type", "number");
      }
      if (c == boolean.class || c == Boolean.class) return F.objectNode().put("type", "boolean");
      if (c == OptionalInt.class || c == OptionalLong.class) return F.objectNode().put("type", "integer");
      if (c == OptionalDouble.class) return F.objectNode().put("type", "number");
      if (c.isEnum()) {
        ObjectNode s = F.objectNode().put("type", "string");
        ArrayNode values = s.putArray("enum");
        for (Object constant : c.getEnumConstants()) values.add(((Enum<?>) constant).name());
        return s;
      }
      if (c.isArray()) return array(c.getComponentType(), false, where);
      if (c.isRecord()) {
        if (c == root && building.contains(c)) return F.objectNode().put("$ref", "#");
        if (building.contains(c)) {
          recursive.put(c, true);
          return F.objectNode().put("$ref", "#/$defs/" + c.getSimpleName());
        }
        return record(c);
      }
      throw new IllegalArgumentException(where + ": type " + c.getName() + " has no JSON Schema equivalent");
    }
    if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (Collection.class.isAssignableFrom(raw)) return array(args[0], Set.class.isAssignableFrom(raw), where);
      if (Map.class.isAssignableFrom(raw)) {
        if (args[0] != String.class) {
          throw new IllegalArgumentException(where + ": map keys must be String in JSON, found " + args[0]);
        }
        ObjectNode s = F.objectNode().put("type", "object");
        s.set("additionalProperties", type(args[1], where + "[value]"));
        return s;
      }
      if (raw == Optional.class) return nullable(type(args[0], where));
    }
    if (t instanceof GenericArrayType g) return array(g.getGenericComponentType(), false, where);
    if (t instanceof WildcardType w && w.getUpperBounds().length == 1) return type(w.getUpperBounds()[0], where);
    throw new IllegalArgumentException(where + ": type " + t.getTypeName() + " has no JSON Schema equivalent");
  }

  private JsonNode array(Type element, boolean unique, String where) {
    ObjectNode s = F.objectNode().put("type", "array");
    s.set("items", type(element, where + "[]"));
    if (unique) s.put("uniqueItems", true);
    return s;
  }

  private static JsonNode nullable(JsonNode s) {
    if (s instanceof ObjectNode o && o.path("type").isTextual() && !o.has("enum")) {
      ObjectNode copy = o.deepCopy();
      copy.set("type", F.arrayNode().add(o.get("type").textValue()).add("null"));
      return copy;
    }
    ObjectNode any = F.objectNode();
    any.putArray("anyOf").add(s).add(F.objectNode().put("type", "null"));
    return any;
  }

  private static boolean isOptional(Type t) {
    if (t == OptionalInt.class || t == OptionalLong.class || t == OptionalDouble.class) return true;
    return t instanceof ParameterizedType p && p.getRawType() == Optional.class;
  }

  private static Type optionalElement(Type t) {
    if (t instanceof ParameterizedType p) return p.getActualTypeArguments()[0];
    return t;
  }

  private static boolean hasNullable(Annotation[] annotations) {
    for (Annotation a : annotations) if (a.annotationType().getSimpleName().equals("Nullable")) return true;
    return false;
  }
}
