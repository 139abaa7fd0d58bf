package dev.spectra.orchestrator.structured;

import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * Rewrites almost-JSON into strict JSON in one left-to-right pass, or says precisely why it will not.
 *
 * <p>Design rules, from the conflicts repair libraries ran into (FIELD-NOTES §2):
 * <ul>
 *   <li>Repair only where exactly one reading is possible; where two are (a raw line break that may be a missing
 *       closing quote, {@code \n} next to {@code \U} in a Windows path, {@code ...} placeholders, two values on one
 *       line without a comma), stop with the line, column and problem so the model can be re-asked.
 *   <li>Linear time: every character is consumed once; the only look-ahead (deciding whether a quote closes a
 *       string) stops at the next token. No recursion: nesting is an explicit byte stack with a depth cap, so
 *       10,000 nested brackets give a clear error instead of a {@link StackOverflowError}.
 *   <li>The output is compact strict JSON that Jackson then parses with the same strict settings as a raw reply,
 *       so number precision and the duplicate-key policy are the same on both paths.
 * </ul>
 * One instance repairs one range of one text; it is not reusable.
 */
final class Repairer {

  /** The repaired text and what was done to obtain it. */
  record Repaired(String json, Set<Repair> repairs) {}

  /** Why the text cannot be repaired without guessing; {@code offset} indexes the original text. */
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

  private final String s;
  private final int end;
  private final boolean mayCloseBrackets;
  private final int maxDepth;
  private final StringBuilder out;
  private final EnumSet<Repair> repairs = EnumSet.noneOf(Repair.class);
  private byte[] stack = new byte[32];
  private int depth;
  private int pos;
  private boolean sawNewline;

  /**
   * @param mayCloseBrackets whether a text that ends with open brackets may be closed; false when the model
   *     stopped at its token limit, because closing a cut-off list invents an answer
   */
  Repairer(String text, int start, int end, boolean mayCloseBrackets, int maxDepth) {
    this.s = text;
    this.pos = start;
    this.end = end;
    this.mayCloseBrackets = mayCloseBrackets;
    this.maxDepth = maxDepth;
    this.out = new StringBuilder(Math.min(end - start + 16, 1 << 20));
  }

  Repaired repair() throws Failure {
    int state = TOP;
    while (true) {
      skipBlank();
      if (pos >= end) {
        atEnd(state);
        return new Repaired(out.toString(), repairs);
      }
      char c = s.charAt(pos);
      switch (state) {
        case TOP, OBJ_VALUE, ARR_FIRST, ARR_NEXT -> state = value(state, c);
        case OBJ_FIRST, OBJ_NEXT -> state = key(state, c);
        case OBJ_COLON -> {
          if (c != ':') throw fail(pos, "expected ':' after the key");
          out.append(':');
          pos++;
          state = OBJ_VALUE;
        }
        case AFTER -> state = afterValue(c);
        default -> {
          trailing();
          return new Repaired(out.toString(), repairs);
        }
      }
    }
  }

  // ---- states ---------------------------------------------------------------------------------------------

  private int value(int state, char c) throws Failure {
    switch (c) {
      case '{' -> {
        push(OBJ);
        out.append('{');
        pos++;
        return OBJ_FIRST;
      }
      case '[' -> {
        push(ARR);
        out.append('[');
        pos++;
        return ARR_FIRST;
      }
      case ']', '}' -> {
        if (state == ARR_FIRST || state == ARR_NEXT) {
          if (c == '}') repairs.add(Repair.MISMATCHED_BRACKET);
          if (state == ARR_NEXT) dropTrailingComma();
          pos++;
          depth--;
          out.append(']');
          return next();
        }
        throw fail(pos, state == OBJ_VALUE ? "a value is missing after ':'" : "unexpected '" + c + "'");
      }
      case ',' -> throw fail(pos, state == OBJ_VALUE ? "a value is missing after ':'"
          : "two commas in a row: an array element may be missing");
      case '"', '\'', '\u201C', '\u201D', '\u2018', '\u2019' -> {
        string(VALUE);
        return next();
      }
      case '\u2026' -> throw placeholder(pos);
      case '.' -> {
        if (pos + 1 < end && s.charAt(pos + 1) == '.') throw placeholder(pos);
        number();
        return next();
      }
      case '-', '+', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> {
        number();
        return next();
      }
      default -> {
        if (isWordChar(c)) {
          word(state);
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
        out.append('}');
        return next();
      }
      case '"', '\'', '\u201C', '\u201D', '\u2018', '\u2019' -> {
        string(KEY);
        return OBJ_COLON;
      }
      case '\u2026' -> throw placeholder(pos);
      case '.' -> throw placeholder(pos);
      case ',' -> throw fail(pos, "two commas in a row inside an object");
      default -> {
        if (!isWordChar(c)) throw fail(pos, "expected a key in double quotes, found " + describe(c));
        int begin = pos;
        while (pos < end && isWordChar(s.charAt(pos))) pos++;
        int p = pos;
        while (p < end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
        if (p >= end || s.charAt(p) != ':') {
          throw fail(begin, "unquoted text '" + clip(begin, pos) + "' where a key was expected");
        }
        repairs.add(Repair.UNQUOTED_KEY);
        out.append('"').append(s, begin, pos).append('"');
        return OBJ_COLON;
      }
    }
  }

  private int afterValue(char c) throws Failure {
    byte top = stack[depth - 1];
    char closer = top == OBJ ? '}' : ']';
    if (c == ',') {
      out.append(',');
      pos++;
      return top == OBJ ? OBJ_NEXT : ARR_NEXT;
    }
    if (c == '}' || c == ']') {
      if (c != closer) repairs.add(Repair.MISMATCHED_BRACKET);
      pos++;
      depth--;
      out.append(closer);
      return next();
    }
    // A member without a comma before it: unambiguous only when a line break or a closed container separates
    // the two (on one line, "a" "b" may be a concatenation and 1 2 may be 12).
    char prev = out.charAt(out.length() - 1);
    if ((sawNewline || prev == '}' || prev == ']') && startsValueOrKey(c)) {
      repairs.add(Repair.MISSING_COMMA);
      out.append(',');
      return top == OBJ ? OBJ_NEXT : ARR_NEXT;
    }
    throw fail(pos, "expected ',' or '" + closer + "', found " + describe(c));
  }

  private void atEnd(int state) throws Failure {
    switch (state) {
      case DONE -> { }
      case TOP -> throw new Failure(Kind.EMPTY, pos, "no JSON value");
      case OBJ_FIRST, ARR_FIRST -> throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, pos,
          "the text ends right after an opening bracket: it looks cut off; send the complete value");
      case AFTER -> {
        if (!mayCloseBrackets) {
          throw new Failure(Kind.TRUNCATED, pos, "the text ends with " + depth + " bracket(s) still open");
        }
        repairs.add(Repair.MISSING_CLOSER);
        while (depth > 0) out.append(stack[--depth] == OBJ ? '}' : ']');
      }
      case OBJ_NEXT, ARR_NEXT -> throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, pos,
          "the text ends right after a ',': it looks cut off; send the complete value");
      default -> throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, pos,
          "the text ends inside an object member: it looks cut off; send the complete value");
    }
  }

  /** After the top-level value only stray closers may remain ({@code {"a":1}}}); anything else is reported. */
  private void trailing() throws Failure {
    int first = pos;
    while (true) {
      skipBlank();
      if (pos >= end) break;
      char c = s.charAt(pos);
      if (c != '}' && c != ']') throw fail(pos, "unexpected text after the complete JSON value");
      pos++;
    }
    if (pos > first) repairs.add(Repair.EXTRA_CLOSER);
  }

  private int next() {
    return depth == 0 ? DONE : AFTER;
  }

  // ---- tokens ---------------------------------------------------------------------------------------------

  private void string(int role) throws Failure {
    int open = pos;
    char q = s.charAt(pos++);
    if (q == '\'') repairs.add(Repair.SINGLE_QUOTES);
    else if (q != '"') repairs.add(Repair.SMART_QUOTES);
    out.append('"');
    boolean rawNewline = false;
    boolean innerQuote = false;
    boolean letterEscape = false;
    boolean badEscape = false;
    while (true) {
      if (pos >= end) {
        throw new Failure(mayCloseBrackets ? Kind.UNPARSEABLE : Kind.TRUNCATED, open, rawNewline
            ? "a line break inside the string starting here, and the string never closes: the closing quote is "
                + "probably missing; escape line breaks as \\n and close every string"
            : "the string starting here is never closed");
      }
      char c = s.charAt(pos);
      if (c == '\\') {
        if (pos + 1 >= end) throw fail(open, "the string starting here ends with a lone backslash");
        char e = s.charAt(pos + 1);
        switch (e) {
          case '"', '\\', '/' -> {
            out.append('\\').append(e);
            pos += 2;
          }
          case 'b', 'f', 'n', 'r', 't' -> {
            letterEscape = true;
            out.append('\\').append(e);
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
              out.append("\\\\");
              pos++;
            }
          }
          case '\'' -> {
            // JavaScript's \' has one meaning: the quote itself.
            repairs.add(Repair.INVALID_ESCAPE);
            out.append('\'');
            pos += 2;
          }
          case '\n', '\r' -> throw fail(pos, "a backslash at the end of a line inside a string");
          default -> {
            // \U, \d, \. ... are not JSON escapes: the backslash can only be a literal one.
            badEscape = true;
            repairs.add(Repair.INVALID_ESCAPE);
            out.append("\\\\");
            pos++;
          }
        }
      } else if (closes(q, c)) {
        int verdict = closesHere(pos + 1, role);
        if (verdict == AMBIGUOUS) {
          throw fail(pos + 1, "two strings follow each other without a comma (or the quote before is not escaped); "
              + "separate values with ',' and escape quotes inside strings as \\\"");
        }
        if (verdict == CLOSE) {
          if (q == '"' && c != '"') repairs.add(Repair.SMART_QUOTES);
          pos++;
          break;
        }
        // A quote inside the text that the model did not escape, e.g. "the "dictator", waiting".
        if (c == q || c == '"') {
          innerQuote = true;
          repairs.add(Repair.INNER_QUOTE);
        }
        if (c == '"') out.append("\\\"");
        else out.append(c);
        pos++;
      } else if (c == '"') {
        out.append("\\\"");
        pos++;
      } else if (c < 0x20) {
        repairs.add(Repair.CONTROL_CHAR);
        switch (c) {
          case '\n' -> {
            rawNewline = true;
            out.append("\\n");
          }
          case '\r' -> {
            rawNewline = true;
            out.append("\\r");
          }
          case '\t' -> out.append("\\t");
          default -> out.append(String.format("\\u%04x", (int) c));
        }
        pos++;
      } else {
        out.append(c);
        pos++;
      }
    }
    out.append('"');
    if (rawNewline && (innerQuote || role == KEY)) {
      throw fail(open, "a line break inside the string starting here: either the line break is not escaped or "
          + "the closing quote is missing; escape line breaks as \\n and close every string");
    }
    if (badEscape && letterEscape) {
      throw fail(open, "ambiguous backslashes in the string starting here: \\n or \\t may be an escape or part of a "
          + "Windows path; write every literal backslash as \\\\");
    }
  }

  private static boolean closes(char q, char c) {
    return switch (q) {
      case '"' -> c == '"' || c == '\u201D';
      case '\'' -> c == '\'' || c == '\u2019';
      case '\u201C', '\u201D' -> c == '\u201D' || c == '"' || c == '\u201C';
      default -> c == '\u2019' || c == '\'';
    };
  }

  /**
   * Decides whether a quote at {@code p - 1} ends the string: what follows must fit the grammar at this point.
   * The look-ahead stops at the next token, so the whole pass stays linear.
   */
  private static final int CONTENT = 0;
  private static final int CLOSE = 1;
  private static final int AMBIGUOUS = 2;

  private int closesHere(int p, int role) {
    boolean newline = false;
    while (p < end) {
      char c = s.charAt(p);
      if (c == ' ' || c == '\t' || c == '\r') p++;
      else if (c == '\n') {
        newline = true;
        p++;
      } else break;
    }
    if (p >= end) return CLOSE;
    char c = s.charAt(p);
    if (role == KEY) return c == ':' ? CLOSE : CONTENT;
    if (depth == 0) return CLOSE;
    boolean inObject = stack[depth - 1] == OBJ;
    return switch (c) {
      case '}', ']', '/', '#' -> CLOSE;
      case ',' -> followsComma(p + 1, inObject) ? CLOSE : CONTENT;
      case ':' -> CONTENT;
      default -> {
        if (newline) yield startsMember(p, inObject) ? CLOSE : CONTENT;
        // "a" "b" on one line: a missing comma, a concatenation, or unescaped quotes: three readings.
        yield isQuote(c) && p > 0 && Character.isWhitespace(s.charAt(p - 1)) ? AMBIGUOUS : CONTENT;
      }
    };
  }

  private boolean followsComma(int p, boolean inObject) {
    while (p < end && Character.isWhitespace(s.charAt(p))) p++;
    if (p >= end) return true;
    char c = s.charAt(p);
    if (c == '}' || c == ']') return true;
    return startsMember(p, inObject);
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

  private boolean startsLiteral(int p) {
    for (String w : new String[] {"true", "false", "null", "True", "False", "None"}) {
      if (s.startsWith(w, p) && (p + w.length() >= end || !isWordChar(s.charAt(p + w.length())))) return true;
    }
    return false;
  }

  private void number() throws Failure {
    int begin = pos;
    char c = s.charAt(pos);
    if (c == '+') {
      repairs.add(Repair.NUMBER_FORMAT);
      pos++;
    } else if (c == '-') {
      out.append('-');
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
        out.append('0');
      }
      out.append('.');
      pos++;
      if (digits() == 0) {
        repairs.add(Repair.NUMBER_FORMAT);
        out.append('0');
      }
    } else if (digits == 0) {
      throw fail(begin, "expected a number");
    }
    if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      out.append('e');
      pos++;
      if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) out.append(s.charAt(pos++));
      if (digits() == 0) throw fail(begin, "the number has an exponent without digits");
    }
    if (pos < end && !isDelimiter(s.charAt(pos))) {
      throw fail(pos, "unexpected " + describe(s.charAt(pos)) + " right after the number '" + clip(begin, pos) + "'");
    }
  }

  /** Copies digits, dropping '_' separators between digits ({@code 1_000}); returns how many digits. */
  private int digits() {
    int n = 0;
    while (pos < end) {
      char c = s.charAt(pos);
      if (c >= '0' && c <= '9') {
        out.append(c);
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
    while (pos < end && isWordChar(s.charAt(pos))) pos++;
    String w = s.substring(begin, pos);
    switch (w) {
      case "true", "false", "null" -> out.append(w);
      case "True", "TRUE" -> literal("true", Repair.PYTHON_LITERAL);
      case "False", "FALSE" -> literal("false", Repair.PYTHON_LITERAL);
      case "None", "NULL", "Null" -> literal("null", Repair.PYTHON_LITERAL);
      case "undefined" -> literal("null", Repair.UNDEFINED_LITERAL);
      case "NaN", "Infinity", "nan", "inf", "Inf" -> throw fail(begin,
          w + " is not representable in JSON; use null, a string or a finite number");
      default -> {
        if (state != OBJ_VALUE) {
          throw fail(begin, "unquoted text '" + clip(begin, pos) + "' where a value was expected");
        }
        if (w.equalsIgnoreCase("yes") || w.equalsIgnoreCase("no") || w.equalsIgnoreCase("on")
            || w.equalsIgnoreCase("off")) {
          throw fail(begin, "unquoted '" + w + "' may mean a boolean or a string; write true, false or \"" + w + "\"");
        }
        // A single bare word ending the member ({"status": active}) has one reading: a string.
        int p = pos;
        while (p < end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
        char n = p < end ? s.charAt(p) : '\n';
        if (n != ',' && n != '}' && n != '\n' && n != '\r') {
          throw fail(begin, "unquoted text '" + clip(begin, Math.min(end, p + 12)) + "' where a value was expected");
        }
        repairs.add(Repair.UNQUOTED_VALUE);
        out.append('"').append(w).append('"');
        return;
      }
    }
    if (pos < end && !isDelimiter(s.charAt(pos))) {
      throw fail(pos, "unexpected " + describe(s.charAt(pos)) + " right after '" + w + "'");
    }
  }

  private void literal(String json, Repair repair) {
    repairs.add(repair);
    out.append(json);
  }

  // ---- helpers --------------------------------------------------------------------------------------------

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
        int nl = s.indexOf('\n', pos);
        pos = nl < 0 || nl > end ? end : nl;
      } else if (c == '/' && pos + 1 < end && s.charAt(pos + 1) == '*') {
        int close = s.indexOf("*/", pos + 2);
        if (close < 0 || close + 2 > end) throw fail(pos, "a /* comment is never closed");
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
    out.setLength(out.length() - 1);
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

  private Failure placeholder(int at) {
    return fail(at, "a '...' placeholder stands for content that was left out; send the complete value");
  }

  private Failure fail(int at, String message) {
    return new Failure(Kind.UNPARSEABLE, at, message);
  }

  private String clip(int from, int to) {
    return to - from > 40 ? s.substring(from, from + 40) + "…" : s.substring(from, to);
  }

  private static String describe(char c) {
    if (c < 0x20 || c == 0x7F) return String.format("control character U+%04X", (int) c);
    return "'" + c + "'";
  }
}
