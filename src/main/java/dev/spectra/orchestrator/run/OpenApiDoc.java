package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An OpenAPI document as a JSON tree, for what the prompts need: the operations, and for one operation the
 * slice of the document it touches (its path item entry and the component schemas it references), so a prompt
 * carries that slice and not the whole contract.
 */
final class OpenApiDoc {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

  private final JsonNode root;

  OpenApiDoc(JsonNode root) {
    this.root = root;
  }

  static OpenApiDoc read(Path file) throws IOException {
    String text = Files.readString(file);
    String trimmed = text.stripLeading();
    ObjectMapper mapper = trimmed.startsWith("{") ? JSON : YAML;
    return new OpenApiDoc(mapper.readTree(text));
  }

  JsonNode tree() {
    return root;
  }

  /** One operation: where it lives and what it is called. */
  record Operation(String operationId, String method, String path, JsonNode node) {
    String label() {
      return method.toUpperCase(Locale.ROOT) + " " + path + " (" + operationId + ")";
    }
  }

  List<Operation> operations() {
    List<Operation> out = new ArrayList<>();
    JsonNode paths = root.path("paths");
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      var path = it.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        var op = ops.next();
        if (!METHODS.contains(op.getKey())) continue;
        out.add(new Operation(op.getValue().path("operationId").asText(""), op.getKey(), path.getKey(),
            op.getValue()));
      }
    }
    return out;
  }

  /** {@return problems the pipeline itself depends on: every operation needs an operationId} */
  List<String> pipelineProblems() {
    List<String> problems = new ArrayList<>();
    if (!root.path("openapi").asText("").startsWith("3.")) {
      problems.add("openapi: must be an OpenAPI 3 document (\"openapi\": \"3.0.3\")");
    }
    if (operations().isEmpty()) problems.add("paths: the document has no operations");
    for (Operation op : operations()) {
      if (op.operationId().isBlank()) {
        problems.add("paths." + op.path() + "." + op.method() + ": operationId is missing");
      }
    }
    return problems;
  }

  /** {@return the operation and every component schema it references, transitively, as compact JSON} */
  String slice(String operationId) {
    Operation op = operations().stream().filter(o -> o.operationId().equals(operationId)).findFirst().orElse(null);
    if (op == null) return "{}";
    ObjectNode out = JSON.createObjectNode();
    out.put("operation", op.method().toUpperCase(Locale.ROOT) + " " + op.path());
    out.set("spec", op.node());
    Map<String, JsonNode> schemas = new LinkedHashMap<>();
    collectRefs(op.node(), schemas);
    if (!schemas.isEmpty()) {
      ObjectNode s = out.putObject("schemas");
      schemas.forEach(s::set);
    }
    return out.toString();
  }

  private void collectRefs(JsonNode node, Map<String, JsonNode> into) {
    if (node == null) return;
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().startsWith("#/components/schemas/")) {
        String name = ref.asText().substring("#/components/schemas/".length());
        if (!into.containsKey(name)) {
          JsonNode schema = root.path("components").path("schemas").path(name);
          into.put(name, schema);
          collectRefs(schema, into);
        }
      }
      node.fields().forEachRemaining(e -> collectRefs(e.getValue(), into));
    } else if (node.isArray()) {
      node.forEach(n -> collectRefs(n, into));
    }
  }

  /** {@return whether a scenario's concrete path (ids, {@code {{N.field}}} placeholders) fits a path template} */
  boolean matches(String method, String concretePath) {
    return match(method, concretePath).isPresent();
  }

  /** {@return the operation a scenario step's method and concrete path address, if any} */
  java.util.Optional<Operation> match(String method, String concretePath) {
    String path = concretePath.replaceAll("\\{\\{[^}]*}}", "x");
    int q = path.indexOf('?');
    if (q >= 0) path = path.substring(0, q);
    for (Operation op : operations()) {
      if (!op.method().equalsIgnoreCase(method)) continue;
      String regex = "^" + Pattern.quote(op.path()).replaceAll("\\{[^}/]+}", "\\\\E[^/]+\\\\Q") + "/?$";
      if (Pattern.compile(regex).matcher(path).matches()) return java.util.Optional.of(op);
    }
    return java.util.Optional.empty();
  }

  void write(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }
}
