package dev.spectra.orchestrator.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Generates strings matching simple regular expressions: literals, {@code .}, classes ({@code [a-z0-9_]},
 * negated), {@code \d \w \s} and their negations, groups with alternation, and the quantifiers
 * {@code ? * + {n} {n,} {n,m}}. Lookarounds and backreferences are not supported: such patterns yield null.
 * Every candidate is checked with {@link Pattern} before it is returned.
 */
final class PatternSampler {
  private static final String PRINTABLE;

  static {
    StringBuilder sb = new StringBuilder();
    for (char c = 32; c < 127; c++) sb.append(c);
    PRINTABLE = sb.toString();
  }

  private final String p;
  private final SplittableRandom rng;
  private int pos;

  private PatternSampler(String pattern, SplittableRandom rng) {
    this.p = pattern;
    this.rng = rng;
  }

  /** {@return a string matching {@code pattern} (found, as JSON Schema patterns are unanchored) with a length in range, or null} */
  static String sample(String pattern, int minLength, int maxLength, SplittableRandom rng) {
    Pattern compiled;
    try {
      compiled = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      return null;
    }
    for (int attempt = 0; attempt < 20; attempt++) {
      String s;
      try {
        PatternSampler g = new PatternSampler(pattern, rng);
        s = g.alternation();
        if (g.pos != pattern.length()) continue;
      } catch (IllegalArgumentException | IndexOutOfBoundsException unsupported) {
        return null;
      }
      if (s.length() >= minLength && s.length() <= maxLength && compiled.matcher(s).find()) return s;
    }
    return null;
  }

  private String alternation() {
    List<String> options = new ArrayList<>();
    options.add(sequence());
    while (pos < p.length() && p.charAt(pos) == '|') {
      pos++;
      options.add(sequence());
    }
    return options.get(rng.nextInt(options.size()));
  }

  private String sequence() {
    StringBuilder sb = new StringBuilder();
    while (pos < p.length() && p.charAt(pos) != '|' && p.charAt(pos) != ')') {
      int atomStart = pos;
      String atom = atom();
      int[] range = quantifier();
      int n = range[0] + (range[1] > range[0] ? rng.nextInt(range[1] - range[0] + 1) : 0);
      for (int i = 0; i < n; i++) {
        if (i == 0) {
          sb.append(atom);
        } else {
          // Re-run the atom so repeated classes vary ("[a-z]{3}" -> "qfa", not "qqq").
          int save = pos;
          pos = atomStart;
          sb.append(atom());
          pos = save;
        }
      }
    }
    return sb.toString();
  }

  private String atom() {
    char c = p.charAt(pos++);
    return switch (c) {
      case '^', '$' -> "";
      case '.' -> String.valueOf(pick("abcdefghijklmnopqrstuvwxyz0123456789"));
      case '(' -> {
        if (p.startsWith("?:", pos)) pos += 2;
        else if (pos < p.length() && p.charAt(pos) == '?') throw new IllegalArgumentException("lookaround");
        String inner = alternation();
        if (pos >= p.length() || p.charAt(pos) != ')') throw new IllegalArgumentException("unclosed group");
        pos++;
        yield inner;
      }
      case '[' -> String.valueOf(charClass());
      case '\\' -> String.valueOf(escape(p.charAt(pos++)));
      default -> String.valueOf(c);
    };
  }

  private char escape(char e) {
    return switch (e) {
      case 'd' -> pick("0123456789");
      case 'w' -> pick("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
      case 's' -> ' ';
      case 'D' -> pick("abcdefghij");
      case 'W' -> pick("-.:/ ");
      case 'S' -> pick("abcdefghij0123456789");
      case 'n' -> '\n';
      case 't' -> '\t';
      default -> {
        if (Character.isDigit(e)) throw new IllegalArgumentException("backreference");
        yield e;
      }
    };
  }

  private char charClass() {
    boolean negated = pos < p.length() && p.charAt(pos) == '^';
    if (negated) pos++;
    StringBuilder set = new StringBuilder();
    boolean first = true;
    while (pos < p.length() && (p.charAt(pos) != ']' || first)) {
      first = false;
      char c = p.charAt(pos++);
      if (c == '\\') {
        char e = p.charAt(pos++);
        switch (e) {
          case 'd' -> set.append("0123456789");
          case 'w' -> set.append("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
          case 's' -> set.append(' ');
          case 'n' -> set.append('\n');
          case 't' -> set.append('\t');
          default -> set.append(e);
        }
        continue;
      }
      if (pos + 1 < p.length() && p.charAt(pos) == '-' && p.charAt(pos + 1) != ']') {
        char end = p.charAt(pos + 1);
        pos += 2;
        for (char x = c; x <= end; x++) set.append(x);
        continue;
      }
      set.append(c);
    }
    if (pos >= p.length()) throw new IllegalArgumentException("unclosed class");
    pos++;
    if (!negated) return pick(set.toString());
    StringBuilder allowed = new StringBuilder();
    for (char x : PRINTABLE.toCharArray()) if (set.indexOf(String.valueOf(x)) < 0) allowed.append(x);
    return pick(allowed.toString());
  }

  /** {@return [min, max] repetitions of the preceding atom; open ranges get a few extra at most} */
  private int[] quantifier() {
    if (pos >= p.length()) return new int[] {1, 1};
    char c = p.charAt(pos);
    int[] r;
    switch (c) {
      case '?' -> { pos++; r = new int[] {0, 1}; }
      case '*' -> { pos++; r = new int[] {0, 3}; }
      case '+' -> { pos++; r = new int[] {1, 3}; }
      case '{' -> {
        int close = p.indexOf('}', pos);
        if (close < 0) return new int[] {1, 1};
        String body = p.substring(pos + 1, close);
        if (!body.matches("\\d+(,\\d*)?")) return new int[] {1, 1};
        pos = close + 1;
        String[] parts = body.split(",", -1);
        int lo = Integer.parseInt(parts[0]);
        int hi = parts.length == 1 ? lo : parts[1].isEmpty() ? lo + 3 : Integer.parseInt(parts[1]);
        r = new int[] {lo, Math.min(hi, lo + 8)};
      }
      default -> { return new int[] {1, 1}; }
    }
    if (pos < p.length() && (p.charAt(pos) == '?' || p.charAt(pos) == '+')) pos++;
    return r;
  }

  private char pick(String chars) {
    if (chars.isEmpty()) throw new IllegalArgumentException("empty class");
    return chars.charAt(rng.nextInt(chars.length()));
  }
}
