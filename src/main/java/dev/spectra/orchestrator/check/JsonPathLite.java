package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSONPath subset scenarios use: {@code $}, {@code .name}, {@code ['name']}, {@code [3]}, {@code [-1]} (from
 * the end) and {@code [*]} / {@code .*} (every element, the result is an array).
 */
final class JsonPathLite {
  private sealed interface Step permits Name, Index, Wildcard {}

  private record Name(String name) implements Step {}

  private record Index(int index) implements Step {}

  private record Wildcard() implements Step {}

  private final String text;
  private final List<Step> steps;
  private final boolean wildcard;

  private JsonPathLite(String text, List<Step> steps) {
    this.text = text;
    this.steps = steps;
    this.wildcard = steps.stream().anyMatch(s -> s instanceof Wildcard);
  }

  /** @throws IllegalArgumentException saying what is wrong with the expression */
  static JsonPathLite parse(String text) {
    String t = text.strip();
    if (!t.startsWith("$")) throw new IllegalArgumentException("a path starts with '$', e.g. $.items[0].id");
    List<Step> steps = new ArrayList<>();
    int i = 1;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '.') {
        int j = i + 1;
        if (j < t.length() && t.charAt(j) == '*') {
          steps.add(new Wildcard());
          i = j + 1;
          continue;
        }
        while (j < t.length() && t.charAt(j) != '.' && t.charAt(j) != '[') j++;
        if (j == i + 1) throw new IllegalArgumentException("empty name after '.' at position " + i);
        steps.add(new Name(t.substring(i + 1, j)));
        i = j;
      } else if (c == '[') {
        int close = t.indexOf(']', i);
        if (close < 0) throw new IllegalArgumentException("'[' without ']' at position " + i);
        String inner = t.substring(i + 1, close).strip();
        if (inner.equals("*")) {
          steps.add(new Wildcard());
        } else if (inner.startsWith("'") && inner.endsWith("'") || inner.startsWith("\"") && inner.endsWith("\"")) {
          steps.add(new Name(inner.substring(1, inner.length() - 1)));
        } else {
          try {
            steps.add(new Index(Integer.parseInt(inner)));
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'[" + inner + "]' is not an index, '*' or a quoted name");
          }
        }
        i = close + 1;
      } else {
        throw new IllegalArgumentException("unexpected '" + c + "' at position " + i + "; use .name or [index]");
      }
    }
    return new JsonPathLite(t, List.copyOf(steps));
  }

  /** {@return the value at this path, a MissingNode when absent; with a wildcard, an array of the matches} */
  JsonNode read(JsonNode root) {
    List<JsonNode> current = new ArrayList<>();
    if (root != null) current.add(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode n : current) {
        switch (step) {
          case Name name -> {
            if (n.isObject() && n.has(name.name())) next.add(n.get(name.name()));
          }
          case Index idx -> {
            if (n.isArray()) {
              int k = idx.index() < 0 ? n.size() + idx.index() : idx.index();
              if (k >= 0 && k < n.size()) next.add(n.get(k));
            }
          }
          case Wildcard w -> n.elements().forEachRemaining(next::add);
        }
      }
      current = next;
    }
    if (wildcard) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      current.forEach(a::add);
      return a;
    }
    return current.isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : current.get(0);
  }

  @Override public String toString() {
    return text;
  }
}
