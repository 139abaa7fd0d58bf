package dev.spectra.orchestrator.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Valid JSON text with its strings and brackets located, so syntactic corruptions touch only structure (never
 * a brace or quote inside a string value). Each method returns the corrupted text, or null when the text has
 * nothing the corruption could apply to.
 */
final class JsonLiterals {
  private record Str(int open, int close, boolean key) {}

  private final String t;
  private final List<Str> strings = new ArrayList<>();
  private final List<Integer> closers = new ArrayList<>();
  private final List<Integer> openers = new ArrayList<>();
  /** Positions of {@code true}, {@code false} and {@code null} outside strings. */
  private final List<Integer> literals = new ArrayList<>();

  JsonLiterals(String text) {
    this.t = text;
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '"') {
        int j = i + 1;
        while (j < t.length() && t.charAt(j) != '"') j += t.charAt(j) == '\\' ? 2 : 1;
        int k = j + 1;
        while (k < t.length() && Character.isWhitespace(t.charAt(k))) k++;
        strings.add(new Str(i, Math.min(j, t.length() - 1), k < t.length() && t.charAt(k) == ':'));
        i = j + 1;
        continue;
      }
      if (c == '}' || c == ']') closers.add(i);
      if (c == '{' || c == '[') openers.add(i);
      if (t.startsWith("true", i) || t.startsWith("false", i) || t.startsWith("null", i)) literals.add(i);
      i++;
    }
  }

  String trailingComma(SplittableRandom rng) {
    List<Integer> usable = new ArrayList<>();
    for (int pos : closers) {
      int prev = prevNonSpace(pos);
      if (prev >= 0 && t.charAt(prev) != '{' && t.charAt(prev) != '[') usable.add(prev);
    }
    if (usable.isEmpty()) return null;
    int at = usable.get(rng.nextInt(usable.size())) + 1;
    return t.substring(0, at) + "," + t.substring(at);
  }

  String singleQuotes() {
    if (strings.isEmpty()) return null;
    StringBuilder sb = new StringBuilder(t);
    for (Str s : strings) {
      sb.setCharAt(s.open, '\'');
      sb.setCharAt(s.close, '\'');
    }
    return sb.toString();
  }

  String unquotedKeys() {
    StringBuilder sb = new StringBuilder(t);
    boolean any = false;
    // Right to left, so earlier offsets stay valid while deleting.
    for (int i = strings.size() - 1; i >= 0; i--) {
      Str s = strings.get(i);
      String name = t.substring(s.open + 1, s.close);
      if (s.key && name.matches("[A-Za-z_$][A-Za-z0-9_$]*")) {
        sb.deleteCharAt(s.close);
        sb.deleteCharAt(s.open);
        any = true;
      }
    }
    return any ? sb.toString() : null;
  }

  String pythonLiterals() {
    if (literals.isEmpty()) return null;
    StringBuilder sb = new StringBuilder(t);
    for (int i = literals.size() - 1; i >= 0; i--) {
      int at = literals.get(i);
      String word = t.startsWith("true", at) ? "true" : t.startsWith("false", at) ? "false" : "null";
      String py = switch (word) {
        case "true" -> "True";
        case "false" -> "False";
        default -> "None";
      };
      sb.replace(at, at + word.length(), py);
    }
    return sb.toString();
  }

  String comment(SplittableRandom rng) {
    if (openers.isEmpty()) return null;
    int at = openers.get(rng.nextInt(openers.size())) + 1;
    // A line comment only where a line break follows, so it never swallows the rest of the value.
    boolean lineEnds = at < t.length() && t.charAt(at) == '\n';
    String c = lineEnds && rng.nextBoolean() ? " // values filled in from the request" : " /* generated */ ";
    return t.substring(0, at) + c + t.substring(at);
  }

  String unescapedQuote(SplittableRandom rng) {
    List<Str> values = strings.stream().filter(s -> !s.key).toList();
    if (values.isEmpty()) return null;
    Str s = values.get(rng.nextInt(values.size()));
    return t.substring(0, s.close) + " (the \"quoted\" part)" + t.substring(s.close);
  }

  private int prevNonSpace(int pos) {
    int i = pos - 1;
    while (i >= 0 && Character.isWhitespace(t.charAt(i))) i--;
    return i;
  }
}
