package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ResponseFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adapts a caller's schema to what a backend's constrained decoder accepts, or decides to leave decoding
 * unconstrained (JSON mode or prompt only). The caller's original schema is always what the answer is validated
 * against, and what the prompt states.
 */
final class SchemaAdapter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** OpenAI strict mode rejects these; they change what is valid, so they cannot simply be dropped. */
  private static final Set<String> OPENAI_STRUCTURAL = Set.of("allOf", "oneOf", "not", "if", "then", "else",
      "dependentSchemas", "dependentRequired", "patternProperties", "unevaluatedProperties", "unevaluatedItems",
      "prefixItems", "contains", "propertyNames", "minProperties", "maxProperties");
  /** Validation-only keywords OpenAI strict mode rejects: dropped on the wire, still checked on the answer. */
  private static final Set<String> OPENAI_DROPPED = Set.of("minLength", "maxLength", "uniqueItems", "minContains",
      "maxContains", "default", "examples", "$schema", "$id", "$comment", "contentEncoding", "contentMediaType",
      "readOnly", "writeOnly", "deprecated", "$anchor", "$dynamicAnchor");
  private static final int OPENAI_MAX_NESTING = 5;
  private static final Set<String> NOT_SUBSCHEMAS = Set.of("enum", "const", "default", "examples", "required");

  /**
   * What goes on the wire.
   *
   * @param wire the format handed to the provider
   * @param constrained whether the backend enforces a schema while decoding
   * @param note why the schema was changed or not enforced; empty when sent as given
   * @param optionalAsNull OpenAI strict made optional properties required-but-nullable: drop those nulls before
   *     validating against the caller's schema
   */
  record Plan(ResponseFormat wire, boolean constrained, String note, boolean optionalAsNull) {}

  Plan adapt(ModelSpec spec, ResponseFormat format) {
    if (!(format instanceof ResponseFormat.JsonSchema js)) return new Plan(ResponseFormat.JSON, false, "", false);
    if (!js.constrained()) return unconstrained(js, "the caller asked for unconstrained decoding");
    if (!spec.has(Capability.JSON_SCHEMA)) {
      return unconstrained(js, spec.name() + " has no constrained decoding (capability json-schema)");
    }
    try {
      return switch (spec.kind()) {
        case OPENAI -> {
          boolean[] nulls = {false};
          JsonNode strict = openAiStrict(js.schema(), nulls);
          yield new Plan(new ResponseFormat.JsonSchema(js.name(), strict, true), true,
              strict.equals(js.schema()) ? "" : "adapted to OpenAI strict mode", nulls[0]);
        }
        case LLAMA_CPP, OLLAMA -> {
          List<String> dropped = new ArrayList<>();
          JsonNode subset = grammarSubset(js.schema(), dropped);
          yield new Plan(new ResponseFormat.JsonSchema(js.name(), subset, true), true,
              dropped.isEmpty() ? "" : "dropped for the grammar converter: " + String.join(", ", dropped), false);
        }
        case ANTHROPIC -> {
          if (!"object".equals(js.schema().path("type").asText())) {
            throw new Unsupported("a tool input schema must be an object");
          }
          yield new Plan(js, true, "", false);
        }
        case OPENAI_COMPATIBLE, VLLM -> new Plan(js, true, "", false);
      };
    } catch (Unsupported e) {
      return unconstrained(js, spec.kind().configName() + " cannot enforce this schema: " + e.getMessage());
    }
  }

  private static Plan unconstrained(ResponseFormat.JsonSchema js, String why) {
    return new Plan(new ResponseFormat.JsonSchema(js.name(), js.schema(), false), false, why, false);
  }

  /** A schema feature a backend cannot enforce. */
  static final class Unsupported extends Exception {
    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  // ---- OpenAI strict ---------------------------------------------------------------------------------------

  static JsonNode openAiStrict(JsonNode schema, boolean[] madeNullable) throws Unsupported {
    if (!schema.isObject() || !"object".equals(schema.path("type").asText())) {
      throw new Unsupported("the root must be an object schema");
    }
    return strictify(schema, 0, madeNullable);
  }

  private static JsonNode strictify(JsonNode node, int nesting, boolean[] madeNullable) throws Unsupported {
    if (!node.isObject()) throw new Unsupported("boolean schemas are not supported");
    ObjectNode s = ((ObjectNode) node).deepCopy();
    for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (OPENAI_STRUCTURAL.contains(k)) throw new Unsupported("keyword '" + k + "'");
      if (OPENAI_DROPPED.contains(k)) it.remove();
    }
    boolean isObject = s.has("properties") || typeIs(s, "object");
    if (isObject) {
      if (nesting >= OPENAI_MAX_NESTING) throw new Unsupported("nesting deeper than " + OPENAI_MAX_NESTING + " levels");
      JsonNode additional = s.get("additionalProperties");
      if (additional != null && !(additional.isBoolean() && !additional.booleanValue())) {
        throw new Unsupported("additionalProperties other than false (a map)");
      }
      s.put("additionalProperties", false);
      Set<String> required = new LinkedHashSet<>();
      s.path("required").forEach(r -> required.add(r.asText()));
      ObjectNode props = s.has("properties") ? (ObjectNode) s.get("properties") : s.putObject("properties");
      ArrayNode all = F.arrayNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode child = strictify(e.getValue(), nesting + 1, madeNullable);
        if (!required.contains(e.getKey())) {
          child = nullable(child);
          madeNullable[0] = true;
        }
        e.setValue(child);
        all.add(e.getKey());
      }
      s.set("required", all);
    }
    if (s.get("items") instanceof ObjectNode items) s.set("items", strictify(items, nesting, madeNullable));
    if (s.get("anyOf") instanceof ArrayNode any) {
      ArrayNode out = F.arrayNode();
      for (JsonNode branch : any) out.add(strictify(branch, nesting, madeNullable));
      s.set("anyOf", out);
    }
    for (String defs : new String[] {"$defs", "definitions"}) {
      if (s.get(defs) instanceof ObjectNode d) {
        for (Iterator<Map.Entry<String, JsonNode>> it = d.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          e.setValue(strictify(e.getValue(), 0, madeNullable));
        }
      }
    }
    return s;
  }

  static JsonNode nullable(JsonNode schema) {
    if (!(schema instanceof ObjectNode o) || allowsNull(o)) return schema;
    ObjectNode copy = o.deepCopy();
    JsonNode type = copy.get("type");
    // Primitives take a type union; objects and arrays an anyOf branch (what OpenAI documents for optionals).
    boolean container = type != null && type.isTextual()
        && (type.textValue().equals("object") || type.textValue().equals("array"));
    if (type != null && type.isTextual() && !container && !copy.has("enum") && !copy.has("const")) {
      copy.set("type", F.arrayNode().add(type.textValue()).add("null"));
      return copy;
    }
    if (type != null && type.isArray() && !copy.has("enum") && !copy.has("const")) {
      ((ArrayNode) type).add("null");
      return copy;
    }
    ObjectNode any = F.objectNode();
    any.putArray("anyOf").add(copy).add(F.objectNode().put("type", "null"));
    return any;
  }

  private static boolean allowsNull(JsonNode s) {
    JsonNode type = s.get("type");
    if (type != null && type.isTextual() && type.textValue().equals("null")) return true;
    if (type != null && type.isArray()) for (JsonNode t : type) if (t.asText().equals("null")) return true;
    if (s.has("const") && s.get("const").isNull()) return true;
    if (s.get("enum") instanceof ArrayNode e) for (JsonNode v : e) if (v.isNull()) return true;
    if (s.get("anyOf") instanceof ArrayNode any) for (JsonNode b : any) if (allowsNull(b)) return true;
    return false;
  }

  private static boolean typeIs(JsonNode s, String t) {
    JsonNode type = s.get("type");
    if (type == null) return false;
    if (type.isTextual()) return type.textValue().equals(t);
    for (JsonNode x : type) if (x.asText().equals(t)) return true;
    return false;
  }

  /**
   * Undoes the OpenAI strict rewrite on an answer: a null for a property that was optional (and not nullable) in
   * the caller's schema means "absent".
   */
  static JsonNode dropNullOptionals(JsonNode value, JsonNode schema, JsonNode root, int depth) {
    if (depth > StrictJson.MAX_DEPTH || schema == null) return value;
    JsonNode s = schema;
    for (int hops = 0; s.has("$ref") && hops < 16; hops++) {
      String ref = s.get("$ref").asText();
      if (!ref.startsWith("#")) return value;
      s = root.at(ref.substring(1));
      if (s.isMissingNode()) return value;
    }
    if (value instanceof ObjectNode obj && s.get("properties") instanceof ObjectNode props) {
      Set<String> required = new LinkedHashSet<>();
      s.path("required").forEach(r -> required.add(r.asText()));
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = obj.get(e.getKey());
        if (v == null) continue;
        if (v.isNull() && !required.contains(e.getKey()) && !allowsNull(e.getValue())) obj.remove(e.getKey());
        else dropNullOptionals(v, e.getValue(), root, depth + 1);
      }
    } else if (value instanceof ArrayNode arr && s.get("items") instanceof ObjectNode items) {
      for (JsonNode v : arr) dropNullOptionals(v, items, root, depth + 1);
    }
    return value;
  }

  // ---- llama.cpp / Ollama grammar conversion ---------------------------------------------------------------

  /**
   * llama.cpp's converter (also behind Ollama's {@code format}) does not support {@code oneOf}, {@code not},
   * {@code patternProperties}, {@code uniqueItems}, {@code if/then/else}. Each is dropped or loosened
   * ({@code oneOf} becomes {@code anyOf}): the backend then constrains a little less, and validation still checks
   * the full schema. {@code patternProperties} next to {@code additionalProperties: false} cannot be loosened
   * that way (dropping it would forbid those properties), so such a schema is not enforced at all.
   */
  static JsonNode grammarSubset(JsonNode schema, List<String> dropped) throws Unsupported {
    JsonNode copy = schema.deepCopy();
    List<JsonNode> work = new ArrayList<>();
    work.add(copy);
    while (!work.isEmpty()) {
      JsonNode n = work.remove(work.size() - 1);
      if (n instanceof ObjectNode o) {
        if (o.has("patternProperties")) {
          JsonNode additional = o.get("additionalProperties");
          if (additional != null && additional.isBoolean() && !additional.booleanValue()) {
            throw new Unsupported("patternProperties with additionalProperties false");
          }
          o.remove("patternProperties");
          dropped.add("patternProperties");
        }
        for (String k : new String[] {"uniqueItems", "not", "if", "then", "else"}) {
          if (o.remove(k) != null) dropped.add(k);
        }
        if (o.has("oneOf")) {
          JsonNode one = o.remove("oneOf");
          if (o.has("anyOf")) throw new Unsupported("oneOf next to anyOf");
          o.set("anyOf", one);
          dropped.add("oneOf (as anyOf)");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!NOT_SUBSCHEMAS.contains(e.getKey()) && e.getValue().isContainerNode()) work.add(e.getValue());
        }
      } else if (n instanceof ArrayNode a) {
        for (JsonNode x : a) if (x.isContainerNode()) work.add(x);
      }
    }
    return copy;
  }
}
