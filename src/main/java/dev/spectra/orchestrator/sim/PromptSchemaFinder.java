package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a JSON schema stated in the prompt, for requests that carry none in a protocol field. Looked for, in
 * order: a fenced block whose info string mentions "schema" (```json schema, ```jsonschema, ```schema); a
 * {@code <schema>...</schema>} element; then the last JSON object anywhere in the prompt that looks like a
 * schema ({@code $schema}, or {@code properties} with {@code type: object}/{@code required}, or
 * {@code type: array} with {@code items}).
 */
final class PromptSchemaFinder {
  private static final Pattern FENCE = Pattern.compile("```([^\\n`]*)\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TAG = Pattern.compile("<schema>(.*?)</schema>", Pattern.DOTALL);
  /** Bounds the scan on very long prompts: a schema is stated once, near the instructions. */
  private static final int MAX_CANDIDATES = 400;

  private PromptSchemaFinder() {}

  static JsonNode find(String prompt, ObjectMapper mapper) {
    if (prompt == null || prompt.indexOf('{') < 0) return null;
    Matcher fence = FENCE.matcher(prompt);
    while (fence.find()) {
      if (fence.group(1).toLowerCase(java.util.Locale.ROOT).contains("schema")) {
        JsonNode n = parseObject(fence.group(2), mapper);
        if (n != null) return n;
      }
    }
    Matcher tag = TAG.matcher(prompt);
    while (tag.find()) {
      JsonNode n = parseObject(tag.group(1), mapper);
      if (n != null) return n;
    }
    JsonNode last = null;
    int candidates = 0;
    int i = prompt.indexOf('{');
    while (i >= 0 && candidates++ < MAX_CANDIDATES) {
      int end = -1;
      try (JsonParser p = mapper.getFactory().createParser(prompt.substring(i))) {
        JsonNode n = mapper.readTree(p);
        end = i + (int) p.currentLocation().getCharOffset();
        if (n != null && n.isObject() && looksLikeSchema(n)) last = n;
      } catch (IOException notJsonHere) {
        // Not a JSON object at this brace; try the next one.
      }
      i = prompt.indexOf('{', end > i ? end : i + 1);
    }
    return last;
  }

  static boolean looksLikeSchema(JsonNode n) {
    if (n.has("$schema")) return true;
    String type = n.path("type").asText("");
    if (n.path("properties").isObject() && (type.equals("object") || n.has("required"))) return true;
    return type.equals("array") && n.path("items").isObject();
  }

  private static JsonNode parseObject(String text, ObjectMapper mapper) {
    try {
      JsonNode n = mapper.readTree(text.strip());
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }
}
