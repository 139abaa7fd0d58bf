package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * Builds valid requests for an operation from its schemas, drawing identifiers from {@link Pools} so that item
 * operations meet items that exist. Every generated value is validated before it is called valid.
 */
final class RequestFactory {
  private final SchemaCheck schemas;
  private final Pools pools;

  RequestFactory(SchemaCheck schemas, Pools pools) {
    this.schemas = schemas;
    this.pools = pools;
  }

  ValueGenerator generator(Random random) {
    return new ValueGenerator(random, (name, schema) -> {
      JsonNode k = pools.pick(name, random);
      return k != null && schemas.valid(schema, k) ? k : null;
    });
  }

  /** {@return a request the contract allows, or empty when the schemas are beyond the generator} */
  Optional<RequestParts> valid(Operation op, Random random) {
    ValueGenerator gen = generator(random);
    for (int attempt = 0; attempt < 4; attempt++) {
      Optional<RequestParts> parts = attempt(op, gen, random);
      if (parts.isPresent() && conforms(op, parts.get())) return parts;
    }
    return Optional.empty();
  }

  private Optional<RequestParts> attempt(Operation op, ValueGenerator gen, Random random) {
    Map<String, JsonNode> path = new LinkedHashMap<>();
    Map<String, JsonNode> query = new LinkedHashMap<>();
    Map<String, JsonNode> headers = new LinkedHashMap<>();
    for (Operation.Param p : op.params()) {
      boolean send = p.required() || random.nextInt(10) < (p.in().equals("header") ? 3 : 5);
      if (!send) continue;
      Optional<JsonNode> v = gen.generate(p.name(), p.schema());
      if (v.isEmpty()) return Optional.empty();
      if (v.get().isNull() || v.get().isObject()) {
        if (p.required()) return Optional.empty();
        continue;
      }
      switch (p.in()) {
        case "path" -> path.put(p.name(), v.get());
        case "query" -> query.put(p.name(), v.get());
        default -> headers.put(p.name(), v.get());
      }
    }
    JsonNode body = null;
    if (op.body().isPresent() && (op.body().get().required() || random.nextInt(10) < 8)) {
      Optional<JsonNode> b = gen.generate(op.body().get().schema());
      if (b.isEmpty()) return Optional.empty();
      body = b.get();
    }
    return Optional.of(new RequestParts(path, query, headers, body));
  }

  /** {@return whether every part of the request conforms to the operation's schemas} */
  boolean conforms(Operation op, RequestParts parts) {
    for (Operation.Param p : op.params()) {
      JsonNode v = switch (p.in()) {
        case "path" -> parts.path().get(p.name());
        case "query" -> parts.query().get(p.name());
        default -> parts.headers().get(p.name());
      };
      if (v == null) {
        if (p.required()) return false;
        continue;
      }
      if (!schemas.valid(p.schema(), v)) return false;
    }
    if (op.body().isPresent()) {
      if (parts.body() == null) return !op.body().get().required();
      return schemas.valid(op.body().get().schema(), parts.body());
    }
    return true;
  }
}
