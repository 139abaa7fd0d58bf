package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The line of every member of a YAML or JSON document, by JSON pointer, and the keys that occur twice in one
 * mapping. Built from the token stream, because a parsed tree has forgotten both.
 */
final class LineMap {
  /** A key repeated in one mapping: YAML parsers keep the last value silently. */
  record Duplicate(String pointer, int line, int firstLine) {}

  private final Map<String, Integer> lines = new HashMap<>();
  private final List<Duplicate> duplicates = new ArrayList<>();

  private LineMap() {}

  /** Reads {@code text}; a syntax error is left to the tree parser, which reports it with its location. */
  static LineMap of(String text) {
    LineMap map = new LineMap();
    try (JsonParser p = new YAMLFactory().createParser(text)) {
      map.walk(p);
    } catch (IOException | RuntimeException e) {
      // Partial map: locations found so far still help.
    }
    return map;
  }

  private record Frame(String pointer, boolean array, Map<String, Integer> keys, int[] index) {}

  private void walk(JsonParser p) throws IOException {
    Deque<Frame> stack = new ArrayDeque<>();
    String pendingPointer = "";
    JsonToken t;
    while ((t = p.nextToken()) != null) {
      Frame top = stack.peek();
      if (t == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        String pointer = top.pointer() + "/" + escape(name);
        int line = line(p.currentTokenLocation());
        Integer first = top.keys().putIfAbsent(name, line);
        if (first != null) duplicates.add(new Duplicate(pointer, line, first));
        lines.putIfAbsent(pointer, line);
        pendingPointer = pointer;
        continue;
      }
      if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
        stack.pop();
        continue;
      }
      String pointer;
      if (top == null) {
        pointer = "";
      } else if (top.array()) {
        pointer = top.pointer() + "/" + top.index()[0]++;
        lines.putIfAbsent(pointer, line(p.currentTokenLocation()));
      } else {
        pointer = pendingPointer;
      }
      if (t == JsonToken.START_OBJECT) stack.push(new Frame(pointer, false, new HashMap<>(), new int[1]));
      else if (t == JsonToken.START_ARRAY) stack.push(new Frame(pointer, true, Map.of(), new int[1]));
    }
  }

  /**
   * {@return the line of the member at {@code pointer}, else of its nearest ancestor that has one, else 1}: a
   * missing top-level member ({@code paths}) is a problem of the whole document, which starts at line 1.
   */
  int line(String pointer) {
    String p = pointer;
    while (true) {
      Integer l = lines.get(p);
      if (l != null) return l;
      int slash = p.lastIndexOf('/');
      if (slash < 0) return 1;
      p = p.substring(0, slash);
    }
  }

  List<Duplicate> duplicates() {
    return duplicates;
  }

  private static int line(JsonLocation loc) {
    return loc == null ? 0 : Math.max(0, loc.getLineNr());
  }

  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  /** Keys ever seen; exposed for tests of the walker. */
  Set<String> pointers() {
    return new HashSet<>(lines.keySet());
  }
}
