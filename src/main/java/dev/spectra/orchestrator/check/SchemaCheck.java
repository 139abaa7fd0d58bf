package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates values against the inlined JSON Schemas of a contract (networknt json-schema-validator 2.x, draft
 * 2020-12, formats asserted: a contract that says {@code format: uuid} means it). Compiled schemas are cached by
 * identity: the contract's schema nodes live as long as the check.
 */
final class SchemaCheck {
  private final SchemaRegistry registry;
  private final Map<JsonNode, Schema> compiled = new IdentityHashMap<>();
  private final java.util.Set<String> unusable = new java.util.LinkedHashSet<>();

  SchemaCheck() {
    SchemaRegistryConfig config = SchemaRegistryConfig.builder()
        .pathType(PathType.JSON_POINTER)
        .formatAssertionsEnabled(true)
        .build();
    registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        builder -> builder.schemaRegistryConfig(config));
  }

  /** {@return each violation as "pointer: message", empty when {@code value} conforms} */
  synchronized List<String> violations(JsonNode schema, JsonNode value) {
    if (schema == null) return List.of();
    Schema s = compiled.get(schema);
    try {
      if (s == null) {
        s = registry.getSchema(schema);
        s.initializeValidators();
        compiled.put(schema, s);
      }
      List<String> out = new ArrayList<>();
      for (Error e : s.validate(value)) {
        String pointer = e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString();
        String message = e.getMessage();
        if (message.startsWith(pointer + ": ")) message = message.substring(pointer.length() + 2);
        out.add((pointer.isEmpty() ? "/" : pointer) + ": " + message);
      }
      return out;
    } catch (SchemaException e) {
      // A schema the validator cannot compile says nothing about the service: the value passes, and the report
      // says which schema could not be used.
      unusable.add(e.getMessage());
      return List.of();
    }
  }

  /** {@return why schemas could not be compiled (values checked against them were let through)} */
  synchronized List<String> unusable() {
    return List.copyOf(unusable);
  }

  boolean valid(JsonNode schema, JsonNode value) {
    return violations(schema, value).isEmpty();
  }
}
