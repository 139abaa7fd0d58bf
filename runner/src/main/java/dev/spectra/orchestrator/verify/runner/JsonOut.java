package dev.spectra.orchestrator.verify.runner;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes the runner's result as JSON with the JDK alone. The runner shares its class path with the generated
 * project, so it must not bring a JSON library whose version could clash with the project's own.
 */
final class JsonOut {
  private JsonOut() {}

  /** Serializes maps, lists, strings, numbers, booleans and null. */
  static String write(Object value) {
    StringBuilder sb = new StringBuilder();
    append(sb, value);
    return sb.toString();
  }

  private static void append(StringBuilder sb, Object value) {
    switch (value) {
      case null -> sb.append("null");
      case String s -> string(sb, s);
      case Boolean b -> sb.append(b);
      case Number n -> sb.append(n);
      case Map<?, ?> m -> {
        sb.append('{');
        Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
        while (it.hasNext()) {
          Map.Entry<?, ?> e = it.next();
          string(sb, String.valueOf(e.getKey()));
          sb.append(':');
          append(sb, e.getValue());
          if (it.hasNext()) sb.append(',');
        }
        sb.append('}');
      }
      case List<?> l -> {
        sb.append('[');
        for (int i = 0; i < l.size(); i++) {
          if (i > 0) sb.append(',');
          append(sb, l.get(i));
        }
        sb.append(']');
      }
      default -> string(sb, value.toString());
    }
  }

  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }
}
