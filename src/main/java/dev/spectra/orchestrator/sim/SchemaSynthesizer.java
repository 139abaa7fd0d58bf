package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds a value that conforms to a JSON schema, the way a well-behaved model would answer. Covers the common
 * subset: objects (properties, required), arrays (items, prefixItems, minItems/maxItems, uniqueItems), enum,
 * const, strings (minLength/maxLength, common formats, simple patterns), integers and numbers (minimum,
 * maximum, exclusive bounds, multipleOf), booleans, null, oneOf/anyOf (first non-null branch), allOf (merged),
 * and local {@code $ref}s ({@code #/$defs/...}, {@code #/definitions/...}, any JSON pointer into the root).
 */
final class SchemaSynthesizer {
  /** Recursive schemas stop growing here: beyond it only required properties and minimum array sizes. */
  private static final int MAX_DEPTH = 8;
  private static final String[] WORDS = {"alpha", "bravo", "delta", "echo", "harbor", "orbit", "river", "summit",
      "willow", "zephyr", "cedar", "lumen"};

  private final JsonNodeFactory f = JsonNodeFactory.instance;

  JsonNode synthesize(JsonNode schema, SplittableRandom rng) {
    return value(schema, schema, rng, 0, "value", 0);
  }

  private JsonNode value(JsonNode s, JsonNode root, SplittableRandom rng, int depth, String name, int index) {
    if (s == null || s.isMissingNode() || s.isNull()) return f.textNode(text(name, index, rng));
    if (s.isBoolean()) return s.asBoolean() ? f.textNode(text(name, index, rng)) : f.nullNode();
    if (s.has("$ref")) {
      JsonNode target = resolve(s.get("$ref").asText(), root);
      if (depth > MAX_DEPTH * 2) return f.nullNode();
      return value(target, root, rng, depth + 1, name, index);
    }
    if (s.has("const")) return s.get("const").deepCopy();
    if (s.has("enum") && s.get("enum").isArray() && !s.get("enum").isEmpty()) {
      JsonNode e = s.get("enum");
      return e.get(rng.nextInt(e.size())).deepCopy();
    }
    if (s.has("allOf") && s.get("allOf").isArray()) return value(mergeAllOf(s, root), root, rng, depth, name, index);
    for (String key : List.of("oneOf", "anyOf")) {
      if (s.has(key) && s.get(key).isArray() && !s.get(key).isEmpty()) {
        JsonNode chosen = s.get(key).get(0);
        for (JsonNode alt : s.get(key)) {
          if (!"null".equals(alt.path("type").asText())) {
            chosen = alt;
            break;
          }
        }
        return value(withSiblings(s, chosen, key), root, rng, depth, name, index);
      }
    }
    return switch (type(s)) {
      case "object" -> object(s, root, rng, depth);
      case "array" -> array(s, root, rng, depth, name);
      case "integer" -> f.numberNode(integer(s, rng));
      case "number" -> f.numberNode(number(s, rng));
      case "boolean" -> f.booleanNode(rng.nextBoolean());
      case "null" -> f.nullNode();
      default -> f.textNode(string(s, name, index, rng));
    };
  }

  private String type(JsonNode s) {
    JsonNode t = s.get("type");
    if (t != null && t.isTextual()) return t.asText();
    if (t != null && t.isArray()) {
      for (JsonNode x : t) if (!"null".equals(x.asText())) return x.asText();
      return "null";
    }
    if (s.has("properties") || s.has("required")) return "object";
    if (s.has("items") || s.has("prefixItems")) return "array";
    if (s.has("minimum") || s.has("maximum") || s.has("multipleOf")) return "number";
    return "string";
  }

  private JsonNode object(JsonNode s, JsonNode root, SplittableRandom rng, int depth) {
    ObjectNode o = f.objectNode();
    Set<String> required = new LinkedHashSet<>();
    s.path("required").forEach(r -> required.add(r.asText()));
    JsonNode props = s.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> p = it.next();
      // Deep in a recursive schema, optional properties would make the value grow without end.
      if (depth >= MAX_DEPTH && !required.contains(p.getKey())) continue;
      o.set(p.getKey(), value(p.getValue(), root, rng, depth + 1, p.getKey(), 0));
    }
    for (String r : required) {
      if (!o.has(r)) {
        JsonNode extra = s.path("additionalProperties");
        o.set(r, value(extra.isObject() ? extra : null, root, rng, depth + 1, r, 0));
      }
    }
    return o;
  }

  private JsonNode array(JsonNode s, JsonNode root, SplittableRandom rng, int depth, String name) {
    ArrayNode a = f.arrayNode();
    int min = s.path("minItems").asInt(0);
    int max = s.has("maxItems") ? s.get("maxItems").asInt() : Integer.MAX_VALUE;
    JsonNode prefix = s.path("prefixItems");
    int n = Math.max(min, depth >= MAX_DEPTH ? min : Math.max(prefix.size(), Math.min(2, max)));
    n = Math.min(n, max);
    JsonNode items = s.get("items");
    if (items != null && items.isBoolean() && !items.asBoolean()) n = Math.min(n, prefix.size());
    String itemName = name.endsWith("s") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
    boolean unique = s.path("uniqueItems").asBoolean(false);
    for (int i = 0; i < n; i++) {
      JsonNode itemSchema = i < prefix.size() ? prefix.get(i) : items;
      JsonNode item = value(itemSchema, root, rng, depth + 1, itemName, i);
      // Random picks (enums, numbers) can repeat; a few redraws make uniqueItems hold in practice.
      for (int tries = 0; unique && contains(a, item) && tries < 8; tries++) {
        item = value(itemSchema, root, rng, depth + 1, itemName, i + tries + 1);
      }
      a.add(item);
    }
    return a;
  }

  private static boolean contains(ArrayNode a, JsonNode item) {
    for (JsonNode x : a) if (x.equals(item)) return true;
    return false;
  }

  private long integer(JsonNode s, SplittableRandom rng) {
    long lo = s.has("minimum") ? (long) Math.ceil(s.get("minimum").asDouble()) : Long.MIN_VALUE;
    if (s.has("exclusiveMinimum") && s.get("exclusiveMinimum").isNumber()) {
      lo = Math.max(lo, (long) Math.floor(s.get("exclusiveMinimum").asDouble()) + 1);
    }
    long hi = s.has("maximum") ? (long) Math.floor(s.get("maximum").asDouble()) : Long.MAX_VALUE;
    if (s.has("exclusiveMaximum") && s.get("exclusiveMaximum").isNumber()) {
      hi = Math.min(hi, (long) Math.ceil(s.get("exclusiveMaximum").asDouble()) - 1);
    }
    if (lo == Long.MIN_VALUE) lo = hi == Long.MAX_VALUE ? 1 : hi - 99;
    if (hi == Long.MAX_VALUE) hi = lo + 99;
    if (hi < lo) return lo;
    long v = lo + rng.nextLong(hi - lo + 1);
    long step = s.has("multipleOf") ? Math.max(1, s.get("multipleOf").asLong()) : 1;
    if (step > 1) {
      long up = Math.ceilDiv(v, step) * step;
      long down = Math.floorDiv(v, step) * step;
      v = up <= hi ? up : down >= lo ? down : v;
    }
    return v;
  }

  private BigDecimal number(JsonNode s, SplittableRandom rng) {
    double lo = s.has("minimum") ? s.get("minimum").asDouble() : Double.NaN;
    double hi = s.has("maximum") ? s.get("maximum").asDouble() : Double.NaN;
    boolean exLo = s.path("exclusiveMinimum").isNumber();
    boolean exHi = s.path("exclusiveMaximum").isNumber();
    if (exLo) lo = s.get("exclusiveMinimum").asDouble();
    if (exHi) hi = s.get("exclusiveMaximum").asDouble();
    if (Double.isNaN(lo)) lo = Double.isNaN(hi) ? 0 : hi - 100;
    if (Double.isNaN(hi)) hi = lo + 100;
    double span = hi - lo;
    // Stay strictly inside the range so exclusive bounds hold after rounding to 2 decimals.
    double v = lo + span * (0.1 + 0.8 * rng.nextDouble());
    if (s.has("multipleOf") && s.get("multipleOf").asDouble() > 0) {
      BigDecimal m = s.get("multipleOf").decimalValue();
      BigDecimal k = BigDecimal.valueOf(v).divide(m, 0, RoundingMode.CEILING);
      BigDecimal candidate = k.multiply(m);
      if (candidate.doubleValue() > hi || (exHi && candidate.doubleValue() >= hi)) candidate = candidate.subtract(m);
      return candidate.stripTrailingZeros();
    }
    BigDecimal r = BigDecimal.valueOf(v).setScale(2, RoundingMode.HALF_UP);
    if (span < 0.05) r = BigDecimal.valueOf(exLo || exHi ? (lo + hi) / 2 : lo);
    return r;
  }

  private String string(JsonNode s, String name, int index, SplittableRandom rng) {
    int min = s.path("minLength").asInt(0);
    int max = s.has("maxLength") ? s.get("maxLength").asInt() : Integer.MAX_VALUE;
    if (s.has("pattern")) {
      String sampled = PatternSampler.sample(s.get("pattern").asText(), min, max, rng);
      if (sampled != null) return sampled;
    }
    String v = switch (s.path("format").asText("")) {
      case "date-time" -> "2024-05-0" + (1 + index % 9) + "T12:00:00Z";
      case "date" -> "2024-05-0" + (1 + index % 9);
      case "time" -> "12:00:0" + (index % 10) + "Z";
      case "email", "idn-email" -> "user" + (index + 1) + "@example.com";
      case "uri", "url", "iri", "uri-reference" -> "https://example.com/" + slug(name) + "/" + (index + 1);
      case "uuid" -> new java.util.UUID(rng.nextLong(), rng.nextLong()).toString();
      case "ipv4" -> "192.0.2." + (1 + index % 254);
      case "ipv6" -> "2001:db8::" + Integer.toHexString(index + 1);
      case "hostname", "idn-hostname" -> slug(name) + (index + 1) + ".example.com";
      case "duration" -> "PT" + (index + 1) + "H";
      default -> text(name, index, rng);
    };
    StringBuilder sb = new StringBuilder(v);
    while (sb.length() < min) sb.append('x');
    return sb.length() > max ? sb.substring(0, max) : sb.toString();
  }

  private static String text(String name, int index, SplittableRandom rng) {
    String word = WORDS[rng.nextInt(WORDS.length)];
    return (name.equals("value") ? "" : slug(name) + " ") + word + (index > 0 ? " " + (index + 1) : "");
  }

  private static String slug(String name) {
    String s = name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "").toLowerCase(java.util.Locale.ROOT);
    return s.isEmpty() ? "item" : s;
  }

  /** {@return the branch with the parent's other keywords (e.g. properties next to anyOf) merged in} */
  private JsonNode withSiblings(JsonNode parent, JsonNode branch, String combinator) {
    if (!branch.isObject()) return branch;
    ObjectNode merged = ((ObjectNode) parent).deepCopy();
    merged.remove(combinator);
    merged.remove(List.of("oneOf", "anyOf"));
    ((ObjectNode) branch).fields().forEachRemaining(e -> merged.set(e.getKey(), e.getValue()));
    return merged;
  }

  private JsonNode mergeAllOf(JsonNode s, JsonNode root) {
    ObjectNode merged = ((ObjectNode) s).deepCopy();
    merged.remove("allOf");
    ObjectNode props = merged.has("properties") ? (ObjectNode) merged.get("properties") : f.objectNode();
    ArrayNode required = merged.has("required") ? (ArrayNode) merged.get("required") : f.arrayNode();
    for (JsonNode part : s.get("allOf")) {
      JsonNode p = part.has("$ref") ? resolve(part.get("$ref").asText(), root) : part;
      p.path("properties").fields().forEachRemaining(e -> props.set(e.getKey(), e.getValue()));
      p.path("required").forEach(required::add);
      p.fields().forEachRemaining(e -> {
        if (!merged.has(e.getKey()) && !e.getKey().equals("properties") && !e.getKey().equals("required")) {
          merged.set(e.getKey(), e.getValue());
        }
      });
    }
    if (!props.isEmpty()) merged.set("properties", props);
    if (!required.isEmpty()) merged.set("required", required);
    return merged;
  }

  private static JsonNode resolve(String ref, JsonNode root) {
    if (ref.equals("#")) return root;
    if (!ref.startsWith("#/")) return null;
    List<String> parts = new ArrayList<>();
    for (String p : ref.substring(2).split("/")) parts.add(p.replace("~1", "/").replace("~0", "~"));
    JsonNode n = root;
    for (String p : parts) n = n.path(p);
    return n.isMissingNode() ? null : n;
  }
}
