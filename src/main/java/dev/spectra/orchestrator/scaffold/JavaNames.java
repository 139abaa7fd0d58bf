package dev.spectra.orchestrator.scaffold;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Turns names from a contract (operation ids, schema names, path segments) into Java identifiers that compile, and
 * hands out each name once. Uniqueness is case-insensitive because generated class names become file names and some
 * file systems ignore case. Public for {@link #literal}, which the model-driven build's generated tests use as well.
 */
public final class JavaNames {
  private static final Set<String> RESERVED = Set.of(
      "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue",
      "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if",
      "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
      "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this",
      "throw", "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var", "yield",
      "record", "sealed", "permits", "non-sealed", "when", "module", "open", "exports", "requires", "_");

  private final Set<String> taken = new HashSet<>();

  /** Reserves names already used by fixed generated files, so contract names never collide with them. */
  JavaNames(Set<String> alreadyTaken) {
    alreadyTaken.forEach(n -> taken.add(n.toLowerCase(Locale.ROOT)));
  }

  /** {@return a new unique name: {@code base}, else {@code base2}, {@code base3}, ...} */
  String unique(String base) {
    String candidate = base;
    for (int i = 2; !taken.add(candidate.toLowerCase(Locale.ROOT)); i++) candidate = base + i;
    return candidate;
  }

  /** {@code "list-todos by_id"} to {@code "ListTodosById"}; never empty, never starting with a digit. */
  static String upperCamel(String raw) {
    StringBuilder sb = new StringBuilder();
    boolean upperNext = true;
    for (int i = 0; i < raw.length(); ) {
      int cp = raw.codePointAt(i);
      i += Character.charCount(cp);
      if (cp < 128 && Character.isLetterOrDigit(cp)) {
        sb.appendCodePoint(upperNext ? Character.toUpperCase(cp) : cp);
        upperNext = Character.isDigit(cp);
      } else {
        upperNext = true;
      }
    }
    if (sb.isEmpty()) sb.append("Unnamed");
    if (Character.isDigit(sb.charAt(0))) sb.insert(0, 'N');
    return sb.toString();
  }

  /** {@code "Order-Items"} to {@code "orderItems"}; a Java keyword gets a trailing underscore. */
  static String lowerCamel(String raw) {
    String upper = upperCamel(raw);
    String lower = Character.toLowerCase(upper.charAt(0)) + upper.substring(1);
    return RESERVED.contains(lower) ? lower + "_" : lower;
  }

  static boolean isReserved(String name) {
    return RESERVED.contains(name);
  }

  /** {@return {@code s} as a Java string literal, quotes included} */
  public static String literal(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c > 0x7e) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }

  /** {@return {@code s} safe inside a one-line comment: no line breaks, no unicode escapes javac would decode} */
  static String comment(String s) {
    return s.replaceAll("[\\r\\n]+", " ").replace("\\u", "\\ u").replace("*/", "* /");
  }
}
