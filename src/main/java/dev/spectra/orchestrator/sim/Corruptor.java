package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Breaks a valid JSON answer the way models do (FIELD-NOTES §2). A family is drawn by weight and applied; the
 * result is checked to really be invalid (not strict JSON, or failing the schema), and another family is tried
 * when it is not, so a profile's valid rate is what the client observes.
 */
final class Corruptor {

  /**
   * The corrupted text, whether it stopped at the token limit, and the family applied (null: none could be).
   */
  record Result(String text, boolean truncated, Family family) {}

  private final ObjectMapper mapper;
  private final ObjectMapper strict;
  private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final JsonNodeFactory f = JsonNodeFactory.instance;
  /** Compiled schemas by schema tree: a client sends the same schema many times, compiling it costs milliseconds. */
  private final Map<JsonNode, Schema> compiled = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(
      16, 0.75f, true) {
    @Override protected boolean removeEldestEntry(Map.Entry<JsonNode, Schema> eldest) { return size() > 64; }
  });

  Corruptor(ObjectMapper mapper) {
    this.mapper = mapper;
    this.strict = mapper.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * @param schema the requested schema, or null (then only syntactic families can make the answer invalid)
   * @param toolInput the answer travels as an Anthropic tool input, which is always a JSON object: only
   *     semantic families apply
   */
  Result corrupt(String valid, JsonNode schema, Map<Family, Double> weights, boolean toolInput,
      SplittableRandom rng) {
    Map<Family, Double> candidates = new EnumMap<>(Family.class);
    weights.forEach((fam, w) -> {
      if (w > 0 && (toolInput ? !fam.syntactic : fam.syntactic || schema != null)) candidates.put(fam, w);
    });
    if (candidates.isEmpty() && toolInput && schema != null) {
      for (Family fam : Family.values()) if (!fam.syntactic) candidates.put(fam, 1.0);
    }
    while (!candidates.isEmpty()) {
      Family fam = draw(candidates, rng);
      candidates.remove(fam);
      Result r = apply(fam, valid, schema, rng);
      if (r != null && !isRawValid(r.text(), schema)) return new Result(r.text(), r.truncated(), fam);
    }
    // Every drawn family left the value valid (e.g. no literals to pythonise): prose always breaks strict JSON.
    if (toolInput) return new Result(valid, false, null);
    return new Result(apply(Family.PROSE, valid, schema, rng).text(), false, Family.PROSE);
  }

  /** {@return true when text is one strict JSON value that passes the schema (when there is one)} */
  boolean isRawValid(String text, JsonNode schema) {
    JsonNode value;
    try {
      value = strict.readTree(text);
    } catch (JsonProcessingException e) {
      return false;
    }
    if (value == null || value.isMissingNode()) return false;
    if (schema == null) return true;
    try {
      return compiled.computeIfAbsent(schema, registry::getSchema).validate(value).isEmpty();
    } catch (RuntimeException unusableSchema) {
      // A schema the validator cannot load cannot be violated either.
      return true;
    }
  }

  private static Family draw(Map<Family, Double> weights, SplittableRandom rng) {
    double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
    double x = rng.nextDouble() * total;
    Family last = null;
    for (Map.Entry<Family, Double> e : weights.entrySet()) {
      last = e.getKey();
      x -= e.getValue();
      if (x < 0) return e.getKey();
    }
    return last;
  }

  private Result apply(Family fam, String t, JsonNode schema, SplittableRandom rng) {
    JsonLiterals jt = new JsonLiterals(t);
    return switch (fam) {
      case FENCES -> new Result("```json\n" + t + "\n```", false, null);
      case PROSE -> new Result("Sure! Here is the JSON you asked for (see [the schema] above):\n\n" + t
          + "\n\nLet me know if you need anything else.", false, null);
      case THINK -> new Result("<think>\nThe user wants JSON. I will fill in every field with sensible values "
          + "and check the types.\n</think>\n\n" + t, false, null);
      case TRAILING_COMMA -> ok(jt.trailingComma(rng));
      case SINGLE_QUOTES -> ok(jt.singleQuotes());
      case UNQUOTED_KEYS -> ok(jt.unquotedKeys());
      case PYTHON_LITERALS -> ok(jt.pythonLiterals());
      case COMMENTS -> ok(jt.comment(rng));
      case UNESCAPED_QUOTES -> ok(jt.unescapedQuote(rng));
      case TRUNCATION -> {
        int cut = (int) (t.length() * (0.3 + 0.6 * rng.nextDouble()));
        yield new Result(t.substring(0, Math.max(1, Math.min(cut, t.length() - 1))), true, null);
      }
      case MISSING_FIELDS -> semantic(t, schema, rng, true);
      case WRONG_TYPES -> semantic(t, schema, rng, false);
      case EMPTY_OBJECT -> new Result("{}", false, null);
    };
  }

  private static Result ok(String s) {
    return s == null ? null : new Result(s, false, null);
  }

  private record Slot(ObjectNode parent, String key, JsonNode schema) {}

  private Result semantic(String t, JsonNode schema, SplittableRandom rng, boolean remove) {
    if (schema == null) return null;
    JsonNode tree;
    try {
      tree = mapper.readTree(t);
    } catch (JsonProcessingException e) {
      return null;
    }
    List<Slot> slots = new ArrayList<>();
    collect(tree, schema, schema, slots, remove, 0);
    if (slots.isEmpty()) return null;
    Slot s = slots.get(rng.nextInt(slots.size()));
    if (remove) {
      s.parent().remove(s.key());
    } else {
      s.parent().set(s.key(), wrongValue(s.schema(), s.parent().get(s.key())));
    }
    try {
      return new Result(mapper.writer(Responder.modelStyle()).writeValueAsString(tree), false, null);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Walks value and schema together, listing required properties (to drop) or typed properties (to mistype). */
  private void collect(JsonNode value, JsonNode s, JsonNode root, List<Slot> out, boolean required, int depth) {
    if (s == null || depth > 12) return;
    if (s.has("$ref")) {
      String ref = s.get("$ref").asText();
      JsonNode target = ref.equals("#") ? root : ref.startsWith("#/") ? root.at(ref.substring(1)) : null;
      collect(value, target == null || target.isMissingNode() ? null : target, root, out, required, depth + 1);
      return;
    }
    if (value instanceof ObjectNode obj) {
      JsonNode props = s.path("properties");
      if (required) {
        s.path("required").forEach(r -> {
          if (obj.has(r.asText())) out.add(new Slot(obj, r.asText(), props.path(r.asText())));
        });
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        JsonNode child = obj.get(p.getKey());
        if (child == null) continue;
        JsonNode ps = p.getValue();
        if (!required && ps.path("type").isTextual() && !ps.has("enum") && !ps.has("const")) {
          out.add(new Slot(obj, p.getKey(), ps));
        }
        collect(child, ps, root, out, required, depth + 1);
      }
    } else if (value instanceof ArrayNode arr && s.has("items")) {
      for (JsonNode item : arr) collect(item, s.get("items"), root, out, required, depth + 1);
    }
  }

  private JsonNode wrongValue(JsonNode schema, JsonNode current) {
    return switch (schema.path("type").asText()) {
      case "string" -> f.numberNode(42);
      case "integer", "number" -> f.textNode(current == null ? "12" : current.asText());
      case "boolean" -> f.textNode("yes");
      case "array" -> f.textNode(current == null ? "" : current.toString());
      case "object" -> f.textNode("see above");
      default -> f.booleanNode(true);
    };
  }
}
