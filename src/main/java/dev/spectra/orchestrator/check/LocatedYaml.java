package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML document as a JSON tree plus the line each node starts on (by JSON pointer), so that a problem in a
 * scenario file can name its line.
 */
record LocatedYaml(JsonNode root, Map<String, Integer> lines) {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer l = lines.get(p);
      if (l != null) return l;
      if (p.isEmpty()) return 0;
      p = p.substring(0, p.lastIndexOf('/'));
    }
  }

  /** @throws JsonProcessingException with a location when the text is not YAML */
  static LocatedYaml parse(String text) throws IOException {
    Map<String, Integer> lines = new HashMap<>();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) return new LocatedYaml(F.nullNode(), lines);
      JsonNode root = read(p, "", lines);
      return new LocatedYaml(root, lines);
    }
  }

  private static JsonNode read(JsonParser p, String pointer, Map<String, Integer> lines) throws IOException {
    lines.put(pointer, p.currentTokenLocation().getLineNr());
    JsonToken t = p.currentToken();
    switch (t) {
      case START_OBJECT -> {
        ObjectNode o = F.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          int keyLine = p.currentTokenLocation().getLineNr();
          p.nextToken();
          String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
          o.set(name, read(p, child, lines));
          lines.put(child, keyLine);
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = F.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) a.add(read(p, pointer + "/" + i++, lines));
        return a;
      }
      case VALUE_STRING -> { return F.textNode(p.getText()); }
      case VALUE_NUMBER_INT -> {
        var big = p.getBigIntegerValue();
        return big.bitLength() < 63 ? F.numberNode(big.longValue()) : F.numberNode(big);
      }
      case VALUE_NUMBER_FLOAT -> { return F.numberNode(p.getDecimalValue()); }
      case VALUE_TRUE -> { return F.booleanNode(true); }
      case VALUE_FALSE -> { return F.booleanNode(false); }
      case VALUE_NULL -> { return F.nullNode(); }
      default -> { return F.textNode(p.getText()); }
    }
  }
}
