package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a valid request into invalid ones, one defect at a time: a required field or parameter missing, a wrong
 * type, a value past a bound, outside an enum, against a pattern or format, an unexpected property where
 * {@code additionalProperties} is false, a body of the wrong shape. A candidate is kept only if the schema really
 * rejects it, so "invalid" is the validator's verdict, not a guess.
 */
final class Mutator {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** An invalid request and what makes it invalid. */
  record Mutation(String description, RequestParts parts) {}

  private final SchemaCheck schemas;
  private final RequestFactory factory;

  Mutator(SchemaCheck schemas, RequestFactory factory) {
    this.schemas = schemas;
    this.factory = factory;
  }

  List<Mutation> mutations(Operation op, RequestParts valid) {
    List<Mutation> out = new ArrayList<>();
    for (Operation.Param p : op.params()) {
      Map<String, JsonNode> target = switch (p.in()) {
        case "path" -> valid.path();
        case "query" -> valid.query();
        default -> valid.headers();
      };
      JsonNode current = target.get(p.name());
      if (p.required() && current != null && !p.in().equals("path")) {
        RequestParts m = valid.copy();
        mapOf(m, p.in()).remove(p.name());
        out.add(new Mutation("required " + p.in() + " parameter '" + p.name() + "' missing", m));
      }
      String type = p.schema().path("type").asText("");
      for (var bad : paramBadValues(p.schema(), current)) {
        if (type.equals("string") && !bad.getValue().isTextual()) continue;   // on the wire every value is text
        // An empty path segment addresses another route (often the collection), not an invalid item.
        if (p.in().equals("path") && RequestParts.text(bad.getValue()).isEmpty()) continue;
        RequestParts m = valid.copy();
        mapOf(m, p.in()).put(p.name(), bad.getValue());
        out.add(new Mutation(p.in() + " parameter '" + p.name() + "' " + bad.getKey(), m));
      }
    }
    if (op.body().isPresent()) {
      JsonNode schema = op.body().get().schema();
      if (op.body().get().required()) out.add(new Mutation("required body missing", withBody(valid, null)));
      if (valid.body() != null) {
        out.add(new Mutation("body is an array instead of " + describeType(schema), withBody(valid, F.arrayNode())));
        out.add(new Mutation("body is a string", withBody(valid, F.textNode("spectra"))));
        bodyMutations(schema, valid.body(), "", valid, out, 0);
      }
    }
    // Keep only what the contract rejects: the validator decides, not the mutation's intent.
    List<Mutation> kept = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Mutation m : out) {
      if (m.parts().body() == null && op.body().isPresent() && op.body().get().required()
          && !m.description().equals("required body missing")) continue;
      if (!factory.conforms(op, m.parts()) && seen.add(m.description())) kept.add(m);
    }
    return kept;
  }

  /**
   * Bad values of a parameter as they travel. On the wire an array parameter is one or more texts, so any single
   * text is an array of one item: "not an array" cannot be sent, only an array with a bad item.
   */
  private List<Map.Entry<String, JsonNode>> paramBadValues(JsonNode schema, JsonNode current) {
    JsonNode s = schema.has("allOf") ? ValueGenerator.merge(schema) : schema;
    if (!s.path("type").asText("").equals("array")) return badValues(schema, current, true);
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    JsonNode items = s.path("items");
    String itemType = items.path("type").asText("");
    JsonNode first = current != null && current.isArray() && !current.isEmpty() ? current.get(0) : null;
    if (items.isObject()) {
      for (var bad : badValues(items, first, true)) {
        if (itemType.equals("string") && !bad.getValue().isTextual()) continue;
        if (bad.getValue().isContainerNode()) continue;
        out.add(Map.entry("has an item that " + bad.getKey(), F.arrayNode().add(bad.getValue())));
      }
    }
    for (var bad : badValues(s, current, true)) {
      // Too many items; an empty array is no parameter at all, which only a required one forbids (checked apart).
      if (bad.getValue().isArray() && !bad.getValue().isEmpty()) out.add(bad);
    }
    return out;
  }

  private static Map<String, JsonNode> mapOf(RequestParts parts, String in) {
    return switch (in) {
      case "path" -> parts.path();
      case "query" -> parts.query();
      default -> parts.headers();
    };
  }

  private static RequestParts withBody(RequestParts valid, JsonNode body) {
    RequestParts m = valid.copy();
    return new RequestParts(m.path(), m.query(), m.headers(), body);
  }

  private void bodyMutations(JsonNode schema, JsonNode value, String pointer, RequestParts valid, List<Mutation> out,
      int depth) {
    if (depth > 2 || schema == null || !value.isObject()) return;
    JsonNode merged = schema.has("allOf") ? ValueGenerator.merge(schema) : schema;
    JsonNode props = merged.path("properties");
    for (JsonNode r : merged.path("required")) {
      String name = r.asText();
      if (value.has(name)) {
        out.add(new Mutation("required property '" + pointer + name + "' missing",
            edit(valid, pointer, obj -> obj.remove(name))));
      }
    }
    for (var it = value.fields(); it.hasNext(); ) {
      var e = it.next();
      String name = e.getKey();
      JsonNode ps = props.get(name);
      if (ps == null) continue;
      for (var bad : badValues(ps, e.getValue(), false)) {
        out.add(new Mutation("property '" + pointer + name + "' " + bad.getKey(),
            edit(valid, pointer, obj -> obj.set(name, bad.getValue()))));
      }
      if (e.getValue().isObject()) bodyMutations(ps, e.getValue(), pointer + name + ".", valid, out, depth + 1);
      if (e.getValue().isArray() && !e.getValue().isEmpty() && ps.has("items") && e.getValue().get(0).isObject()) {
        bodyMutations(ps.get("items"), e.getValue().get(0), pointer + name + "[0].", valid, out, depth + 1);
      }
    }
    if (merged.path("additionalProperties").isBoolean() && !merged.get("additionalProperties").asBoolean()) {
      out.add(new Mutation("unexpected property '" + pointer + "spectraUnexpected' (additionalProperties: false)",
          edit(valid, pointer, obj -> obj.put("spectraUnexpected", 1))));
    }
  }

  /** Applies an edit to the object at a dotted pointer ("a.b[0].") inside a copy of the body. */
  private static RequestParts edit(RequestParts valid, String pointer, java.util.function.Consumer<ObjectNode> change) {
    RequestParts m = valid.copy();
    JsonNode node = m.body();
    for (String seg : pointer.split("\\.")) {
      if (seg.isEmpty()) continue;
      if (seg.endsWith("[0]")) {
        node = node.get(seg.substring(0, seg.length() - 3)).get(0);
      } else {
        node = node.get(seg);
      }
    }
    change.accept((ObjectNode) node);
    return m;
  }

  /** {@return values that break one constraint of the schema, described} */
  private List<Map.Entry<String, JsonNode>> badValues(JsonNode schema, JsonNode current, boolean param) {
    JsonNode s = schema.has("allOf") ? ValueGenerator.merge(schema) : schema;
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    String type = s.path("type").isTextual() ? s.get("type").asText() : s.path("type").path(0).asText("");
    switch (type) {
      case "integer", "number" -> out.add(Map.entry("is text, not a " + type, F.textNode("not-a-number")));
      case "string" -> out.add(Map.entry("is a number, not a string", F.numberNode(12345)));
      case "boolean" -> out.add(Map.entry("is not a boolean", F.textNode("maybe")));
      case "array" -> out.add(Map.entry("is not an array", F.objectNode().put("not", "an array")));
      case "object" -> out.add(Map.entry("is not an object", F.textNode("not an object")));
      default -> { }
    }
    if (type.equals("integer") && !param) out.add(Map.entry("is a fraction, not an integer", F.numberNode(1.5)));
    if (type.equals("integer") && param) out.add(Map.entry("is a fraction, not an integer", F.textNode("1.5")));
    if (s.has("minimum")) out.add(Map.entry("below its minimum " + s.get("minimum"), F.numberNode(
        s.get("minimum").decimalValue().subtract(java.math.BigDecimal.ONE))));
    if (s.has("maximum")) out.add(Map.entry("above its maximum " + s.get("maximum"), F.numberNode(
        s.get("maximum").decimalValue().add(java.math.BigDecimal.ONE))));
    if (s.path("exclusiveMinimum").isNumber()) out.add(Map.entry("at its exclusive minimum", s.get("exclusiveMinimum")));
    if (s.path("exclusiveMaximum").isNumber()) out.add(Map.entry("at its exclusive maximum", s.get("exclusiveMaximum")));
    if (s.path("minLength").asInt(0) > 0) {
      int min = s.get("minLength").asInt();
      out.add(Map.entry("shorter than minLength " + min, F.textNode("x".repeat(min - 1))));
    }
    if (s.has("maxLength")) {
      int max = s.get("maxLength").asInt();
      out.add(Map.entry("longer than maxLength " + max, F.textNode("x".repeat(Math.min(max + 1, 100_000)))));
    }
    if (s.has("enum")) out.add(Map.entry("not one of its enum values", F.textNode("spectra-not-listed")));
    if (s.has("pattern")) out.add(Map.entry("does not match its pattern", F.textNode("!~ spectra ~!")));
    String format = s.path("format").asText("");
    String badFormat = switch (format) {
      case "uuid" -> "not-a-uuid";
      case "email" -> "not-an-email";
      case "date-time" -> "not-a-date-time";
      case "date" -> "2021-13-45";
      case "ipv4" -> "999.1.1.1";
      default -> null;
    };
    if (badFormat != null) out.add(Map.entry("is not a valid " + format, F.textNode(badFormat)));
    if (s.path("minItems").asInt(0) > 0) out.add(Map.entry("has fewer items than minItems", F.arrayNode()));
    if (s.has("maxItems") && current != null && current.isArray() && current.size() > 0) {
      var arr = F.arrayNode();
      for (int i = 0; i <= s.get("maxItems").asInt(); i++) arr.add(current.get(0));
      out.add(Map.entry("has more items than maxItems", arr));
    }
    return out;
  }

  private static String describeType(JsonNode schema) {
    String t = schema.path("type").asText("");
    return t.isEmpty() ? "the declared type" : "an " + t;
  }
}
