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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks an OpenAPI 3.0/3.1 document the way people write them. Our own pass on the raw text first,
 * because it can name exact lines: OpenAPI 2, duplicate keys, missing or remote {@code $ref}s and schema types that
 * do not exist are refused; harmless slips whose meaning is clear (a {@code default} beside a parameter's schema, a
 * capitalised type name) are tolerated and reported as warnings. Then swagger-parser reads the whole document; its
 * complaints are warnings, unless the document cannot be read at all. With {@code strict}, every warning is a
 * refusal.
 */
final class ContractReader {
  private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "object", "array", "null");
  /** swagger-parser's locations: {@code attribute paths.'/todos'(get).responses.200.content}. */
  private static final Pattern ATTRIBUTE = Pattern.compile("^attribute (\\S+)");

  private final ObjectMapper yaml = new YAMLMapper();

  Contract read(Path file) throws InvalidContractException {
    return read(file, false);
  }

  Contract read(Path file, boolean strict) throws InvalidContractException {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw problem(name, 0, "", "file not found; pass the path of an OpenAPI 3 document (YAML or JSON)");
    } catch (IOException e) {
      throw problem(name, 0, "", "cannot read: " + e.getMessage());
    }
    JsonNode root;
    try {
      root = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      int line = loc == null ? 0 : loc.getLineNr();
      String where = loc == null ? "" : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw problem(name, line, where, "not valid YAML or JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw problem(name, 1, "", "not an OpenAPI document: the top level must be a mapping with an 'openapi' field");
    }
    LineMap lines = LineMap.of(text);
    if (root.has("swagger")) {
      throw problem(name, lines.line("/swagger"), "/swagger", "OpenAPI 2 (swagger: " + root.get("swagger").asText()
          + ") is not supported; convert it to OpenAPI 3 first (for example with swagger2openapi or the converter"
          + " at converter.swagger.io)");
    }
    JsonNode version = root.get("openapi");
    if (version == null || !version.isTextual()) {
      throw problem(name, lines.line("/openapi"), "/openapi",
          "missing 'openapi: 3.0.x' or 'openapi: 3.1.x' at the top level");
    }
    String v = version.asText();
    if (!v.startsWith("3.0") && !v.startsWith("3.1")) {
      throw problem(name, lines.line("/openapi"), "/openapi", "OpenAPI " + v + " is not supported; use 3.0.x or 3.1.x");
    }

    List<ContractProblem> problems = new ArrayList<>();
    List<ContractProblem> warnings = new ArrayList<>();
    for (LineMap.Duplicate d : lines.duplicates()) {
      problems.add(new ContractProblem(name, d.line(), d.pointer(), "duplicate key '" + lastSegment(d.pointer())
          + "' (first at line " + d.firstLine() + "): YAML keeps only one of them silently; remove or rename one"));
    }
    boolean[] external = {false};
    Walk walk = new Walk(name, root, lines, problems, warnings, external);
    walk.node(root, "");
    if (!problems.isEmpty()) throw new InvalidContractException(problems);

    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    options.setValidateInternalRefs(true);
    SwaggerParseResult result;
    try {
      // Remote references were refused above (builds run offline); local files are resolved relative to the
      // contract.
      result = new OpenAPIV3Parser().readLocation(file.toAbsolutePath().toString(), null, options);
    } catch (RuntimeException e) {
      throw problem(name, 1, "", "swagger-parser cannot read the document: " + e.getMessage());
    }
    if (result.getMessages() != null) {
      for (String m : result.getMessages()) {
        String pointer = pointerOf(m);
        warnings.add(new ContractProblem(name, lines.line(pointer == null ? "" : pointer),
            pointer == null ? "" : pointer, "swagger-parser: " + m));
      }
    }
    if (result.getOpenAPI() == null) {
      problems.add(new ContractProblem(name, 1, "", "swagger-parser could not read the document"));
      problems.addAll(warnings);
      throw new InvalidContractException(problems);
    }
    if (strict && !warnings.isEmpty()) {
      throw new InvalidContractException(warnings.stream().map(w -> new ContractProblem(w.file(), w.line(),
          w.location(), w.message() + " (refused because of --strict)")).toList());
    }

    JsonNode tree = root;
    if (external[0]) {
      // External references were pulled into components by the parser: work on (and ship) the bundled document.
      ObjectMapper mapper = v.startsWith("3.1") ? Json31.mapper() : Json.mapper();
      tree = mapper.valueToTree(result.getOpenAPI());
    }
    boolean repaired = walk.repaired;
    return new Contract(name, (ObjectNode) tree, text, external[0] || repaired, v, List.copyOf(warnings));
  }

  /** Our pass over the raw tree: references, schema types, and slips tolerated with a warning. */
  private static final class Walk {
    private final String file;
    private final JsonNode root;
    private final LineMap lines;
    private final List<ContractProblem> problems;
    private final List<ContractProblem> warnings;
    private final boolean[] external;
    boolean repaired;

    Walk(String file, JsonNode root, LineMap lines, List<ContractProblem> problems, List<ContractProblem> warnings,
        boolean[] external) {
      this.file = file;
      this.root = root;
      this.lines = lines;
      this.problems = problems;
      this.warnings = warnings;
      this.external = external;
    }

    void node(JsonNode node, String pointer) {
      if (node.isObject()) {
        object((ObjectNode) node, pointer);
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) node(node.get(i), pointer + "/" + i);
      }
    }

    private void object(ObjectNode node, String pointer) {
      JsonNode ref = node.get("$ref");
      if (ref != null && ref.isTextual()) {
        String r = ref.asText();
        if (r.startsWith("#")) {
          if (root.at(r.substring(1)).isMissingNode()) {
            refuse(pointer + "/$ref", "missing $ref '" + r + "': nothing at that location in the document");
          }
        } else if (r.startsWith("http://") || r.startsWith("https://")) {
          refuse(pointer + "/$ref", "remote $ref '" + r
              + "' is not supported: builds run offline; download it and refer to the local file");
        } else {
          external[0] = true;
        }
      }
      if (inSchema(pointer) && node.has("type") && !pointer.endsWith("/properties")) type(node, pointer);
      if (isParameter(pointer) && node.has("default") && node.path("schema").isObject()) {
        ObjectNode schema = (ObjectNode) node.get("schema");
        if (!schema.has("default") && !schema.has("$ref")) schema.set("default", node.get("default"));
        node.remove("default");
        repaired = true;
        tolerate(pointer + "/default", "'default' belongs inside the parameter's 'schema'; used as the schema's"
            + " default");
      }
      for (Map.Entry<String, JsonNode> e : new ArrayList<>(node.properties())) {
        node(e.getValue(), pointer + "/" + LineMap.escape(e.getKey()));
      }
    }

    private void type(ObjectNode schema, String pointer) {
      JsonNode t = schema.get("type");
      if (t.isArray()) {
        for (JsonNode e : t) {
          if (!e.isTextual() || !TYPES.contains(e.asText())) {
            refuse(pointer + "/type", "unknown type " + e + "; use one of " + String.join(", ", TYPES.stream()
                .sorted().toList()));
          }
        }
        return;
      }
      if (!t.isTextual()) {
        refuse(pointer + "/type", "'type' must be a string (or, in OpenAPI 3.1, a list of strings), got " + t);
        return;
      }
      String s = t.asText();
      if (TYPES.contains(s)) return;
      if (s.contains("|") || s.contains(",")) {
        List<String> parts = List.of(s.split("[|,]")).stream().map(String::strip).toList();
        refuse(pointer + "/type", "'type: " + s + "' is not a type; write 'type: [" + String.join(", ", parts)
            + "]' (OpenAPI 3.1) or 'type: " + parts.getFirst() + "' with 'nullable: true' (OpenAPI 3.0)");
        return;
      }
      String lower = s.toLowerCase(Locale.ROOT);
      if (TYPES.contains(lower)) {
        schema.put("type", lower);
        repaired = true;
        tolerate(pointer + "/type", "type '" + s + "' read as '" + lower + "' (type names are lower case)");
        return;
      }
      refuse(pointer + "/type", "unknown type '" + s + "'; use one of " + String.join(", ", TYPES.stream().sorted()
          .toList()));
    }

    private void refuse(String pointer, String message) {
      problems.add(new ContractProblem(file, lines.line(pointer), pointer, message));
    }

    private void tolerate(String pointer, String message) {
      warnings.add(new ContractProblem(file, lines.line(pointer), pointer, message));
    }
  }

  private static boolean inSchema(String pointer) {
    return pointer.startsWith("/components/schemas/") || pointer.contains("/schema");
  }

  private static boolean isParameter(String pointer) {
    return pointer.matches(".*/parameters/[^/]+") && !pointer.contains("/schema");
  }

  private static String lastSegment(String pointer) {
    return pointer.substring(pointer.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
  }

  /**
   * Turns swagger-parser's location ({@code paths.'/todos'(get).parameters}) into a JSON pointer, as far as it can
   * be followed; null when the message names none.
   */
  static String pointerOf(String message) {
    Matcher m = ATTRIBUTE.matcher(message);
    if (!m.find()) return null;
    String attr = m.group(1);
    StringBuilder pointer = new StringBuilder();
    int i = 0;
    while (i < attr.length()) {
      char c = attr.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '\'') {
        int end = attr.indexOf('\'', i + 1);
        if (end < 0) break;
        pointer.append('/').append(LineMap.escape(attr.substring(i + 1, end)));
        i = end + 1;
      } else if (c == '(') {
        int end = attr.indexOf(')', i);
        if (end < 0) break;
        pointer.append('/').append(attr, i + 1, end);
        i = end + 1;
      } else {
        int end = i;
        while (end < attr.length() && attr.charAt(end) != '.' && attr.charAt(end) != '(' && attr.charAt(end) != '\'') {
          end++;
        }
        pointer.append('/').append(LineMap.escape(attr.substring(i, end)));
        i = end;
      }
    }
    return pointer.toString();
  }

  private static InvalidContractException problem(String file, int line, String location, String message) {
    return new InvalidContractException(List.of(new ContractProblem(file, line, location, message)));
  }
}
