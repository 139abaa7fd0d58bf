package dev.spectra.orchestrator.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Produces a string that matches a regular expression, for the patterns contracts use: literals, escapes
 * ({@code \d \w \s}), classes with ranges, groups with alternation, and the quantifiers {@code ? * + {n} {n,m}}.
 * A pattern outside that subset (backreferences, lookaround) gives no sample, and the caller says so rather than
 * sending a value that might not match.
 */
final class RegexSampler {
  private static final String WORD = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
  private static final String DIGITS = "0123456789";
  private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz";

  private final Random random;
  private String p;
  private int i;

  RegexSampler(Random random) {
    this.random = random;
  }

  Optional<String> sample(String pattern) {
    Pattern compiled;
    try {
      compiled = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      return Optional.empty();
    }
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        p = pattern;
        i = 0;
        StringBuilder out = new StringBuilder();
        alternation(out);
        if (i != p.length()) return Optional.empty();
        String s = out.toString();
        // JSON Schema patterns are unanchored searches (ECMA-262): find, not matches.
        if (compiled.matcher(s).find()) return Optional.of(s);
      } catch (Unsupported | IndexOutOfBoundsException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static final class Unsupported extends RuntimeException {
    Unsupported() {
      super(null, null, false, false);
    }
  }

  private void alternation(StringBuilder out) {
    List<String> branches = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    sequence(cur);
    branches.add(cur.toString());
    while (i < p.length() && p.charAt(i) == '|') {
      i++;
      cur = new StringBuilder();
      sequence(cur);
      branches.add(cur.toString());
    }
    out.append(branches.get(random.nextInt(branches.size())));
  }

  private void sequence(StringBuilder out) {
    while (i < p.length() && p.charAt(i) != '|' && p.charAt(i) != ')') {
      char c = p.charAt(i);
      if (c == '^' || c == '$') {
        i++;
        continue;
      }
      int start = i;
      int before = out.length();
      atom(out);
      int[] q = quantifier();
      int after = i;
      int n = q[0] + (q[1] > q[0] ? random.nextInt(q[1] - q[0] + 1) : 0);
      if (n == 0) out.setLength(before);
      for (int k = 1; k < n; k++) {
        i = start;
        atom(out);
      }
      i = after;
    }
  }

  private int[] quantifier() {
    if (i >= p.length()) return new int[] {1, 1};
    char c = p.charAt(i);
    int[] q;
    switch (c) {
      case '?' -> { i++; q = new int[] {0, 1}; }
      case '*' -> { i++; q = new int[] {0, 3}; }
      case '+' -> { i++; q = new int[] {1, 4}; }
      case '{' -> {
        int close = p.indexOf('}', i);
        if (close < 0) throw new Unsupported();
        String[] parts = p.substring(i + 1, close).split(",", -1);
        int min = Integer.parseInt(parts[0].strip());
        int max = parts.length == 1 ? min : parts[1].isBlank() ? min + 3 : Integer.parseInt(parts[1].strip());
        i = close + 1;
        q = new int[] {min, Math.min(max, min + 8)};
      }
      default -> { return new int[] {1, 1}; }
    }
    if (i < p.length() && (p.charAt(i) == '?' || p.charAt(i) == '+')) i++;   // lazy/possessive: same strings
    return q;
  }

  private void atom(StringBuilder out) {
    char c = p.charAt(i);
    switch (c) {
      case '(' -> {
        i++;
        if (p.startsWith("?:", i)) {
          i += 2;
        } else if (p.charAt(i) == '?') {
          throw new Unsupported();   // lookaround and named groups
        }
        alternation(out);
        if (i >= p.length() || p.charAt(i) != ')') throw new Unsupported();
        i++;
      }
      case '[' -> out.append(charClass());
      case '.' -> {
        i++;
        out.append(pick(WORD));
      }
      case '\\' -> out.append(escape());
      default -> {
        i++;
        out.append(c);
      }
    }
  }

  private char escape() {
    char e = p.charAt(i + 1);
    i += 2;
    return switch (e) {
      case 'd' -> pick(DIGITS);
      case 'w' -> pick(WORD);
      case 's' -> ' ';
      case 'D', 'W' -> '-';
      case 'S' -> pick(LETTERS);
      case 'n' -> '\n';
      case 't' -> '\t';
      case 'u' -> {
        char ch = (char) Integer.parseInt(p.substring(i, i + 4), 16);
        i += 4;
        yield ch;
      }
      default -> {
        if (Character.isLetterOrDigit(e)) throw new Unsupported();   // \b, \1, \p{..}
        yield e;
      }
    };
  }

  private char charClass() {
    i++;
    boolean negated = p.charAt(i) == '^';
    if (negated) i++;
    StringBuilder members = new StringBuilder();
    boolean first = true;
    while (p.charAt(i) != ']' || first) {
      first = false;
      char c;
      if (p.charAt(i) == '\\') {
        char e = p.charAt(i + 1);
        switch (e) {
          case 'd' -> { members.append(DIGITS); i += 2; continue; }
          case 'w' -> { members.append(WORD); i += 2; continue; }
          case 's' -> { members.append(' '); i += 2; continue; }
          default -> { c = e; i += 2; }
        }
      } else {
        c = p.charAt(i++);
      }
      if (p.charAt(i) == '-' && p.charAt(i + 1) != ']') {
        char hi = p.charAt(i + 1) == '\\' ? p.charAt(i + 2) : p.charAt(i + 1);
        i += p.charAt(i + 1) == '\\' ? 3 : 2;
        for (char x = c; x <= hi && members.length() < 4096; x++) members.append(x);
      } else {
        members.append(c);
      }
    }
    i++;
    if (!negated) {
      if (members.isEmpty()) throw new Unsupported();
      return members.charAt(random.nextInt(members.length()));
    }
    String candidates = WORD + "-. ";
    List<Character> allowed = new ArrayList<>();
    for (char x : candidates.toCharArray()) if (members.indexOf(String.valueOf(x)) < 0) allowed.add(x);
    if (allowed.isEmpty()) throw new Unsupported();
    return allowed.get(random.nextInt(allowed.size()));
  }

  private char pick(String chars) {
    return chars.charAt(random.nextInt(chars.length()));
  }
}
