package dev.spectra.orchestrator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A YAML file read into a Jackson tree, remembering the line of every key and value, so an error can say
 * "orchestrator.yaml:12: models.local.price.input: expected a number". Jackson's tree model drops locations,
 * hence this small reader over the token stream.
 */
final class YamlDoc {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private final Path file;
  private final JsonNode root;
  private final Map<String, Integer> lines;

  private YamlDoc(Path file, JsonNode root, Map<String, Integer> lines) {
    this.file = file;
    this.root = root;
    this.lines = lines;
  }

  static YamlDoc read(Path file) throws ConfigException {
    Map<String, Integer> lines = new HashMap<>();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
        JsonParser p = YAML.createParser(reader)) {
      JsonToken first = p.nextToken();
      if (first == null) return new YamlDoc(file, NODES.objectNode(), lines);   // an empty file is an empty config
      JsonNode root = read(p, file, "", lines);
      if (!root.isObject()) throw ConfigException.at(file, line(p), "", "expected a mapping of keys (models:, llm:, ...)");
      return new YamlDoc(file, root, lines);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      String why = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
      throw ConfigException.at(file, line, "", "expected valid YAML: " + why);
    } catch (IOException e) {
      throw ConfigException.at(file, 0, "", "cannot read the file: " + e.getMessage());
    }
  }

  private static JsonNode read(JsonParser p, Path file, String pointer, Map<String, Integer> lines) throws IOException,
      ConfigException {
    lines.putIfAbsent(pointer, line(p));   // a key's own line, not the line its mapping starts on
    switch (p.currentToken()) {
      case START_OBJECT -> {
        ObjectNode o = NODES.objectNode();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          String child = pointer + "/" + name;
          if (o.has(name)) throw ConfigException.at(file, line(p), dotted(child), "duplicate key");
          lines.put(child, line(p));
          p.nextToken();
          o.set(name, read(p, file, child, lines));
        }
        return o;
      }
      case START_ARRAY -> {
        ArrayNode a = NODES.arrayNode();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) a.add(read(p, file, pointer + "/" + i++, lines));
        return a;
      }
      case VALUE_STRING -> { return NODES.textNode(p.getText()); }
      case VALUE_NUMBER_INT -> { return NODES.numberNode(p.getBigIntegerValue()); }
      case VALUE_NUMBER_FLOAT -> { return NODES.numberNode(p.getDecimalValue()); }
      case VALUE_TRUE -> { return NODES.booleanNode(true); }
      case VALUE_FALSE -> { return NODES.booleanNode(false); }
      case VALUE_NULL -> { return NODES.nullNode(); }
      default -> throw ConfigException.at(file, line(p), dotted(pointer), "unexpected " + p.currentToken());
    }
  }

  private static int line(JsonParser p) { return p.currentTokenLocation().getLineNr(); }

  /** {@return {@code /models/x/price} as {@code models.x.price}} */
  static String dotted(String pointer) {
    return pointer.startsWith("/") ? pointer.substring(1).replace('/', '.') : pointer.replace('/', '.');
  }

  Path file() { return file; }

  JsonNode root() { return root; }

  /** {@return the line of the key or value at {@code pointer}, or of its nearest located parent} */
  int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer l = lines.get(p);
      if (l != null) return l;
      int cut = p.lastIndexOf('/');
      if (cut < 0) return 0;
      p = p.substring(0, cut);
    }
  }

  ConfigException error(String pointer, String expected) {
    return ConfigException.at(file, line(pointer), dotted(pointer), expected);
  }
}
