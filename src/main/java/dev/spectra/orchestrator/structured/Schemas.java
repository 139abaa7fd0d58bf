package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * JSON Schemas (draft 2020-12): load from a file, derive from a record class, validate values.
 */
public final class Schemas {
  private Schemas() {}

  /**
   * Loads a schema from a {@code .json}, {@code .yaml} or {@code .yml} file and checks it: it must parse, be
   * a valid draft 2020-12 schema (checked against the meta-schema bundled with the validator), use only local
   * {@code $ref}s that resolve, and have patterns that compile.
   *
   * @throws InvalidSchemaException naming the file and each problem (with a pointer or line and column)
   */
  public static JsonNode load(Path file) throws InvalidSchemaException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new InvalidSchemaException(file, List.of("no such file"), true);
    } catch (IOException e) {
      throw new InvalidSchemaException(file, List.of("cannot read it: " + e.getMessage()), true);
    }
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean yaml = name.endsWith(".yaml") || name.endsWith(".yml");
    JsonNode schema;
    try {
      ObjectMapper reader = yaml ? new ObjectMapper(new YAMLFactory()) : new StrictJson().mapper();
      schema = reader.readTree(bytes);
    } catch (JsonProcessingException e) {
      var at = e.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
      String what = e.getOriginalMessage() == null ? "invalid" : e.getOriginalMessage().lines().findFirst().orElse("");
      throw new InvalidSchemaException(file, List.of("not valid " + (yaml ? "YAML" : "JSON") + ": " + where + what),
          false);
    } catch (IOException e) {
      throw new InvalidSchemaException(file, List.of("cannot read it: " + e.getMessage()), true);
    }
    List<String> problems = problems(schema);
    if (!problems.isEmpty()) throw new InvalidSchemaException(file, problems, false);
    return schema;
  }

  /**
   * {@return what makes {@code schema} unusable, empty when it is fine} Checks the same things as
   * {@link #load(Path)} for a schema built in code.
   */
  public static List<String> problems(JsonNode schema) {
    List<String> problems = new ArrayList<>();
    if (schema == null || schema.isMissingNode() || schema.isNull()) return List.of("the file is empty");
    if (!schema.isObject() && !schema.isBoolean()) {
      return List.of("a schema must be a JSON object (or true/false), found " + schema.getNodeType()
          .name().toLowerCase(Locale.ROOT));
    }
    SchemaValidator validator = new SchemaValidator();
    for (Violation v : validator.metaViolations(schema)) problems.add(v.toString());
    checkRefsAndPatterns(schema, schema, "", problems);
    if (problems.isEmpty()) {
      try {
        validator.validate(schema, com.fasterxml.jackson.databind.node.NullNode.getInstance());
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  /** Walks the schema without recursion on the value side: schemas are small, written by people. */
  private static void checkRefsAndPatterns(JsonNode root, JsonNode node, String pointer, List<String> problems) {
    if (pointer.length() > 10_000) return;
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual()) {
        String r = ref.textValue();
        if (!r.startsWith("#")) {
          problems.add(pointer + "/$ref: only local references (#/...) are supported, found '" + r + "'");
        } else if (!r.equals("#") && root.at(r.substring(1).replace("%25", "%")).isMissingNode()) {
          problems.add(pointer + "/$ref: '" + r + "' does not resolve to anything in this schema");
        }
      }
      JsonNode pattern = node.get("pattern");
      if (pattern != null && pattern.isTextual()) compiles(pattern.textValue(), pointer + "/pattern", problems);
      JsonNode patternProperties = node.get("patternProperties");
      if (patternProperties != null && patternProperties.isObject()) {
        for (Iterator<String> it = patternProperties.fieldNames(); it.hasNext(); ) {
          String p = it.next();
          compiles(p, pointer + "/patternProperties", problems);
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getKey().equals("enum") || e.getKey().equals("const") || e.getKey().equals("examples")
            || e.getKey().equals("default")) {
          continue;
        }
        checkRefsAndPatterns(root, e.getValue(), pointer + "/" + escape(e.getKey()), problems);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) checkRefsAndPatterns(root, node.get(i), pointer + "/" + i, problems);
    }
  }

  private static void compiles(String regex, String pointer, List<String> problems) {
    try {
      java.util.regex.Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      problems.add(pointer + ": invalid regular expression '" + regex + "': " + e.getDescription());
    }
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /**
   * Derives a schema from a record class: each component is a required property (an {@code Optional} one, or one
   * annotated with an annotation named {@code Nullable}, is optional and may be null), {@code additionalProperties}
   * is false. Supported component types: records (nested, recursive through {@code $defs}), {@code List}/{@code Set}/
   * {@code Collection} and arrays, {@code Map<String, X>}, enums, {@code Optional}, primitives and their boxes,
   * {@code String}, {@code char}, {@code BigDecimal}, {@code BigInteger}.
   *
   * @throws IllegalArgumentException naming the component whose type has no JSON Schema equivalent
   */
  public static JsonNode of(Class<?> recordType) {
    return new RecordSchemas().of(recordType);
  }

  /** {@return every violation of {@code schema} by {@code value}; empty when it conforms} */
  public static List<Violation> validate(JsonNode schema, JsonNode value) {
    return new SchemaValidator().validate(schema, value);
  }
}
