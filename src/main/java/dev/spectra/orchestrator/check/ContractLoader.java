package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an OpenAPI 3.0/3.1 document with swagger-parser (which validates it and resolves external references) and
 * turns each operation into an {@link Operation} with inlined request and response schemas.
 */
final class ContractLoader {
  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch",
      "trace");

  ApiContract load(Path file) throws CheckInputException {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw problem(name, 0, "file not found; pass the path of an OpenAPI 3 document (YAML or JSON)");
    } catch (IOException e) {
      throw problem(name, 0, "cannot read: " + e.getMessage());
    }
    JsonNode raw;
    try {
      raw = new YAMLMapper().readTree(text);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw problem(name, line, "not valid YAML or JSON: " + e.getOriginalMessage());
    }
    if (raw == null || !raw.isObject() || !raw.path("openapi").isTextual()) {
      throw problem(name, 0, raw != null && raw.has("swagger")
          ? "OpenAPI 2 (swagger) is not supported; convert it to OpenAPI 3 first"
          : "not an OpenAPI 3 document: the top level needs 'openapi: 3.0.x' or 'openapi: 3.1.x'");
    }
    String version = raw.get("openapi").asText();
    if (!version.startsWith("3.0") && !version.startsWith("3.1")) {
      throw problem(name, 0, "OpenAPI " + version + " is not supported; use 3.0.x or 3.1.x");
    }
    String remote = remoteRef(raw);
    if (remote != null) {
      // Resolving it would send traffic to a host other than the service under check.
      throw problem(name, 0, "remote $ref '" + remote + "' is not followed: download it and refer to the local file");
    }
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result = new OpenAPIV3Parser().readLocation(file.toAbsolutePath().toString(), null, options);
    List<InputProblem> problems = new ArrayList<>();
    List<String> tolerated = new ArrayList<>();
    if (result.getMessages() != null) {
      for (String m : result.getMessages()) {
        if (result.getOpenAPI() != null && tolerable(m)) tolerated.add(m);
        else problems.add(new InputProblem(name, 0, "", m));
      }
    }
    if (result.getOpenAPI() == null && problems.isEmpty()) {
      problems.add(new InputProblem(name, 0, "", "swagger-parser could not read the document"));
    }
    if (!problems.isEmpty()) throw new CheckInputException(problems);

    // With external references the parser's bundled model is the document; otherwise the original tree is exact.
    JsonNode tree = hasExternalRef(raw)
        ? (version.startsWith("3.1") ? Json31.mapper() : Json.mapper()).valueToTree(result.getOpenAPI())
        : raw;
    return build(name, tree, version.startsWith("3.0"), tolerated);
  }

  /**
   * A complaint of the parser about the letter of the specification (an operation without {@code responses}, an
   * example given as a list) leaves the meaning of the document clear: it is checked as written and the complaint
   * is reported as a note, as {@code build --openapi} tolerates it with a warning. A reference that leads nowhere
   * does not: the schemas behind it are unknown.
   */
  private static boolean tolerable(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return !m.contains("$ref") && !m.contains("resolve") && !m.contains("reference");
  }

  private ApiContract build(String name, JsonNode doc, boolean openapi30, List<String> tolerated) {
    SchemaView view = new SchemaView(doc, openapi30);
    List<Operation> ops = new ArrayList<>();
    JsonNode globalSecurity = doc.path("security");
    JsonNode schemes = doc.path("components").path("securitySchemes");
    for (var pe : iterable(doc.path("paths"))) {
      String path = pe.getKey();
      JsonNode item = view.deref(pe.getValue());
      List<JsonNode> shared = new ArrayList<>();
      item.path("parameters").forEach(p -> shared.add(view.deref(p)));
      for (String m : METHODS) {
        JsonNode op = item.get(m);
        if (op == null || !op.isObject()) continue;
        String method = m.toUpperCase(Locale.ROOT);
        String id = op.path("operationId").asText(method + " " + path);
        Map<String, Operation.Param> params = new LinkedHashMap<>();
        List<JsonNode> all = new ArrayList<>(shared);
        op.path("parameters").forEach(p -> all.add(view.deref(p)));
        for (JsonNode p : all) {
          String in = p.path("in").asText();
          if (!List.of("path", "query", "header").contains(in)) continue;   // cookies are not generated
          JsonNode schema = p.has("schema") ? view.of(p.get("schema"), SchemaView.Side.REQUEST)
              : firstMediaSchema(p.path("content"), view, SchemaView.Side.REQUEST);
          params.put(in + ":" + p.path("name").asText(), new Operation.Param(p.path("name").asText(), in,
              in.equals("path") || p.path("required").asBoolean(false), schema == null ? emptySchema() : schema));
        }
        ops.add(new Operation(method, path, id, List.copyOf(params.values()), body(op, view),
            responses(op, view), security(op.has("security") ? op.get("security") : globalSecurity, schemes)));
      }
    }
    String serverPath = "";
    JsonNode server = doc.path("servers").path(0).path("url");
    if (server.isTextual()) {
      try {
        String p = URI.create(server.asText().replace("{", "").replace("}", "")).getPath();
        serverPath = p == null || p.equals("/") ? "" : p;
      } catch (IllegalArgumentException ignored) {
        // A templated or relative server URL the JDK cannot parse: no path note.
      }
    }
    return new ApiContract(name, ops, serverPath, tolerated);
  }

  private static Optional<Operation.Body> body(JsonNode op, SchemaView view) {
    JsonNode rb = view.deref(op.get("requestBody"));
    if (rb == null || !rb.isObject() || !rb.has("content")) return Optional.empty();
    String chosen = null;
    for (var ce : iterable(rb.get("content"))) {
      String mt = ce.getKey().toLowerCase(Locale.ROOT);
      if (isJson(mt)) {
        chosen = ce.getKey();
        break;
      }
      if (chosen == null) chosen = ce.getKey();
    }
    if (chosen == null) return Optional.empty();
    JsonNode schema = view.of(rb.get("content").get(chosen).get("schema"), SchemaView.Side.REQUEST);
    return Optional.of(new Operation.Body(chosen, rb.path("required").asBoolean(false),
        schema == null ? emptySchema() : schema));
  }

  private static Map<String, Operation.Response> responses(JsonNode op, SchemaView view) {
    Map<String, Operation.Response> out = new LinkedHashMap<>();
    for (var re : iterable(op.path("responses"))) {
      JsonNode r = view.deref(re.getValue());
      JsonNode content = r.path("content");
      JsonNode schema = null;
      for (var ce : iterable(content)) {
        if (isJson(ce.getKey().toLowerCase(Locale.ROOT))) {
          schema = view.of(ce.getValue().get("schema"), SchemaView.Side.RESPONSE);
          if (schema == null) schema = emptySchema();
          break;
        }
      }
      Map<String, Operation.Link> links = new LinkedHashMap<>();
      for (var le : iterable(r.path("links"))) {
        JsonNode l = view.deref(le.getValue());
        if (!l.path("operationId").isTextual()) continue;   // operationRef links are not followed
        Map<String, String> params = new LinkedHashMap<>();
        for (var pe : iterable(l.path("parameters"))) params.put(pe.getKey(), pe.getValue().asText());
        links.put(le.getKey(), new Operation.Link(l.get("operationId").asText(), params));
      }
      out.put(re.getKey(), new Operation.Response(schema, content.isObject() && content.size() > 0, links));
    }
    return out;
  }

  private static List<Operation.Scheme> security(JsonNode requirements, JsonNode schemes) {
    if (!requirements.isArray() || requirements.isEmpty()) return List.of();
    List<Operation.Scheme> out = new ArrayList<>();
    for (JsonNode alternative : requirements) {
      // An empty alternative ({}) makes credentials optional: the operation is not protected.
      if (alternative.isObject() && alternative.isEmpty()) return List.of();
      for (var e : iterable(alternative)) {
        JsonNode s = schemes.path(e.getKey());
        out.add(new Operation.Scheme(e.getKey(), s.path("type").asText(), s.path("in").asText(),
            s.path("name").asText()));
      }
    }
    return out;
  }

  private static JsonNode firstMediaSchema(JsonNode content, SchemaView view, SchemaView.Side side) {
    for (var ce : iterable(content)) return view.of(ce.getValue().get("schema"), side);
    return null;
  }

  static boolean isJson(String mediaType) {
    String mt = mediaType.split(";")[0].strip().toLowerCase(Locale.ROOT);
    return mt.equals("application/json") || mt.endsWith("+json") || mt.equals("*/*");
  }

  private static JsonNode emptySchema() {
    return new ObjectMapper().createObjectNode();
  }

  private static boolean hasExternalRef(JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) return true;
      for (JsonNode c : node) if (hasExternalRef(c)) return true;
    } else if (node.isArray()) {
      for (JsonNode c : node) if (hasExternalRef(c)) return true;
    }
    return false;
  }

  private static String remoteRef(JsonNode node) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual() && ref.asText().matches("(?i)^[a-z][a-z0-9+.-]*://.*")) return ref.asText();
    }
    for (JsonNode c : node) {
      String r = remoteRef(c);
      if (r != null) return r;
    }
    return null;
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
    return node == null || !node.isObject() ? List.of() : node::fields;
  }

  private static CheckInputException problem(String file, int line, String message) {
    return new CheckInputException(List.of(new InputProblem(file, line, "", message)));
  }
}
