package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates values against JSON Schema draft 2020-12 with networknt json-schema-validator (2.x, the line built on
 * Jackson 2). Compiled schemas are cached per instance, a few dozen at most.
 */
final class SchemaValidator {
  private static final String META_2020_12 = "https://json-schema.org/draft/2020-12/schema";
  private static final int CACHE_SIZE = 32;

  private final SchemaRegistry registry;
  private final Map<JsonNode, Schema> compiled = new LinkedHashMap<>(16, 0.75f, true) {
    @Override protected boolean removeEldestEntry(Map.Entry<JsonNode, Schema> eldest) {
      return size() > CACHE_SIZE;
    }
  };

  SchemaValidator() {
    SchemaRegistryConfig config = SchemaRegistryConfig.builder().pathType(PathType.JSON_POINTER).build();
    registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemaRegistryConfig(config));
  }

  /**
   * {@return every violation of {@code schema} by {@code value}, empty when it conforms}
   *
   * @throws IllegalArgumentException when the schema itself cannot be used (an unresolvable {@code $ref})
   */
  List<Violation> validate(JsonNode schema, JsonNode value) {
    Schema s = compile(schema);
    try {
      return violations(s.validate(value));
    } catch (SchemaException e) {
      throw new IllegalArgumentException("the schema cannot be used: " + e.getMessage(), e);
    }
  }

  /** {@return what makes {@code schema} an invalid draft 2020-12 schema, checked against the bundled meta-schema} */
  List<Violation> metaViolations(JsonNode schema) {
    Schema meta;
    synchronized (this) {
      meta = registry.getSchema(SchemaLocation.of(META_2020_12));
    }
    return violations(meta.validate(schema));
  }

  private Schema compile(JsonNode schema) {
    synchronized (this) {
      Schema s = compiled.get(schema);
      if (s != null) return s;
      try {
        s = registry.getSchema(schema);
        s.initializeValidators();
      } catch (SchemaException e) {
        throw new IllegalArgumentException("the schema cannot be used: " + e.getMessage(), e);
      }
      compiled.put(schema.deepCopy(), s);
      return s;
    }
  }

  private static List<Violation> violations(List<Error> errors) {
    List<Violation> out = new ArrayList<>(errors.size());
    for (Error e : errors) {
      String pointer = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
      String message = e.getMessage();
      if (message.startsWith(pointer + ": ")) message = message.substring(pointer.length() + 2);
      out.add(new Violation(pointer, message));
    }
    return out;
  }
}
