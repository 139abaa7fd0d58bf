package dev.spectra.orchestrator.structured;

/**
 * The few string searches the engine needs, on any {@link CharSequence}: a large input is read into a char array
 * and repaired in place, since copying it into a {@code String} would double its memory.
 */
final class Chars {
  private Chars() {}

  static int indexOf(CharSequence s, char c, int from) {
    if (s instanceof String str) return str.indexOf(c, from);
    for (int i = Math.max(0, from), n = s.length(); i < n; i++) if (s.charAt(i) == c) return i;
    return -1;
  }

  static int indexOf(CharSequence s, String needle, int from) {
    if (s instanceof String str) return str.indexOf(needle, from);
    char first = needle.charAt(0);
    for (int i = indexOf(s, first, from); i >= 0; i = indexOf(s, first, i + 1)) {
      if (startsWith(s, needle, i)) return i;
    }
    return -1;
  }

  static boolean startsWith(CharSequence s, String prefix, int at) {
    if (s instanceof String str) return str.startsWith(prefix, at);
    if (at < 0 || at + prefix.length() > s.length()) return false;
    for (int i = 0; i < prefix.length(); i++) if (s.charAt(at + i) != prefix.charAt(i)) return false;
    return true;
  }

  static boolean regionMatchesIgnoreCase(CharSequence s, int at, String other) {
    if (s instanceof String str) return str.regionMatches(true, at, other, 0, other.length());
    if (at < 0 || at + other.length() > s.length()) return false;
    return s.subSequence(at, at + other.length()).toString().equalsIgnoreCase(other);
  }

  static boolean isBlank(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) if (!Character.isWhitespace(s.charAt(i))) return false;
    return true;
  }

  static String substring(CharSequence s, int from, int to) {
    return s.subSequence(from, to).toString();
  }

  /** Copies {@code s[from, from + n)} into {@code buf} at {@code off}. */
  static void getChars(CharSequence s, int from, int n, char[] buf, int off) {
    if (s instanceof String str) {
      str.getChars(from, from + n, buf, off);
    } else {
      for (int i = 0; i < n; i++) buf[off + i] = s.charAt(from + i);
    }
  }
}
