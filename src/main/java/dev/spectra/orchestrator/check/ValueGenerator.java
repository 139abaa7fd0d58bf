package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * Generates values a schema accepts, from a seeded {@link Random}: types, formats, patterns, enums, bounds,
 * {@code allOf}/{@code oneOf}/{@code anyOf} and nullable. Request-side: {@code readOnly} properties are left out.
 * A value may still miss (a {@code oneOf} whose branches overlap); callers validate before they rely on it.
 */
final class ValueGenerator {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final int MAX_DEPTH = 6;
  private static final String[] WORDS = {"alpha", "bravo", "cedar", "delta", "ember", "fjord", "gale", "harbor",
      "iris", "juniper", "kestrel", "lumen", "maple", "nova", "onyx", "pine", "quill", "raven", "sable", "tundra"};

  private final Random random;
  private final RegexSampler regex;
  /** Supplies known values for a property by name (ids of things created earlier), or null. */
  private final BiFunction<String, JsonNode, JsonNode> known;

  ValueGenerator(Random random, BiFunction<String, JsonNode, JsonNode> known) {
    this.random = random;
    this.regex = new RegexSampler(random);
    this.known = known;
  }

  ValueGenerator(Random random) {
    this(random, (name, schema) -> null);
  }

  /** {@return a value for the schema, or empty when the schema cannot be satisfied by this generator} */
  Optional<JsonNode> generate(JsonNode schema) {
    try {
      return Optional.of(value(schema, 0));
    } catch (Unsatisfiable e) {
      return Optional.empty();
    }
  }

  /** {@return a value for a property or parameter named {@code name}, preferring a known one} */
  Optional<JsonNode> generate(String name, JsonNode schema) {
    JsonNode k = known.apply(name, schema);
    if (k != null && random.nextInt(10) < 8) return Optional.of(k);
    return generate(schema);
  }

  static final class Unsatisfiable extends RuntimeException {
    Unsatisfiable(String why) {
      super(why, null, false, false);
    }
  }

  JsonNode value(JsonNode schema, int depth) {
    if (schema == null || schema.isBoolean()) return F.textNode(word());
    if (schema.has("const")) return schema.get("const").deepCopy();
    if (schema.has("enum") && schema.get("enum").size() > 0) {
      List<JsonNode> options = new ArrayList<>();
      schema.get("enum").forEach(options::add);
      // null is allowed by nullable enums, but a real value exercises more of the service.
      List<JsonNode> nonNull = options.stream().filter(n -> !n.isNull()).toList();
      List<JsonNode> from = nonNull.isEmpty() || random.nextInt(10) == 0 ? options : nonNull;
      return from.get(random.nextInt(from.size())).deepCopy();
    }
    if (schema.has("allOf")) return value(merge(schema), depth);
    for (String k : new String[] {"oneOf", "anyOf"}) {
      JsonNode members = schema.get(k);
      if (members != null && members.size() > 0) {
        JsonNode chosen = members.get(random.nextInt(members.size()));
        ObjectNode rest = ((ObjectNode) schema).deepCopy();
        rest.remove(k);
        return value(rest.isEmpty() ? chosen : merge(F.objectNode().set("allOf", F.arrayNode().add(rest).add(chosen))),
            depth);
      }
    }
    String type = type(schema);
    if (type.equals("null")) return F.nullNode();
    return switch (type) {
      case "object" -> object(schema, depth);
      case "array" -> array(schema, depth);
      case "integer" -> F.numberNode(integer(schema));
      case "number" -> F.numberNode(number(schema));
      case "boolean" -> F.booleanNode(random.nextBoolean());
      default -> F.textNode(string(schema));
    };
  }

  /** {@return the schema's type; with a nullable type, null only now and then} */
  String type(JsonNode schema) {
    JsonNode t = schema.get("type");
    if (t != null && t.isTextual()) return t.asText();
    if (t != null && t.isArray() && t.size() > 0) {
      List<String> types = new ArrayList<>();
      t.forEach(x -> types.add(x.asText()));
      List<String> nonNull = types.stream().filter(x -> !x.equals("null")).toList();
      if (nonNull.isEmpty() || (types.contains("null") && random.nextInt(8) == 0)) return "null";
      return nonNull.get(random.nextInt(nonNull.size()));
    }
    if (schema.has("properties") || schema.has("required")) return "object";
    if (schema.has("items")) return "array";
    if (schema.has("minimum") || schema.has("maximum")) return "number";
    return "string";
  }

  private ObjectNode object(JsonNode schema, int depth) {
    ObjectNode out = F.objectNode();
    Set<String> required = new HashSet<>();
    schema.path("required").forEach(r -> required.add(r.asText()));
    JsonNode props = schema.path("properties");
    for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
      var e = it.next();
      JsonNode ps = e.getValue();
      if (SchemaView.flagged(ps, "readOnly")) continue;   // the client must not send it (OpenAPI 3)
      boolean req = required.contains(e.getKey());
      if (!req && (depth >= MAX_DEPTH || random.nextInt(10) < 4)) continue;
      JsonNode k = known.apply(e.getKey(), ps);
      out.set(e.getKey(), k != null && random.nextInt(10) < 9 ? k : value(ps, depth + 1));
    }
    for (String r : required) {
      if (!out.has(r) && !props.has(r)) out.put(r, word());   // required but undescribed: any value
    }
    return out;
  }

  private ArrayNode array(JsonNode schema, int depth) {
    int min = schema.path("minItems").asInt(0);
    int max = schema.has("maxItems") ? schema.get("maxItems").asInt() : min + 3;
    if (depth >= MAX_DEPTH) max = min;
    int n = min + (max > min ? random.nextInt(Math.min(max, min + 3) - min + 1) : 0);
    ArrayNode out = F.arrayNode();
    boolean unique = schema.path("uniqueItems").asBoolean(false);
    int attempts = 0;
    while (out.size() < n && attempts++ < n * 10 + 10) {
      JsonNode v = value(schema.get("items"), depth + 1);
      if (unique && contains(out, v)) continue;
      out.add(v);
    }
    if (out.size() < min) throw new Unsatisfiable("could not find " + min + " distinct items");
    return out;
  }

  private static boolean contains(ArrayNode arr, JsonNode v) {
    for (JsonNode x : arr) if (x.equals(v)) return true;
    return false;
  }

  private long integer(JsonNode schema) {
    long lo = bound(schema, "minimum", "exclusiveMinimum", true, 0);
    long hi = bound(schema, "maximum", "exclusiveMaximum", false, Math.max(lo, 0) + 1000);
    if (!schema.has("minimum") && !schema.has("exclusiveMinimum") && hi < lo) lo = hi - 1000;
    if (hi < lo) throw new Unsatisfiable("empty integer range");
    long v = lo + (long) (random.nextDouble() * (double) (hi - lo + 1));
    v = Math.min(Math.max(v, lo), hi);
    JsonNode mult = schema.get("multipleOf");
    if (mult != null && mult.asLong() > 0) {
      long m = mult.asLong();
      v = (v / m) * m;
      if (v < lo) v += m;
      if (v > hi) throw new Unsatisfiable("no multiple of " + m + " in range");
    }
    return v;
  }

  private long bound(JsonNode schema, String inclusive, String exclusive, boolean lower, long fallback) {
    if (schema.has(exclusive) && schema.get(exclusive).isNumber()) {
      double d = schema.get(exclusive).asDouble();
      return lower ? (long) Math.floor(d) + 1 : (long) Math.ceil(d) - 1;
    }
    if (schema.has(inclusive)) {
      double d = schema.get(inclusive).asDouble();
      return lower ? (long) Math.ceil(d) : (long) Math.floor(d);
    }
    return fallback;
  }

  private BigDecimal number(JsonNode schema) {
    double lo = schema.has("minimum") ? schema.get("minimum").asDouble()
        : schema.has("exclusiveMinimum") ? schema.get("exclusiveMinimum").asDouble() + 0.01 : 0;
    double hi = schema.has("maximum") ? schema.get("maximum").asDouble()
        : schema.has("exclusiveMaximum") ? schema.get("exclusiveMaximum").asDouble() - 0.01 : lo + 1000;
    if (hi < lo) throw new Unsatisfiable("empty number range");
    // Half the values near the lower bound (where business rules bite), half anywhere in the range.
    double top = random.nextBoolean() ? Math.min(hi, lo + 100) : hi;
    JsonNode mult = schema.get("multipleOf");
    if (mult != null && mult.asDouble() > 0) {
      BigDecimal m = mult.decimalValue();
      long kLo = (long) Math.ceil(lo / m.doubleValue());
      long kHi = (long) Math.floor(top / m.doubleValue());
      if (kHi < kLo) throw new Unsatisfiable("no multiple of " + m + " in range");
      long k = kLo + (long) (random.nextDouble() * (kHi - kLo + 1));
      BigDecimal v = m.multiply(BigDecimal.valueOf(Math.min(k, kHi)));
      if (v.doubleValue() < lo || (schema.has("exclusiveMinimum") && v.doubleValue() <= schema.get("exclusiveMinimum")
          .asDouble())) {
        v = v.add(m);
      }
      return v.stripTrailingZeros().scale() < 0 ? v.setScale(0, RoundingMode.DOWN) : v.stripTrailingZeros();
    }
    hi = top;
    BigDecimal v = BigDecimal.valueOf(lo + random.nextDouble() * (hi - lo)).setScale(2, RoundingMode.DOWN);
    if (v.doubleValue() < lo) v = BigDecimal.valueOf(lo);
    return v.stripTrailingZeros().scale() < 0 ? v.setScale(0, RoundingMode.DOWN) : v.stripTrailingZeros();
  }

  private String string(JsonNode schema) {
    int min = schema.path("minLength").asInt(0);
    int max = schema.has("maxLength") ? schema.get("maxLength").asInt() : Math.max(min, 0) + 16;
    String format = schema.path("format").asText("");
    String formatted = formatted(format);
    if (formatted != null) return formatted;
    if (schema.has("pattern")) {
      String pattern = schema.get("pattern").asText();
      for (int i = 0; i < 10; i++) {
        Optional<String> s = regex.sample(pattern);
        if (s.isPresent() && s.get().length() >= min && s.get().length() <= max) return s.get();
      }
      throw new Unsatisfiable("pattern " + pattern + " is beyond the generator");
    }
    StringBuilder sb = new StringBuilder(word());
    int target = min + random.nextInt(Math.max(1, Math.min(max, min + 12) - min + 1));
    while (sb.length() < target) sb.append(random.nextBoolean() ? "-" : "").append(word());
    if (sb.length() > max) sb.setLength(max);
    while (sb.length() < min) sb.append('x');
    return sb.toString();
  }

  private String formatted(String format) {
    return switch (format) {
      case "uuid" -> new UUID((random.nextLong() & ~0xF000L) | 0x4000L,
          (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L).toString();   // version 4, RFC 9562
      case "email" -> word() + "." + random.nextInt(10000) + "@example.com";
      case "date-time" -> OffsetDateTime.of(2020 + random.nextInt(6), 1 + random.nextInt(12), 1 + random.nextInt(28),
          random.nextInt(24), random.nextInt(60), random.nextInt(60), 0, ZoneOffset.UTC)
          .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      case "date" -> LocalDate.of(2020 + random.nextInt(6), 1 + random.nextInt(12), 1 + random.nextInt(28)).toString();
      case "time" -> String.format("%02d:%02d:%02dZ", random.nextInt(24), random.nextInt(60), random.nextInt(60));
      case "uri", "url", "iri" -> "https://example.com/" + word();
      case "hostname" -> word() + ".example.com";
      case "ipv4" -> "192.0.2." + (1 + random.nextInt(254));
      case "ipv6" -> "2001:db8::" + Integer.toHexString(1 + random.nextInt(0xfff));
      case "byte" -> java.util.Base64.getEncoder().encodeToString(word().getBytes());
      default -> null;
    };
  }

  String word() {
    return WORDS[random.nextInt(WORDS.length)];
  }

  /** Folds {@code allOf} members into one schema: properties and required are united, other keywords overlaid. */
  static JsonNode merge(JsonNode schema) {
    ObjectNode out = F.objectNode();
    ObjectNode props = F.objectNode();
    ArrayNode required = F.arrayNode();
    mergeInto(schema, out, props, required);
    if (!props.isEmpty()) out.set("properties", props);
    if (!required.isEmpty()) out.set("required", required);
    return out;
  }

  private static void mergeInto(JsonNode s, ObjectNode out, ObjectNode props, ArrayNode required) {
    if (s == null || !s.isObject()) return;
    for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
      var e = it.next();
      switch (e.getKey()) {
        case "allOf" -> e.getValue().forEach(m -> mergeInto(m, out, props, required));
        case "properties" -> e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), p.getValue()));
        case "required" -> e.getValue().forEach(r -> {
          if (!contains(required, r)) required.add(r);
        });
        default -> out.set(e.getKey(), e.getValue());
      }
    }
  }
}
