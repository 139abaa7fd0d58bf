package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads strict JSON straight into the same tree {@link StrictJson}'s mapper builds, for small texts: most replies
 * are valid as written, and the mapper's per-call setup, its parser and, on bad text, the exception it throws cost
 * several times the reading itself.
 *
 * <p>It answers only what it is sure of. A value is exactly the mapper's (numbers: {@code int}, {@code long},
 * {@code BigInteger} by size, decimals as written); {@link Outcome#SYNTAX} means the mapper rejects the text too,
 * without a fatal error (a duplicate key, a nesting, number or name over the limits) before that point. Anything
 * near a limit or a duplicate key is {@link Outcome#ASK_MAPPER}: the caller lets the mapper decide and phrase it.
 * Errors carry no message or position; the caller asks the mapper for those only when it reports one.
 */
final class TreeReader {
  enum Outcome { VALUE, SYNTAX, ASK_MAPPER }

  /** Well inside the mapper's limits (256 levels, 1,000-digit numbers, 50,000-character names). */
  private static final int DEPTH_LIMIT = 200;
  private static final int NUMBER_LIMIT = 400;
  private static final int NAME_LIMIT = 20_000;

  /** Thrown to unwind; preallocated and without a stack trace, so a rejected text costs no more than a read one. */
  private static final class Stop extends RuntimeException {
    Stop() {
      super(null, null, false, false);
    }
  }

  private final JsonNodeFactory factory;
  private final String s;
  private final int end;
  private int pos;
  private int depth;
  private Outcome outcome = Outcome.VALUE;
  private final Stop stop = new Stop();
  private StringBuilder scratch;
  private Object[] stack = new Object[16];
  private int top;
  private final MemberNames names;
  /** Per open container (index: depth): where its elements start on {@link #stack}, times 2, plus 1 for objects. */
  private int[] frames = new int[16];

  private TreeReader(JsonNodeFactory factory, MemberNames names, CharSequence text, int from, int to) {
    this.factory = factory;
    this.names = names;
    // Read a String in place (names and values are its substrings); anything else is copied once.
    if (text instanceof String str) {
      this.s = str;
      this.pos = from;
      this.end = to;
    } else {
      this.s = Chars.substring(text, from, to);
      this.end = s.length();
    }
  }

  /** The result of one read: a value, or which kind of answer the caller must get elsewhere. */
  record Read(JsonNode value, Outcome outcome) {}

  static Read read(JsonNodeFactory factory, MemberNames names, CharSequence text, int from, int to) {
    TreeReader r = new TreeReader(factory, names, text, from, to);
    try {
      r.skipBlank();
      JsonNode v = r.value();
      r.skipBlank();
      if (r.pos != r.end) return new Read(null, Outcome.SYNTAX);
      return new Read(v, Outcome.VALUE);
    } catch (Stop s) {
      // The mapper checks a name when it stores the member: a duplicate before the error is what it reports.
      if (r.outcome == Outcome.SYNTAX && r.pendingDuplicate()) return new Read(null, Outcome.ASK_MAPPER);
      return new Read(null, r.outcome);
    }
  }

  /**
   * {@return whether an object still open when reading stopped already holds a name twice} The mapper stores a
   * member when its value is read, or as soon as it opens when the value is an object or array: a name repeated
   * before the error is what it reports.
   */
  private boolean pendingDuplicate() {
    for (int d = 1; d <= depth; d++) {
      if ((frames[d] & 1) == 0) continue;
      int base = frames[d] >> 1;
      // MemberNames sit at even places from the base; the last one counts only when its value is still open below.
      int to = d < depth ? frames[d + 1] >> 1 : base + (top - base) / 2 * 2;
      for (int i = base; i < to; i += 2) {
        for (int j = i + 2; j < to; j += 2) if (stack[i].equals(stack[j])) return true;
      }
    }
    return false;
  }

  private Stop syntax() {
    outcome = Outcome.SYNTAX;
    return stop;
  }

  private Stop askMapper() {
    outcome = Outcome.ASK_MAPPER;
    return stop;
  }

  private void skipBlank() {
    while (pos < end) {
      char c = s.charAt(pos);
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      pos++;
    }
  }

  private char peek() {
    if (pos >= end) throw syntax();
    return s.charAt(pos);
  }

  private JsonNode value() {
    char c = peek();
    switch (c) {
      case '{':
        return object();
      case '[':
        return array();
      case '"':
        return TextNode.valueOf(string());
      case 't':
        literal("true");
        return BooleanNode.TRUE;
      case 'f':
        literal("false");
        return BooleanNode.FALSE;
      case 'n':
        literal("null");
        return NullNode.getInstance();
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return number();
        throw syntax();
    }
  }

  private ObjectNode object() {
    // Members wait on a stack shared by all levels, so each map is made at its final size.
    int base = enter(true);
    pos++;
    skipBlank();
    if (peek() == '}') {
      pos++;
      depth--;
      return new ObjectNode(factory, new Members(new String[0], new JsonNode[0], 0));
    }
    while (true) {
      if (peek() != '"') throw syntax();
      push(key());
      skipBlank();
      if (peek() != ':') throw syntax();
      pos++;
      skipBlank();
      push(value());
      skipBlank();
      char c = peek();
      pos++;
      if (c == '}') break;
      if (c != ',') throw syntax();
      skipBlank();
    }
    int n = (top - base) / 2;
    Map<String, JsonNode> members;
    if (n <= Members.MAX) {
      String[] names = new String[n];
      JsonNode[] values = new JsonNode[n];
      for (int i = 0; i < n; i++) {
        String name = (String) stack[base + 2 * i];
        // A duplicate is fatal for the mapper, with its own message: let it say so.
        for (int j = 0; j < i; j++) if (names[j].equals(name)) throw askMapper();
        names[i] = name;
        values[i] = (JsonNode) stack[base + 2 * i + 1];
      }
      members = new Members(names, values, n);
    } else {
      members = LinkedHashMap.newLinkedHashMap(n);
      for (int i = base; i < top; i += 2) {
        if (members.put((String) stack[i], (JsonNode) stack[i + 1]) != null) throw askMapper();
      }
    }
    top = base;
    depth--;
    return new ObjectNode(factory, members);
  }

  private ArrayNode array() {
    int base = enter(false);
    pos++;
    skipBlank();
    if (peek() == ']') {
      pos++;
      depth--;
      return new ArrayNode(factory, new ArrayList<>(2));
    }
    while (true) {
      push(value());
      skipBlank();
      char c = peek();
      pos++;
      if (c == ']') break;
      if (c != ',') throw syntax();
      skipBlank();
    }
    List<JsonNode> items = new ArrayList<>(top - base);
    for (int i = base; i < top; i++) items.add((JsonNode) stack[i]);
    top = base;
    depth--;
    return new ArrayNode(factory, items);
  }

  /** Opens a container: {@return where its elements start on the stack} */
  private int enter(boolean object) {
    if (++depth > DEPTH_LIMIT) throw askMapper();
    if (depth == frames.length) frames = Arrays.copyOf(frames, frames.length * 2);
    frames[depth] = top << 1 | (object ? 1 : 0);
    return top;
  }

  private void push(Object o) {
    if (top == stack.length) stack = Arrays.copyOf(stack, stack.length * 2);
    stack[top++] = o;
  }

  /**
   * Reads a member name. Replies repeat their names ({@code "id"} in every element of a list): one instance per
   * name and text saves the copies and the hashing of each.
   */
  private String key() {
    int start = pos + 1;
    int h = 0;
    for (int p = start; p < end; p++) {
      char c = s.charAt(p);
      if (c == '"') {
        int n = p - start;
        if (n > NAME_LIMIT) throw askMapper();
        pos = p + 1;
        return names.name(s, start, p, h);
      }
      if (c == '\\' || c < 0x20) break;
      h = 31 * h + c;
    }
    String name = string();
    if (name.length() > NAME_LIMIT) throw askMapper();
    return name;
  }


  private void literal(String word) {
    int n = word.length();
    if (pos + n > end) throw syntax();
    for (int i = 1; i < n; i++) if (s.charAt(pos + i) != word.charAt(i)) throw syntax();
    pos += n;
    // "truex", "null1": the mapper reads one unknown token; so do we (a letter or digit may not follow).
    if (pos < end && Character.isJavaIdentifierPart(s.charAt(pos))) throw syntax();
  }

  /** Reads a string from its opening quote; returns its content. */
  private String string() {
    int start = ++pos;
    for (int p = start; p < end; p++) {
      char c = s.charAt(p);
      if (c == '"') {
        pos = p + 1;
        return s.substring(start, p);
      }
      if (c == '\\') return escapedString(start, p);
      if (c < 0x20) throw syntax();
    }
    throw syntax();
  }

  private String escapedString(int start, int p) {
    StringBuilder sb = scratch == null ? scratch = new StringBuilder(Math.max(16, p - start + 16)) : scratch;
    sb.setLength(0);
    sb.append(s, start, p);
    while (p < end) {
      char c = s.charAt(p++);
      if (c == '"') {
        pos = p;
        return sb.toString();
      }
      if (c < 0x20) throw syntax();
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      if (p >= end) throw syntax();
      char e = s.charAt(p++);
      switch (e) {
        case '"', '\\', '/' -> sb.append(e);
        case 'b' -> sb.append('\b');
        case 'f' -> sb.append('\f');
        case 'n' -> sb.append('\n');
        case 'r' -> sb.append('\r');
        case 't' -> sb.append('\t');
        case 'u' -> {
          if (p + 4 > end) throw syntax();
          int v = 0;
          for (int i = 0; i < 4; i++) {
            int d = Character.digit(s.charAt(p + i), 16);
            if (d < 0 || s.charAt(p + i) > 'f') throw syntax();
            v = (v << 4) | d;
          }
          p += 4;
          sb.append((char) v);
        }
        default -> throw syntax();
      }
    }
    throw syntax();
  }

  private JsonNode number() {
    int start = pos;
    boolean negative = s.charAt(pos) == '-';
    if (negative) pos++;
    int intStart = pos;
    if (pos >= end) throw syntax();
    char c = s.charAt(pos);
    if (c == '0') {
      pos++;
      // "01": leading zeros are not JSON.
      if (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') throw syntax();
    } else if (c >= '1' && c <= '9') {
      while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
    } else {
      throw syntax();
    }
    int intDigits = pos - intStart;
    boolean decimal = false;
    boolean exponent = false;
    int fraction = 0;
    if (pos < end && s.charAt(pos) == '.') {
      decimal = true;
      pos++;
      int d = pos;
      while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
      if (pos == d) throw syntax();
      fraction = pos - d;
    }
    if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      decimal = true;
      exponent = true;
      pos++;
      if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) pos++;
      int d = pos;
      while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') pos++;
      if (pos == d) throw syntax();
    }
    int length = pos - start;
    if (length > NUMBER_LIMIT) throw askMapper();
    // "1x", "2true": the mapper rejects a letter right after a number; so do we.
    if (pos < end && (Character.isLetter(s.charAt(pos)) || s.charAt(pos) == '.')) throw syntax();
    if (decimal) {
      if (!exponent && length <= 19) {
        // 375.96 is 37596 with scale 2: the same value and scale as the text gives, without parsing it twice.
        long unscaled = 0;
        for (int i = intStart; i < pos; i++) {
          char d = s.charAt(i);
          if (d != '.') unscaled = unscaled * 10 + (d - '0');
        }
        return DecimalNode.valueOf(BigDecimal.valueOf(negative ? -unscaled : unscaled, fraction));
      }
      try {
        return DecimalNode.valueOf(new BigDecimal(s.substring(start, pos)));
      } catch (NumberFormatException e) {
        // 1e9999999999: out of range; the mapper has its own answer for it.
        throw askMapper();
      }
    }
    if (intDigits <= 18) {
      long v = 0;
      for (int i = intStart; i < pos; i++) v = v * 10 + (s.charAt(i) - '0');
      if (negative) v = -v;
      if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) return IntNode.valueOf((int) v);
      return LongNode.valueOf(v);
    }
    BigInteger big = new BigInteger(s.substring(start, pos));
    if (big.bitLength() < 64) return LongNode.valueOf(big.longValue());
    return BigIntegerNode.valueOf(big);
  }
}
