package dev.spectra.orchestrator.structured;

import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Rewrites almost-JSON into strict JSON in one left-to-right pass, or says precisely why it will not.
 *
 * <p>Design rules, from the conflicts repair libraries ran into (FIELD-NOTES §2):
 * <ul>
 *   <li>In {@link RepairMode#DEFAULT} only edits with one reading are made; where two readings exist (a raw line
 *       break that may be a missing closing quote, a quote followed by what reads as the next key, {@code \n} next
 *       to {@code \U} in a Windows path, {@code ...} placeholders, two values on one line without a comma, a cut-off
 *       text) it stops with the line, column and problem.
 *   <li>In {@link RepairMode#LENIENT} the same places take the more likely reading and each is recorded as a
 *       {@link Guess} (kind, offset, what was assumed).
 *   <li>A quote inside a string is decided by what follows it: {@code , : } ]}, a line break and a key. The reading
 *       "this quote is text" is certain only where the reading "this quote (or an earlier separator) ends the
 *       string" would not parse.
 *   <li>Linear time: every character is consumed once; look-ahead stops at the next token (comments skipped, at
 *       most {@link #LOOK_LIMIT} characters). No recursion: nesting is an explicit byte stack with a depth cap.
 *   <li>The output is compact strict UTF-8 JSON ({@link JsonSink}) that the strict reader then checks, so number
 *       precision and the duplicate-key policy are the same as for a raw reply.
 * </ul>
 * One instance repairs one range of one text; it is not reusable.
 */
final class Repairer {

  /** The repaired text and what was done to obtain it. */
  /**
   * @param keys lenient mode only: for each key written, its output byte offset (high 32 bits) and its offset in the
   *     text (low 32 bits), in the order written; lets a key the output holds twice be named at its place in the text
   */
  record Repaired(JsonSink json, Set<Repair> repairs, List<RawGuess> guesses, long[] keys) {
    /** {@return the offset in the text of the key written at output byte {@code outOffset}, or -1} */
    int keyAt(long outOffset) {
      // From the end: a re-read cuts the output back, and the key written last at an offset is the one kept.
      for (int i = keys.length - 1; i >= 0; i--) if (keys[i] >>> 32 == outOffset) return (int) keys[i];
      return -1;
    }
  }

  /** A guess before line and column are known. */
  record RawGuess(String kind, int offset, String detail) {}

  /** Why the text cannot be repaired; {@code offset} indexes the original text. */
  static final class Failure extends Exception {
    final Kind kind;
    final int offset;

    Failure(Kind kind, int offset, String message) {
      super(message, null, false, false);
      this.kind = kind;
      this.offset = offset;
    }
  }

  private static final byte OBJ = 1;
  private static final byte ARR = 2;

  // Parser states: what the next token may be.
  private static final int TOP = 0;        // the top-level value
  private static final int OBJ_FIRST = 1;  // after '{': a key or '}'
  private static final int OBJ_NEXT = 2;   // after ',' in an object: a key ('}' means a trailing comma)
  private static final int OBJ_COLON = 3;  // after a key
  private static final int OBJ_VALUE = 4;  // after ':'
  private static final int ARR_FIRST = 5;  // after '[': a value or ']'
  private static final int ARR_NEXT = 6;   // after ',' in an array: a value (']' means a trailing comma)
  private static final int AFTER = 7;      // after a value inside a container: ',' or a closer
  private static final int DONE = 8;       // after the top-level value

  private static final int KEY = 0;
  private static final int VALUE = 1;

  /** How far a quote's look-ahead may skip comments and blanks; beyond it the quote is taken as text. */
  static final int LOOK_LIMIT = 4096;
  /** Lenient re-reads of a never-closed string from its first line break; bounded so the pass stays linear. */
  private static final int MAX_REREADS = 64;

  private final CharSequence s;
  private final int end;
  private final boolean mayCloseBrackets;
  private final boolean lenient;
  private final int maxDepth;
  private final JsonSink out;
  private final EnumSet<Repair> repairs = EnumSet.noneOf(Repair.class);
  private final List<RawGuess> guesses = new ArrayList<>(0);
  /** Lenient mode: see {@link Repaired#keys()}. */
  private long[] keys = NO_KEYS;
  private int keyCount;
  private static final long[] NO_KEYS = new long[0];
  private byte[] stack = new byte[32];
  private int depth;
  private int pos;
  private boolean sawNewline;
  private int mergedAt = -1;
  private int rereads;
  /** Where a lenient re-read must close the string (its first raw line break), or -1. */
  private int closeAt = -1;

  /**
   * @param mayCloseBrackets whether a text that ends with open brackets may be closed as a forced repair; false
   *     when the model stopped at its token limit, because closing a cut-off list invents an answer
   */
  Repairer(CharSequence text, int start, int end, boolean mayCloseBrackets, RepairMode mode, int maxDepth) {
    this.s = text;
    this.pos = start;
    this.end = end;
    this.mayCloseBrackets = mayCloseBrackets;
    this.lenient = mode == RepairMode.LENIENT;
    this.maxDepth = maxDepth;
    this.out = new JsonSink(end - start);
  }

  Repaired repair() throws Failure {
    int state = TOP;
    while (true) {
      skipBlank();
      if (pos >= end) {
        atEnd(state);
        return new Repaired(out, repairs, guesses, keyCount == 0 ? NO_KEYS : Arrays.copyOf(keys, keyCount));
      }
      char c = s.charAt(pos);
      switch (state) {
        case TOP, OBJ_VALUE, ARR_FIRST, ARR_NEXT -> state = value(state, c);
        case OBJ_FIRST, OBJ_NEXT -> state = key(state, c);
        case OBJ_COLON -> state = colon(c);
        case AFTER -> state = afterValue(c);
        default -> state = done(c);
      }
    }
  }

  // ---- states ---------------------------------------------------------------------------------------------

  private int value(int state, char c) throws Failure {
    switch (c) {
      case '{' -> {
        push(OBJ);
        out.ascii('{');
        pos++;
        return OBJ_FIRST;
      }
      case '[' -> {
        push(ARR);
        out.ascii('[');
        pos++;
        return ARR_FIRST;
      }
      case ']', '}' -> {
        if (state == ARR_FIRST || state == ARR_NEXT) {
          if (c == '}') repairs.add(Repair.MISMATCHED_BRACKET);
          if (state == ARR_NEXT) dropTrailingComma();
          pos++;
          depth--;
          out.ascii(']');
          return next();
        }
        if (state == OBJ_VALUE && lenient) {
          guess("missing-value", pos, "a member without a value read as null");
          out.ascii("null");
          return next();
        }
        throw fail(pos, state == OBJ_VALUE ? "a value is missing after ':'" : "unexpected '" + c + "'");
      }
      case ',' -> {
        if (state == TOP || !lenient) {
          throw fail(pos, state == OBJ_VALUE ? "a value is missing after ':'"
              : "two commas in a row: an array element may be missing");
        }
        if (state == OBJ_VALUE) {
          guess("missing-value", pos, "a member without a value read as null");
          out.ascii("null");
          return next();
        }
        guess("empty-element", pos, "an empty array element between commas dropped");
        pos++;
        return state;
      }
      case '"', '\'', '\u201C', '\u201D', '\u2018', '\u2019' -> {
        string(VALUE, false);
        return next();
      }
      case '`' -> {
        if (!lenient || state == TOP) throw fail(pos, "unexpected character '`' where a value was expected");
        string(VALUE, false);
        return next();
      }
      case '\u2026' -> {
        return placeholder(state);
      }
      case '.' -> {
        if (pos + 1 < end && s.charAt(pos + 1) == '.') return placeholder(state);
        number(state);
        return next();
      }
      case '-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
        number(state);
        return next();
      }
      default -> {
        if (isWordChar(c)) {
          word(state);
          return next();
        }
        if (lenient && state != TOP && c >= 0x20 && c != ':') {
          unquoted(pos, "text");
          return next();
        }
        throw fail(pos, "unexpected character " + describe(c) + " where a value was expected");
      }
    }
  }

  private int key(int state, char c) throws Failure {
    switch (c) {
      case '}', ']' -> {
        if (c == ']') repairs.add(Repair.MISMATCHED_BRACKET);
        if (state == OBJ_NEXT) dropTrailingComma();
        pos++;
        depth--;
        out.ascii('}');
        return next();
      }
      case '"', '\'', '\u201C', '\u201D', '\u2018', '\u2019' -> {
        markKey(pos);
        string(KEY, false);
        return OBJ_COLON;
      }
      case '`' -> {
        if (!lenient) throw fail(pos, "expected a key in double quotes, found '`'");
        markKey(pos);
        string(KEY, false);
        return OBJ_COLON;
      }
      case '\u2026', '.' -> {
        return placeholder(state);
      }
      case ',' -> {
        if (!lenient) throw fail(pos, "two commas in a row inside an object");
        guess("empty-element", pos, "an empty member between commas dropped");
        pos++;
        return state;
      }
      default -> {
        if (!isWordChar(c)) throw fail(pos, "expected a key in double quotes, found " + describe(c));
        int begin = pos;
        while (pos < end && isWordChar(s.charAt(pos))) pos++;
        int p = pos;
        while (p < end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
        if (p < end && s.charAt(p) == ':') {
          repairs.add(Repair.UNQUOTED_KEY);
          markKey(begin);
          out.ascii('"');
          out.append(s, begin, pos);
          out.ascii('"');
          return OBJ_COLON;
        }
        if (lenient && p < end && s.charAt(p) == '"') {
          // foo": the key's opening quote is missing.
          guess("missing-quote", begin, "the key '" + clip(begin, pos) + "' read with its opening quote missing");
          markKey(begin);
          out.ascii('"');
          out.append(s, begin, pos);
          out.ascii('"');
          pos = p + 1;
          return OBJ_COLON;
        }
        throw fail(begin, "unquoted text '" + clip(begin, pos) + "' where a key was expected");
      }
    }
  }

  private int colon(char c) throws Failure {
    if (c == ':') {
      out.ascii(':');
      pos++;
      return OBJ_VALUE;
    }
    if (!lenient) throw fail(pos, "expected ':' after the key");
    if (c == ',' || c == '}') {
      guess("missing-value", pos, "a key without a value read with the value null");
      out.ascii(":null");
      return AFTER;
    }
    guess("missing-colon", pos, "a ':' inserted after the key");
    out.ascii(':');
    return OBJ_VALUE;
  }

  private int afterValue(char c) throws Failure {
    byte top = stack[depth - 1];
    char closer = top == OBJ ? '}' : ']';
    if (c == ',') {
      out.ascii(',');
      pos++;
      return top == OBJ ? OBJ_NEXT : ARR_NEXT;
    }
    if (c == '}' || c == ']') {
      if (c != closer) repairs.add(Repair.MISMATCHED_BRACKET);
      pos++;
      depth--;
      out.ascii(closer);
      return next();
    }
    // A member without a comma before it: unambiguous only when a line break or a closed container separates
    // the two (on one line, "a" "b" may be a concatenation and 1 2 may be 12).
    byte prev = out.last();
    if ((sawNewline || prev == '}' || prev == ']') && startsValueOrKey(c)) {
      repairs.add(Repair.MISSING_COMMA);
      out.ascii(',');
      return top == OBJ ? OBJ_NEXT : ARR_NEXT;
    }
    if (lenient) {
      if (c == '\u2026' || (c == '.' && pos + 1 < end && s.charAt(pos + 1) == '.')) {
        skipDots();
        guess("placeholder", pos, "a '...' placeholder dropped");
        return AFTER;
      }
      if (startsValueOrKey(c) || c == '`') {
        guess("missing-comma", pos, "a ',' inserted between two values on one line");
        out.ascii(',');
        return top == OBJ ? OBJ_NEXT : ARR_NEXT;
      }
    }
    throw fail(pos, "expected ',' or '" + closer + "', found " + describe(c));
  }

  /**
   * After the top-level value: stray closers are dropped ({@code {"a":1}}}); a closer followed by more members of
   * the same container ({@code {"a":1}, "b":2}}) was early, and the members are merged back in. Anything else
   * fails the candidate: the caller decides whether it is prose (kept out) or JSON (refused, never dropped).
   */
  private int done(char c) throws Failure {
    if (c == '}' || c == ']') {
      repairs.add(Repair.EXTRA_CLOSER);
      pos++;
      return DONE;
    }
    byte last = out.last();
    if (c == ',' && mergedAt < 0 && (last == '}' || last == ']')) {
      int p = look(pos + 1);
      boolean object = last == '}';
      if (p < end && (object ? startsKey(p) : startsMember(p, false))) {
        out.dropLast();
        push(object ? OBJ : ARR);
        mergedAt = pos;
        repairs.add(Repair.EARLY_CLOSER);
        return AFTER;
      }
    }
    throw fail(pos, "unexpected text after the complete JSON value");
  }

  private void atEnd(int state) throws Failure {
    if (state == DONE) return;
    if (state == TOP) throw new Failure(Kind.EMPTY, pos, "no JSON value");
    if (mergedAt >= 0) {
      // {"a":1}, "b":2 without the closer that would make the first '}' early: two readings.
      if (!lenient) throw fail(mergedAt, "unexpected text after the complete JSON value");
      guess("early-closer", mergedAt, "the members after the closer read as part of the value; closed at the end");
      closeAll();
      return;
    }
    if (state == AFTER && mayCloseBrackets) {
      repairs.add(Repair.MISSING_CLOSER);
      closeAll();
      return;
    }
    Kind cut = mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED;
    if (!lenient) {
      throw new Failure(cut, pos, switch (state) {
        case OBJ_FIRST, ARR_FIRST -> "the text ends right after an opening bracket: it looks cut off";
        case OBJ_NEXT, ARR_NEXT -> "the text ends right after a ',': it looks cut off";
        case AFTER -> "the text ends with " + depth + " bracket(s) still open: it looks cut off";
        default -> "the text ends inside an object member: it looks cut off";
      });
    }
    switch (state) {
      case OBJ_NEXT, ARR_NEXT -> {
        guess("truncated", pos, "the text ends after ','; the comma dropped");
        out.dropLast();
      }
      case OBJ_COLON -> {
        guess("truncated", pos, "the text ends after a key; its value read as null");
        out.ascii(":null");
      }
      case OBJ_VALUE -> {
        guess("truncated", pos, "the text ends after ':'; the value read as null");
        out.ascii("null");
      }
      default -> { }
    }
    guess("truncated", pos, "the text ends with " + depth + " bracket(s) open; closed");
    closeAll();
  }

  private void closeAll() {
    while (depth > 0) out.ascii(stack[--depth] == OBJ ? '}' : ']');
  }

  private int next() {
    return depth == 0 ? DONE : AFTER;
  }

  // ---- tokens ---------------------------------------------------------------------------------------------

  private static final int CONTENT = 0;
  private static final int CLOSE = 1;
  private static final int AMBIGUOUS = 2;
  /** The quote is followed by ':' inside a value: it reads as the end of a key. */
  private static final int COLON = 3;
  /** The quote is followed by ',' and a key without its opening quote ({@code "foo",b":"bar"}). */
  private static final int LOST_QUOTE = 4;

  private void string(int role, boolean literalBackslashes) throws Failure {
    int open = pos;
    long sinkStart = out.length();
    int guessMark = guesses.size();
    char q = s.charAt(pos++);
    if (q == '\'') repairs.add(Repair.SINGLE_QUOTES);
    else if (q == '`') guess("back-quotes", open, "text in back quotes read as a string");
    else if (q != '"') repairs.add(Repair.SMART_QUOTES);
    out.ascii('"');
    boolean rawNewline = false;
    boolean innerQuote = false;
    boolean letterEscape = false;
    boolean badEscape = false;
    boolean doubled = false;
    int firstNewline = -1;
    // The last ',' or raw line break in the text, and whether only blanks followed it: where the string would
    // have ended if its closing quote is missing.
    int sepSrc = -1;
    long sepSink = -1;
    boolean blankSinceSep = false;
    while (true) {
      if (pos >= end || pos == closeAt) {
        if (pos == closeAt) {
          closeAt = -1;
          guess("missing-quote", pos, "a string with a line break that never closes read as ending at the line "
              + "break");
          break;
        }
        if (lenient && firstNewline >= 0 && rereads < MAX_REREADS && depth > 0
            && continuesAfterBreak(firstNewline + 1)) {
          // Unclosed with a raw line break: most likely the closing quote is missing at the first line break.
          rereads++;
          trimGuesses(guessMark);
          out.truncate(sinkStart);
          pos = open;
          closeAt = firstNewline;
          string(role, literalBackslashes);
          return;
        }
        if (lenient) {
          guess("truncated-string", pos, "the text ends inside a string; the string closed");
          break;
        }
        throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, open, rawNewline
            ? "a line break inside the string starting here, and the string never closes: the closing quote is "
                + "probably missing; escape line breaks as \\n and close every string"
            : "the string starting here is never closed: it looks cut off");
      }
      char c = s.charAt(pos);
      if (c == '\\') {
        if (pos + 1 >= end) {
          if (lenient) {
            guess("truncated-string", pos, "the text ends with a lone backslash inside a string; dropped");
            pos++;
            continue;
          }
          throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, open,
              "the string starting here ends with a lone backslash: it looks cut off");
        }
        char e = s.charAt(pos + 1);
        switch (e) {
          case '"', '\\', '/' -> {
            out.ascii('\\');
            out.ascii(e);
            pos += 2;
          }
          case 'b', 'f', 'n', 'r', 't' -> {
            letterEscape = true;
            out.ascii('\\');
            if (literalBackslashes) out.ascii("\\");
            out.ascii(e);
            pos += 2;
          }
          case 'u' -> {
            if (pos + 5 < end && isHex(s.charAt(pos + 2)) && isHex(s.charAt(pos + 3)) && isHex(s.charAt(pos + 4))
                && isHex(s.charAt(pos + 5))) {
              out.append(s, pos, pos + 6);
              pos += 6;
            } else {
              badEscape = true;
              repairs.add(Repair.INVALID_ESCAPE);
              out.ascii("\\\\");
              pos++;
            }
          }
          case '\'' -> {
            // JavaScript's \' has one meaning: the quote itself.
            repairs.add(Repair.INVALID_ESCAPE);
            out.ascii('\'');
            pos += 2;
          }
          case '\n', '\r' -> {
            if (!lenient) throw fail(pos, "a backslash at the end of a line inside a string");
            guess("line-continuation", pos, "a backslash before a line break read as a line break");
            pos++;
          }
          default -> {
            // \U, \d, \. ... are not JSON escapes: the backslash can only be a literal one.
            badEscape = true;
            repairs.add(Repair.INVALID_ESCAPE);
            out.ascii("\\\\");
            pos++;
          }
        }
        blankSinceSep = false;
      } else if (closes(q, c)) {
        if (doubled && pos + 1 < end && s.charAt(pos + 1) == c && closesHere(pos + 2, role) == CLOSE) {
          pos += 2;
          break;
        }
        int verdict = closesHere(pos + 1, role);
        if (verdict == CLOSE) {
          if (q == '"' && c != '"') repairs.add(Repair.SMART_QUOTES);
          pos++;
          break;
        }
        if (c == '"' && pos == open + 1) {
          // ""answer"": doubled quotes, or a key that really contains quotes.
          if (!lenient) {
            throw fail(open, "doubled quotes (\"\"...\"\"): write the text in single double quotes, or escape quotes"
                + " that belong to it as \\\"");
          }
          guess("doubled-quotes", open, "doubled quotes read as one pair");
          doubled = true;
          pos++;
          continue;
        }
        if (sepSrc >= 0 && blankSinceSep && (verdict == COLON || startsMemberAfterQuote(pos))) {
          // "b,"c":"d": the quote may be text, or the string ended at the ',' and its closing quote is missing.
          if (!lenient) {
            String sep = s.charAt(sepSrc) == ',' ? "','" : "line break";
            throw fail(open, "the string starting here may end at the " + sep + " before the next quote (its closing "
                + "quote missing: what follows reads as the next " + (inObject() ? "member" : "element")
                + "), or go on with an unescaped quote; escape quotes inside strings as \\\" and close every string");
          }
          guess("missing-quote", sepSrc, "the string read as ending before the "
              + (s.charAt(sepSrc) == ',' ? "','" : "line break") + "; its closing quote was missing");
          out.truncate(sepSink);
          out.ascii('"');
          pos = sepSrc;
          return;
        }
        if (verdict == LOST_QUOTE) {
          throw fail(pos, "the quote here may end the string (the next key then lacks its opening quote) or be "
              + "text; quote every key and escape quotes inside strings as \\\"");
        }
        if (verdict == AMBIGUOUS || verdict == COLON) {
          if (!lenient) {
            throw fail(pos + 1, verdict == COLON
                ? "a quote followed by ':' inside a string: the quote is not escaped, or a closing quote and a ',' "
                    + "are missing; escape quotes inside strings as \\\""
                : "two strings follow each other without a comma (or the quote before is not escaped); separate "
                    + "values with ',' and escape quotes inside strings as \\\"");
          }
          if (verdict == AMBIGUOUS) {
            // "a" "b": the comma is the likelier reading; afterValue records it.
            pos++;
            break;
          }
          guess("inner-quote", pos, "a quote followed by ':' read as text");
        }
        // A quote inside the text that the model did not escape, e.g. "the "dictator", waiting".
        if (c == q || c == '"') {
          innerQuote = true;
          repairs.add(Repair.INNER_QUOTE);
        }
        if (c == '"') out.ascii("\\\"");
        else out.append(c);
        pos++;
        blankSinceSep = false;
      } else if (c == '"') {
        out.ascii("\\\"");
        pos++;
        blankSinceSep = false;
      } else if (c < 0x20) {
        repairs.add(Repair.CONTROL_CHAR);
        switch (c) {
          case '\n' -> {
            if (!blankSinceSep || sepSrc < 0) {
              sepSrc = pos;
              sepSink = out.length();
              blankSinceSep = true;
            }
            if (firstNewline < 0) firstNewline = pos;
            rawNewline = true;
            out.ascii("\\n");
          }
          case '\r' -> {
            rawNewline = true;
            out.ascii("\\r");
          }
          case '\t' -> out.ascii("\\t");
          default -> out.escaped(c);
        }
        pos++;
      } else {
        if (c == ',') {
          sepSrc = pos;
          sepSink = out.length();
          blankSinceSep = true;
        } else if (c != ' ') {
          blankSinceSep = false;
        }
        out.append(c);
        pos++;
      }
    }
    out.ascii('"');
    if (rawNewline && (innerQuote || role == KEY)) {
      if (!lenient) {
        throw fail(open, "a line break inside the string starting here: either the line break is not escaped or "
            + "the closing quote is missing; escape line breaks as \\n and close every string");
      }
      guess("raw-newline", open, "a line break inside the string read as part of it");
    }
    if (badEscape && letterEscape && !literalBackslashes) {
      if (!lenient) {
        throw fail(open, "ambiguous backslashes in the string starting here: \\n or \\t may be an escape or part of "
            + "a Windows path; write every literal backslash as \\\\");
      }
      trimGuesses(guessMark);
      guess("backslash", open, "every backslash in the string read as a literal one (a Windows path)");
      out.truncate(sinkStart);
      pos = open;
      string(role, true);
    }
  }

  /** {@return whether the text after a line break at {@code p - 1} reads as the next member or a closer} */
  private boolean continuesAfterBreak(int p) {
    p = look(p);
    if (p >= end) return false;
    char c = s.charAt(p);
    return c == '}' || c == ']' || startsMember(p, inObject());
  }

  private boolean closes(char q, char c) {
    return switch (q) {
      case '"' -> c == '"' || c == '\u201D';
      case '\'' -> c == '\'' || c == '\u2019';
      case '`' -> c == '`';
      case '\u201C', '\u201D' -> c == '\u201D' || c == '"' || c == '\u201C';
      default -> c == '\u2019' || c == '\'';
    };
  }

  private boolean inObject() {
    return depth > 0 && stack[depth - 1] == OBJ;
  }

  private boolean lookNewline;

  /** {@return the first position at or after {@code p} that is not blank or inside a comment} */
  private int look(int p) {
    lookNewline = false;
    int limit = Math.min(end, p + LOOK_LIMIT);
    while (p < limit) {
      char c = s.charAt(p);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\u00A0') {
        p++;
      } else if (c == '\n') {
        lookNewline = true;
        p++;
      } else if (c == '/' && p + 1 < end && s.charAt(p + 1) == '/') {
        int nl = Chars.indexOf(s, '\n', p);
        p = nl < 0 || nl >= limit ? limit : nl;
      } else if (c == '/' && p + 1 < end && s.charAt(p + 1) == '*') {
        int close = Chars.indexOf(s, "*/", p + 2);
        if (close < 0 || close + 2 > limit) return p;
        p = close + 2;
      } else {
        return p;
      }
    }
    return p >= end ? end : p;
  }

  /**
   * Decides whether a quote at {@code p - 1} ends the string: what follows must fit the grammar at this point.
   */
  private int closesHere(int p, int role) {
    p = look(p);
    boolean newline = lookNewline;
    if (p >= end) return CLOSE;
    char c = s.charAt(p);
    if (role == KEY) {
      if (c == ':') return CLOSE;
      // {"a" 1}: lenient reads a missing ':' (recorded by colon()); the default mode leaves the quote as text.
      return lenient && !newline && (isQuote(c) || c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9')
          || startsLiteral(p)) ? CLOSE : CONTENT;
    }
    if (depth == 0) return CLOSE;
    boolean inObject = stack[depth - 1] == OBJ;
    return switch (c) {
      case '}', ']' -> CLOSE;
      // "#5" and "#fff" are text; a '#' comment after a quote is read as one only on its own line.
      case '#' -> newline ? CLOSE : CONTENT;
      case '/' -> p + 1 < end && (s.charAt(p + 1) == '/' || s.charAt(p + 1) == '*') ? CLOSE : CONTENT;
      case ',' -> followsComma(p + 1, inObject);
      case ':' -> COLON;
      default -> {
        if (newline) yield startsMember(p, inObject) ? CLOSE : CONTENT;
        if (c == '.' || c == '\u2026') yield isDots(p) ? CLOSE : CONTENT;
        // "a" "b" on one line: a missing comma, a concatenation, or unescaped quotes: three readings.
        yield isQuote(c) && p > 0 && Character.isWhitespace(s.charAt(p - 1)) ? AMBIGUOUS : CONTENT;
      }
    };
  }

  private int followsComma(int p, boolean inObject) {
    p = look(p);
    if (p < end && s.charAt(p) == '#') {
      int nl = Chars.indexOf(s, '\n', p);
      p = nl < 0 || nl > p + LOOK_LIMIT ? end : look(nl);
    }
    if (p >= end) return CLOSE;
    char c = s.charAt(p);
    if (c == '}' || c == ']') return CLOSE;
    if (isDots(p)) return CLOSE;
    if (startsMember(p, inObject)) return CLOSE;
    if (inObject && isWordChar(c)) {
      // "foo",b":"bar": the next key lost its opening quote; or the quote after foo is text.
      int q = p;
      while (q < end && isWordChar(s.charAt(q))) q++;
      if (q < end && s.charAt(q) == '"') {
        int r = q + 1;
        while (r < end && (s.charAt(r) == ' ' || s.charAt(r) == '\t')) r++;
        if (r < end && s.charAt(r) == ':') return lenient ? CLOSE : LOST_QUOTE;
      }
    }
    return CONTENT;
  }

  /** {@return whether the quote at {@code q} starts what reads as the next member: a key, or a string element} */
  private boolean startsMemberAfterQuote(int q) {
    if (depth == 0) return false;
    if (stack[depth - 1] == OBJ) return startsKey(q);
    // In an array: a whole string on this line, followed by ',' or a closer.
    int limit = Math.min(end, q + LOOK_LIMIT);
    int r = q + 1;
    while (r < limit && s.charAt(r) != '"' && s.charAt(r) != '\n') r++;
    if (r >= limit || s.charAt(r) != '"') return false;
    if (s.charAt(r - 1) == ',') return true;
    int n = look(r + 1);
    return n >= end || s.charAt(n) == ',' || s.charAt(n) == ']' || s.charAt(n) == '}';
  }

  /** {@return whether a key ({@code "k":} or {@code k:}) starts at {@code p}} */
  private boolean startsKey(int p) {
    char c = s.charAt(p);
    int limit = Math.min(end, p + LOOK_LIMIT);
    int q;
    if (isQuote(c)) {
      q = p + 1;
      while (q < limit && !isQuote(s.charAt(q)) && s.charAt(q) != '\n') {
        if (s.charAt(q) == '\\') q++;
        q++;
      }
      if (q >= limit || s.charAt(q) == '\n') return false;
      q++;
    } else if (isWordChar(c)) {
      q = p;
      while (q < limit && isWordChar(s.charAt(q))) q++;
    } else {
      return false;
    }
    while (q < limit && (s.charAt(q) == ' ' || s.charAt(q) == '\t')) q++;
    return q < limit && s.charAt(q) == ':';
  }

  private boolean startsMember(int p, boolean inObject) {
    char c = s.charAt(p);
    if (isQuote(c)) return true;
    if (inObject) {
      if (!isWordChar(c)) return false;
      while (p < end && isWordChar(s.charAt(p))) p++;
      while (p < end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
      return p < end && s.charAt(p) == ':';
    }
    return c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9') || startsLiteral(p);
  }

  private static final String[] LITERALS = {"true", "false", "null", "True", "False", "None"};

  private boolean startsLiteral(int p) {
    for (String w : LITERALS) {
      if (Chars.startsWith(s, w, p) && (p + w.length() >= end || !isWordChar(s.charAt(p + w.length())))) return true;
    }
    return false;
  }

  private boolean isDots(int p) {
    return s.charAt(p) == '\u2026' || (s.charAt(p) == '.' && p + 1 < end && s.charAt(p + 1) == '.');
  }

  private void skipDots() {
    while (pos < end && (s.charAt(pos) == '.' || s.charAt(pos) == '\u2026')) pos++;
  }

  /** A {@code ...} placeholder: refused, or (lenient) dropped with a following comma. */
  private int placeholder(int state) throws Failure {
    int at = pos;
    if (!lenient || state == TOP) {
      throw fail(at, "a '...' placeholder stands for content that was left out");
    }
    skipDots();
    guess("placeholder", at, "a '...' placeholder dropped");
    if (state == OBJ_VALUE) {
      out.ascii("null");
      return AFTER;
    }
    skipBlank();
    if (pos < end && s.charAt(pos) == ',') pos++;
    return state;
  }

  private void number(int state) throws Failure {
    int begin = pos;
    long mark = out.length();
    try {
      strictNumber();
      if (lenient && state != TOP) {
        // {"time": 10:30}, {"a": 1 2}: more text follows the number on its line: the whole is one value.
        int p = pos;
        while (p < end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
        if (p < end && (s.charAt(p) == ':' || state == OBJ_VALUE && ",}]\n\r/#".indexOf(s.charAt(p)) < 0)) {
          out.truncate(mark);
          pos = begin;
          unquoted(begin, "text");
        }
      }
    } catch (Failure f) {
      if (!lenient || state == TOP) throw f;
      out.truncate(mark);
      pos = begin;
      lenientNumber(begin);
    }
  }

  private void strictNumber() throws Failure {
    int begin = pos;
    char c = s.charAt(pos);
    if (c == '+') {
      repairs.add(Repair.NUMBER_FORMAT);
      pos++;
    } else if (c == '-') {
      out.ascii('-');
      pos++;
    }
    if (pos < end && s.charAt(pos) == 'I') {
      throw fail(begin, "Infinity is not representable in JSON; use null, a string or a large finite number");
    }
    if (pos + 1 < end && s.charAt(pos) == '0') {
      char n = s.charAt(pos + 1);
      if ((n >= '0' && n <= '9') || n == 'x' || n == 'X' || n == '_') {
        throw fail(begin, "the number '" + clip(begin, Math.min(end, begin + 12))
            + "' has a leading zero: it may be octal, hexadecimal or decimal");
      }
    }
    int digits = digits();
    if (pos < end && s.charAt(pos) == '.') {
      if (digits == 0) {
        repairs.add(Repair.NUMBER_FORMAT);
        out.ascii('0');
      }
      out.ascii('.');
      pos++;
      if (digits() == 0) {
        repairs.add(Repair.NUMBER_FORMAT);
        out.ascii('0');
      }
    } else if (digits == 0) {
      throw fail(begin, "expected a number");
    }
    if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      out.ascii('e');
      pos++;
      if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) out.ascii(s.charAt(pos++));
      if (digits() == 0) throw fail(begin, "the number has an exponent without digits");
    }
    if (pos < end && !isDelimiter(s.charAt(pos))) {
      throw fail(pos, "unexpected " + describe(s.charAt(pos)) + " right after the number '" + clip(begin, pos) + "'");
    }
  }

  /** Lenient: Infinity as null, 0x1F and 007 as numbers, anything else (dates, versions) as text. */
  private void lenientNumber(int begin) throws Failure {
    int p = begin;
    boolean minus = s.charAt(p) == '-';
    if (s.charAt(p) == '-' || s.charAt(p) == '+') p++;
    if (Chars.startsWith(s, "Infinity", p) && (p + 8 >= end || isDelimiter(s.charAt(p + 8)))) {
      guess("non-finite", begin, "Infinity read as null");
      out.ascii("null");
      pos = p + 8;
      return;
    }
    int q = p;
    if (q + 2 < end && s.charAt(q) == '0' && (s.charAt(q + 1) == 'x' || s.charAt(q + 1) == 'X')) {
      q += 2;
      while (q < end && isHex(s.charAt(q))) q++;
      if (q > p + 2 && (q >= end || isDelimiter(s.charAt(q))) && q - p < 40) {
        guess("hex-number", begin, "a hexadecimal number converted");
        if (minus) out.ascii('-');
        out.ascii(new java.math.BigInteger(Chars.substring(s, p + 2, q), 16).toString());
        pos = q;
        return;
      }
    }
    q = p;
    while (q < end && s.charAt(q) >= '0' && s.charAt(q) <= '9') q++;
    if (q > p + 1 && s.charAt(p) == '0' && (q >= end || isDelimiter(s.charAt(q)))) {
      guess("leading-zero", begin, "a number with leading zeros read as decimal");
      int z = p;
      while (z < q - 1 && s.charAt(z) == '0') z++;
      if (minus) out.ascii('-');
      out.append(s, z, q);
      pos = q;
      return;
    }
    unquoted(begin, "text");
  }

  /** Copies digits, dropping '_' separators between digits ({@code 1_000}); returns how many digits. */
  private int digits() {
    int n = 0;
    while (pos < end) {
      char c = s.charAt(pos);
      if (c >= '0' && c <= '9') {
        out.ascii(c);
        n++;
        pos++;
      } else if (c == '_' && n > 0 && pos + 1 < end && s.charAt(pos + 1) >= '0' && s.charAt(pos + 1) <= '9') {
        repairs.add(Repair.NUMBER_FORMAT);
        pos++;
      } else {
        break;
      }
    }
    return n;
  }

  private void word(int state) throws Failure {
    int begin = pos;
    long mark = out.length();
    while (pos < end && isWordChar(s.charAt(pos))) pos++;
    String w = Chars.substring(s, begin, pos);
    switch (w) {
      case "true", "false", "null" -> out.ascii(w);
      case "True", "TRUE" -> literal("true", Repair.PYTHON_LITERAL);
      case "False", "FALSE" -> literal("false", Repair.PYTHON_LITERAL);
      case "None", "NULL", "Null" -> literal("null", Repair.PYTHON_LITERAL);
      case "undefined" -> literal("null", Repair.UNDEFINED_LITERAL);
      case "NaN", "Infinity", "nan", "inf", "Inf" -> {
        if (!lenient || state == TOP) {
          throw fail(begin, w + " is not representable in JSON; use null, a string or a finite number");
        }
        guess("non-finite", begin, w + " read as null");
        out.ascii("null");
      }
      default -> {
        if (lenient && state != TOP && pos >= end && w.length() < 5) {
          for (String lit : new String[] {"true", "false", "null"}) {
            if (lit.startsWith(w)) {
              guess("truncated", begin, "the text ends inside '" + lit + "'; completed");
              out.ascii(lit);
              return;
            }
          }
        }
        if (!lenient && state != TOP && pos >= end && w.length() < 5
            && ("true".startsWith(w) || "false".startsWith(w) || "null".startsWith(w))) {
          throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, begin,
              "the text ends inside '" + w + "' (true, false or null?): it looks cut off");
        }
        if (state != OBJ_VALUE && !lenient) {
          throw fail(begin, "unquoted text '" + clip(begin, pos) + "' where a value was expected");
        }
        if (state == TOP) throw fail(begin, "unquoted text '" + clip(begin, pos) + "' where a value was expected");
        boolean yesNo = w.equalsIgnoreCase("yes") || w.equalsIgnoreCase("no") || w.equalsIgnoreCase("on")
            || w.equalsIgnoreCase("off");
        int p = pos;
        while (p < end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
        char n = p < end ? s.charAt(p) : '\n';
        boolean single = state == OBJ_VALUE && (n == ',' || n == '}' || n == '\n' || n == '\r');
        if (!lenient) {
          if (yesNo) {
            throw fail(begin, "unquoted '" + w + "' may mean a boolean or a string; write true, false or \"" + w
                + "\"");
          }
          if (!single) {
            throw fail(begin, "unquoted text '" + clip(begin, Math.min(end, p + 12)) + "' where a value was expected");
          }
        }
        if (single && !yesNo) {
          // A single bare word ending the member ({"status": active}) has one reading: a string.
          repairs.add(Repair.UNQUOTED_VALUE);
          out.ascii('"');
          out.append(s, begin, pos);
          out.ascii('"');
          return;
        }
        pos = begin;
        unquoted(begin, yesNo ? "'" + w + "' (boolean or text)" : "text");
        return;
      }
    }
    if (pos < end && !isDelimiter(s.charAt(pos))) {
      if (lenient && state != TOP) {
        out.truncate(mark);
        pos = begin;
        unquoted(begin, "text");
        return;
      }
      throw fail(pos, "unexpected " + describe(s.charAt(pos)) + " right after '" + w + "'");
    }
  }

  /** Lenient: bare text up to the next ',', closer or line break, quoted as a string. */
  private void unquoted(int begin, String what) throws Failure {
    int p = begin;
    boolean inArray = depth > 0 && stack[depth - 1] == ARR;
    while (p < end) {
      char c = s.charAt(p);
      if (c == ',' || c == '\n' || c == '\r' || c == '}' || c == ']' || (inArray && c == '"')) break;
      p++;
    }
    int q = p;
    while (q > begin && (s.charAt(q - 1) == ' ' || s.charAt(q - 1) == '\t')) q--;
    if (q == begin) throw fail(begin, "unexpected " + describe(s.charAt(begin)) + " where a value was expected");
    guess("unquoted-value", begin, "unquoted " + what + " '" + clip(begin, q) + "' read as a string");
    out.ascii('"');
    for (int i = begin; i < q; i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.ascii('\\');
        out.ascii(c);
      } else if (c < 0x20) {
        out.escaped(c);
      } else {
        out.append(c);
      }
    }
    out.ascii('"');
    pos = p;
  }

  private void literal(String json, Repair repair) {
    repairs.add(repair);
    out.ascii(json);
  }

  // ---- helpers --------------------------------------------------------------------------------------------

  private void trimGuesses(int size) {
    while (guesses.size() > size) guesses.remove(guesses.size() - 1);
  }

  /** Lenient mode: the key about to be written starts at {@code rawOffset} of the text. */
  private void markKey(int rawOffset) {
    if (!lenient) return;
    if (keyCount == keys.length) keys = Arrays.copyOf(keys, Math.max(16, keyCount * 2));
    keys[keyCount++] = out.length() << 32 | (rawOffset & 0xFFFFFFFFL);
  }

  private void guess(String kind, int offset, String detail) {
    guesses.add(new RawGuess(kind, offset, detail));
  }

  private void skipBlank() throws Failure {
    sawNewline = false;
    while (pos < end) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\r' || c == '\uFEFF' || c == '\u00A0') {
        pos++;
      } else if (c == '\n') {
        sawNewline = true;
        pos++;
      } else if (c == '/' && pos + 1 < end && s.charAt(pos + 1) == '/' || c == '#') {
        repairs.add(Repair.COMMENT);
        int nl = Chars.indexOf(s, '\n', pos);
        pos = nl < 0 || nl > end ? end : nl;
      } else if (c == '/' && pos + 1 < end && s.charAt(pos + 1) == '*') {
        int close = Chars.indexOf(s, "*/", pos + 2);
        if (close < 0 || close + 2 > end) {
          if (!lenient) {
            throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, pos,
                "a /* comment is never closed");
          }
          guess("truncated", pos, "the text ends inside a /* comment; dropped");
          pos = end;
          return;
        }
        repairs.add(Repair.COMMENT);
        pos = close + 2;
      } else {
        return;
      }
    }
  }

  private void push(byte type) throws Failure {
    if (depth >= maxDepth) {
      throw fail(pos, "nesting deeper than " + maxDepth + " levels; flatten the value");
    }
    if (depth == stack.length) stack = Arrays.copyOf(stack, depth * 2);
    stack[depth++] = type;
  }

  private void dropTrailingComma() {
    repairs.add(Repair.TRAILING_COMMA);
    out.dropLast();
  }

  private boolean startsValueOrKey(char c) {
    return isQuote(c) || c == '{' || c == '[' || c == '-' || (c >= '0' && c <= '9') || isWordChar(c);
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'' || c == '\u201C' || c == '\u201D' || c == '\u2018' || c == '\u2019';
  }

  private static boolean isWordChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
        || c == '-' || (c > 0x7F && Character.isLetterOrDigit(c));
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean isDelimiter(char c) {
    return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/'
        || c == '#' || c == ':';
  }

  private Failure fail(int at, String message) {
    return new Failure(Kind.UNPARSEABLE, at, message);
  }

  private String clip(int from, int to) {
    return to - from > 40 ? Chars.substring(s, from, from + 40) + "…" : Chars.substring(s, from, to);
  }

  private static String describe(char c) {
    if (c < 0x20 || c == 0x7F) return String.format("control character U+%04X", (int) c);
    return "'" + c + "'";
  }
}
