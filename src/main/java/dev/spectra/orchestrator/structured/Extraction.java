package dev.spectra.orchestrator.structured;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Finds where JSON may be in a model's text: after reasoning blocks, inside markdown fences, or between prose.
 * Every scan here is a single linear pass.
 */
final class Extraction {
  private Extraction() {}

  /** A stretch of the text that may hold one JSON value. */
  record Candidate(int start, int end, Repair source) {
    int length() {
      return end - start;
    }
  }

  private static final String[][] REASONING_TAGS = {
      {"<think>", "</think>"}, {"<thinking>", "</thinking>"}, {"<reasoning>", "</reasoning>"},
      {"<reflection>", "</reflection>"}};

  /**
   * {@return where the answer starts after leading reasoning blocks, or -1 when the reply is only reasoning (an
   * unclosed leading block)} Only leading blocks are stripped: a JSON string may legitimately contain the text
   * {@code <think>}. A lone closing tag (templates that put {@code <think>} in the prompt) ends the reasoning too.
   */
  static int skipReasoning(CharSequence s) {
    int p = skipWhitespace(s, 0);
    boolean stripped = false;
    outer:
    while (p < s.length() && s.charAt(p) == '<') {
      for (String[] tag : REASONING_TAGS) {
        if (Chars.regionMatchesIgnoreCase(s, p, tag[0])) {
          int close = indexOfIgnoreCase(s, tag[1], p + tag[0].length());
          if (close < 0) return -1;
          p = skipWhitespace(s, close + tag[1].length());
          stripped = true;
          continue outer;
        }
      }
      break;
    }
    if (!stripped && p < s.length() && s.charAt(p) != '{' && s.charAt(p) != '[') {
      int close = Chars.indexOf(s, "</think>", 0);
      if (close >= 0) return skipWhitespace(s, close + "</think>".length());
    }
    return p;
  }

  /**
   * Markdown fenced blocks (a line starting with three or more backticks or tildes, closed by a line of at least
   * as many). Only fences at the start of a line count, so backticks inside a JSON string are content. An
   * unclosed fence runs to the end of the text.
   */
  static List<Candidate> fences(CharSequence s, int from, int to) {
    // Most replies have no fence: one search for a run of three (vectorized on a String) instead of a line scan.
    int ticks3 = Chars.indexOf(s, "```", from);
    int tildes3 = Chars.indexOf(s, "~~~", from);
    if ((ticks3 < 0 || ticks3 >= to) && (tildes3 < 0 || tildes3 >= to)) return List.of();
    List<Candidate> found = new ArrayList<>(2);
    int line = from;
    while (line < to) {
      int nl = Chars.indexOf(s, '\n', line);
      int lineEnd = nl < 0 || nl > to ? to : nl;
      int p = line;
      while (p < lineEnd && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
      int ticks = fenceRun(s, p, lineEnd);
      if (ticks >= 3) {
        char fc = s.charAt(p);
        int contentStart = lineEnd + 1;
        // A one-line fence ```json {"a":1}``` is rare; the prose scan finds its value anyway.
        int close = -1;
        int closeEnd = to;
        int q = contentStart;
        while (q < to) {
          int nl2 = Chars.indexOf(s, '\n', q);
          int qEnd = nl2 < 0 || nl2 > to ? to : nl2;
          int r = q;
          while (r < qEnd && (s.charAt(r) == ' ' || s.charAt(r) == '\t')) r++;
          int run = r < qEnd && s.charAt(r) == fc ? fenceRun(s, r, qEnd) : 0;
          if (run >= ticks && Chars.isBlank(s, r + run, qEnd)) {
            close = q;
            closeEnd = qEnd;
            break;
          }
          q = qEnd + 1;
        }
        int contentEnd = close < 0 ? to : Math.max(contentStart, close - 1);
        if (contentStart < contentEnd) found.add(new Candidate(contentStart, contentEnd, Repair.FENCE));
        line = close < 0 ? to : closeEnd + 1;
      } else {
        line = lineEnd + 1;
      }
    }
    return found;
  }

  private static int fenceRun(CharSequence s, int p, int lineEnd) {
    if (p >= lineEnd) return 0;
    char c = s.charAt(p);
    if (c != '`' && c != '~') return 0;
    int n = 0;
    while (p + n < lineEnd && s.charAt(p + n) == c) n++;
    return n;
  }

  /**
   * Top-level bracketed stretches: each '{' or '[' outside any other starts one, which ends where its brackets
   * balance (double-quoted strings are skipped, so brackets inside them do not count) or at the end of the text
   * when they never do. Prose such as {@code See [docs]} yields candidates too; the caller keeps only those that
   * parse.
   */
  static List<Candidate> spans(CharSequence s, int from, int to, int cap) {
    // Prose can hold millions of "[x]": keep the largest stretches only, so memory and work stay bounded.
    PriorityQueue<Candidate> found = new PriorityQueue<>(Comparator.comparingInt(Candidate::length));
    int depth = 0;
    int start = -1;
    boolean inString = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (depth == 0) {
        if (c == '{' || c == '[') {
          start = i;
          depth = 1;
        }
        continue;
      }
      if (inString) {
        if (c == '\\') i++;
        else if (c == '"') inString = false;
        continue;
      }
      switch (c) {
        case '"' -> inString = true;
        case '{', '[' -> depth++;
        case '}', ']' -> {
          if (--depth == 0) {
            found.add(new Candidate(start, i + 1, Repair.PROSE));
            if (found.size() > cap) found.poll();
          }
        }
        default -> { }
      }
    }
    if (depth > 0) {
      found.add(new Candidate(start, to, Repair.PROSE));
      if (found.size() > cap) found.poll();
    }
    List<Candidate> inOrder = new ArrayList<>(found);
    inOrder.sort(Comparator.comparingInt(Candidate::start));
    return inOrder;
  }

  /** {@return whether a candidate from {@link #spans} closed its brackets (rather than running to the end)} */
  static boolean balanced(CharSequence s, Candidate c) {
    char last = s.charAt(c.end() - 1);
    return last == '}' || last == ']';
  }

  static int skipWhitespace(CharSequence s, int p) {
    while (p < s.length() && (Character.isWhitespace(s.charAt(p)) || s.charAt(p) == '\uFEFF')) p++;
    return p;
  }

  static int trimEnd(CharSequence s, int from, int to) {
    while (to > from && (Character.isWhitespace(s.charAt(to - 1)) || s.charAt(to - 1) == '\u0000')) to--;
    return to;
  }

  private static int indexOfIgnoreCase(CharSequence s, String needle, int from) {
    int n = needle.length();
    for (int i = Chars.indexOf(s, '<', from); i >= 0 && i + n <= s.length(); i = Chars.indexOf(s, '<', i + 1)) {
      if (Chars.regionMatchesIgnoreCase(s, i, needle)) return i;
    }
    return -1;
  }
}
