package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.core.util.Json31;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates an OpenAPI 3.0/3.1 document. Two passes: our own checks on the raw tree first, because they
 * can name exact locations (a missing {@code $ref}, OpenAPI 2, unsupported schema keywords), then swagger-parser's
 * validation of the whole document, which resolves external references.
 */
final class ContractReader {
  /** JSON Schema keywords the generated validator does not implement; a contract using them is refused. */
  private static final Set<String> UNSUPPORTED_SCHEMA_KEYWORDS = Set.of(
      "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "if", "then", "else", "dependentSchemas",
      "dependentRequired", "unevaluatedProperties", "unevaluatedItems", "patternProperties", "propertyNames",
      "contains", "prefixItems");

  private final ObjectMapper yaml = new YAMLMapper();

  Contract read(Path file) throws InvalidContractException {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw problem(name, "", "file not found; pass the path of an OpenAPI 3 document (YAML or JSON)");
    } catch (IOException e) {
      throw problem(name, "", "cannot read: " + e.getMessage());
    }
    JsonNode root;
    try {
      root = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw problem(name, where, "not valid YAML or JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw problem(name, "", "not an OpenAPI document: the top level must be a mapping with an 'openapi' field");
    }
    if (root.has("swagger")) {
      throw problem(name, "/swagger", "OpenAPI 2 (swagger: " + root.get("swagger").asText()
          + ") is not supported; convert it to OpenAPI 3 first (for example with swagger2openapi or the converter"
          + " at converter.swagger.io)");
    }
    JsonNode version = root.get("openapi");
    if (version == null || !version.isTextual()) {
      throw problem(name, "/openapi", "missing 'openapi: 3.0.x' or 'openapi: 3.1.x' at the top level");
    }
    String v = version.asText();
    if (!v.startsWith("3.0") && !v.startsWith("3.1")) {
      throw problem(name, "/openapi", "OpenAPI " + v + " is not supported; use 3.0.x or 3.1.x");
    }

    List<ContractProblem> problems = new ArrayList<>();
    boolean[] external = {false};
    checkTree(name, root, root, "", problems, external);
    if (!problems.isEmpty()) throw new InvalidContractException(problems);

    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    // Remote references were refused above (builds run offline); local files are resolved relative to the contract.
    SwaggerParseResult result = new OpenAPIV3Parser().readLocation(file.toAbsolutePath().toString(), null, options);
    if (result.getMessages() != null) {
      for (String m : result.getMessages()) problems.add(new ContractProblem(name, locationOf(m), m));
    }
    if (result.getOpenAPI() == null && problems.isEmpty()) {
      problems.add(new ContractProblem(name, "", "swagger-parser could not read the document"));
    }
    if (!problems.isEmpty()) throw new InvalidContractException(problems);

    JsonNode tree = root;
    if (external[0]) {
      // External references were pulled into components by the parser: work on (and ship) the bundled document.
      ObjectMapper mapper = v.startsWith("3.1") ? Json31.mapper() : Json.mapper();
      tree = mapper.valueToTree(result.getOpenAPI());
      List<ContractProblem> again = new ArrayList<>();
      checkTree(name, tree, tree, "", again, new boolean[1]);
      if (!again.isEmpty()) throw new InvalidContractException(again);
    }
    return new Contract(name, (ObjectNode) tree, text, external[0], v);
  }

  /** Walks the tree: local $refs must resolve, remote ones are refused, schema keywords must be supported. */
  private void checkTree(String file, JsonNode root, JsonNode node, String pointer, List<ContractProblem> problems,
      boolean[] external) {
    if (node.isObject()) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual()) {
        String r = ref.asText();
        if (r.startsWith("#")) {
          if (root.at(r.substring(1)).isMissingNode()) {
            problems.add(new ContractProblem(file, pointer + "/$ref", "missing $ref '" + r
                + "': nothing at that location in the document"));
          }
        } else if (r.startsWith("http://") || r.startsWith("https://")) {
          problems.add(new ContractProblem(file, pointer + "/$ref", "remote $ref '" + r
              + "' is not supported: builds run offline; download it and refer to the local file"));
        } else {
          external[0] = true;
        }
      }
      if (inSchema(pointer)) {
        for (String k : UNSUPPORTED_SCHEMA_KEYWORDS) {
          if (node.has(k) && !pointer.endsWith("/properties")) {
            problems.add(new ContractProblem(file, pointer + "/" + k, "unsupported schema keyword '" + k
                + "': the generated input validation cannot enforce it; express the rule with properties, required,"
                + " enum, allOf/anyOf/oneOf or remove it"));
          }
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        var e = it.next();
        checkTree(file, root, e.getValue(), pointer + "/" + escape(e.getKey()), problems, external);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) checkTree(file, root, node.get(i), pointer + "/" + i, problems, external);
    }
  }

  private static boolean inSchema(String pointer) {
    return pointer.startsWith("/components/schemas/") || pointer.contains("/schema");
  }

  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** swagger-parser messages start with "attribute paths.'/x'(get)..." : keep that part as the location. */
  private static String locationOf(String message) {
    if (message.startsWith("attribute ")) {
      String rest = message.substring("attribute ".length());
      int space = rest.indexOf(' ');
      return space > 0 ? rest.substring(0, space) : rest;
    }
    return "";
  }

  private static InvalidContractException problem(String file, String location, String message) {
    return new InvalidContractException(List.of(new ContractProblem(file, location, message)));
  }
}
