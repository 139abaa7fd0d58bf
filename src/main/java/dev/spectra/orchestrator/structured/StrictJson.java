package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one strict JSON reader of the engine. Policies, applied the same to raw and repaired text:
 * <ul>
 *   <li>numbers are exact: decimals become {@code BigDecimal} without stripping zeros ({@code 0.1}, {@code 1e400}),
 *       integers stay {@code int}/{@code long}/{@code BigInteger} by size;</li>
 *   <li>duplicate keys are rejected as ambiguous: a model that wrote a key twice did not say which value it meant,
 *       and "last wins" silently drops one (the error names the key, so a re-ask can fix it);</li>
 *   <li>bounded: nesting depth, number length (1000 digits; parsing longer ones is super-linear) and string
 *       length are capped, so no input makes the parser hang or overflow the stack.</li>
 * </ul>
 */
final class StrictJson {
  /** Deep enough for any real answer; shallow enough for the recursive validator and tree printers. */
  static final int MAX_DEPTH = 256;
  static final int MAX_NUMBER_LENGTH = 1000;
  /** Texts up to this many characters are read by {@link TreeReader} (it copies them into one array). */
  private static final int READER_LIMIT = 4 << 20;
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:Object property|field) [\"']([^\"']*)[\"']");

  private static final String DUPLICATE_PROBLEM = "duplicate key";

  private final ObjectMapper mapper;
  private final MemberNames names = new MemberNames();

  StrictJson() {
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxNestingDepth(MAX_DEPTH)
            .maxNumberLength(MAX_NUMBER_LENGTH)
            .maxStringLength(200_000_000)
            .build())
        .build();
    mapper = new ObjectMapper(factory)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        // Checked while building the tree (the replaced entry), cheaper than the parser's per-object key set.
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
        .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
  }

  ObjectMapper mapper() {
    return mapper;
  }

  /**
   * The outcome of a strict parse: a value, or the reason with its position in the parsed text. The reason of a
   * plain syntax error is worked out only when asked for: most rejected candidates are never reported.
   */
  static final class Parsed {
    private final JsonNode value;
    private final boolean fatal;
    private Supplier<Parsed> details;
    private String problem;
    private int line;
    private int column;

    Parsed(JsonNode value, String problem, int line, int column, boolean fatal) {
      this.value = value;
      this.problem = problem;
      this.line = line;
      this.column = column;
      this.fatal = fatal;
    }

    private Parsed(Supplier<Parsed> details) {
      this.value = null;
      this.fatal = false;
      this.details = details;
    }

    boolean ok() {
      return value != null;
    }

    JsonNode value() {
      return value;
    }

    boolean fatal() {
      return fatal;
    }

    /** {@return whether the text is refused only for a key written twice in one object} */
    boolean duplicateKey() {
      return fatal && problem().startsWith(DUPLICATE_PROBLEM);
    }

    String problem() {
      resolve();
      return problem;
    }

    int line() {
      resolve();
      return line;
    }

    int column() {
      resolve();
      return column;
    }

    private void resolve() {
      if (details == null) return;
      Parsed d = details.get();
      details = null;
      problem = d.problem;
      line = d.line;
      column = d.column;
    }
  }

  /**
   * Parses {@code text} strictly. {@code fatal} marks errors that no repair can change (a duplicate key, a number
   * or nesting over the limits): the caller reports them instead of trying the repairer.
   */
  Parsed parse(String text) {
    return parse(text, 0, text.length());
  }

  /**
   * A value read with the last of repeated keys kept, as lenient repair reads it.
   *
   * @param repeated UTF-8 byte offset (in the text read) of each key that repeats an earlier one of its object
   * @param names the repeated names, in the same order
   */
  record LastWins(JsonNode value, long[] repeated, List<String> names) {}

  /**
   * {@return {@code utf8} read as one strict JSON value except that a repeated key keeps its last value, or null
   * when it is not one even so} {@code utf8} gives the same bytes at each call: the repeated keys and the tree are
   * found in two passes.
   */
  LastWins lastWins(Supplier<InputStream> utf8) {
    long[] at = new long[4];
    List<String> names = new ArrayList<>();
    try (JsonParser p = mapper.getFactory().createParser(utf8.get())) {
      // One key set per open object, as the strict check keeps them.
      ArrayDeque<Set<String>> open = new ArrayDeque<>();
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case START_OBJECT -> open.push(new HashSet<>());
          case END_OBJECT -> open.pop();
          case FIELD_NAME -> {
            if (!open.peek().add(p.currentName())) {
              if (names.size() == at.length) at = Arrays.copyOf(at, at.length * 2);
              at[names.size()] = p.currentTokenLocation().getByteOffset();
              names.add(p.currentName());
            }
          }
          default -> { }
        }
      }
      JsonNode value = mapper.reader().without(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .readTree(utf8.get());
      if (value == null || value.isMissingNode()) return null;
      return new LastWins(value, Arrays.copyOf(at, names.size()), List.copyOf(names));
    } catch (JsonProcessingException | NumberFormatException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The outcome of a streaming check: {@code problem} is null when the text is one strict JSON value. */
  record Checked(String problem, int line, int column, boolean fatal) {
    boolean ok() {
      return problem == null;
    }
  }

  /** Like {@link #parse} on the characters {@code from..to} of {@code text}, without building a tree or a copy. */
  Checked check(CharSequence text, int from, int to) {
    return check(mapper.getFactory(), new RangeReader(text, from, to), null);
  }

  /** Like {@link #parse} on UTF-8 bytes, without building a tree. */
  Checked check(InputStream utf8) {
    return check(mapper.getFactory(), null, utf8);
  }

  private Checked check(JsonFactory factory, Reader reader, InputStream in) {
    try (JsonParser p = reader != null ? factory.createParser(reader) : factory.createParser(in)) {
      // Per open object only: a long array of small objects costs one small key set at a time.
      p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      if (p.nextToken() == null) return new Checked("no JSON value", 1, 1, false);
      // Tokenizing checks grammar, nesting, number length and (with the feature above) duplicate keys.
      p.skipChildren();
      JsonToken after = p.nextToken();
      if (after != null) {
        var at = p.currentLocation();
        return new Checked("unexpected text after the value", Math.max(1, at.getLineNr()),
            Math.max(1, at.getColumnNr()), false);
      }
      return new Checked(null, 0, 0, false);
    } catch (JsonProcessingException e) {
      Parsed parsed = classify(e);
      return new Checked(parsed.problem(), parsed.line(), parsed.column(), parsed.fatal());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Like {@link #parse(String)} on a range. Small texts are read by {@link TreeReader}; the mapper is asked only
   * where that reader is unsure, and for the wording and position of a syntax error when someone reads it.
   */
  Parsed parse(CharSequence text, int from, int to) {
    if (to - from <= READER_LIMIT) {
      TreeReader.Read r = TreeReader.read(mapper.getNodeFactory(), names, text, from, to);
      switch (r.outcome()) {
        case VALUE -> {
          return new Parsed(r.value(), null, 0, 0, false);
        }
        case SYNTAX -> {
          return new Parsed(() -> parseByMapper(text, from, to));
        }
        case ASK_MAPPER -> { }
      }
    }
    return parseByMapper(text, from, to);
  }

  private Parsed parseByMapper(CharSequence text, int from, int to) {
    return parseWith(() -> mapper.readTree(new RangeReader(text, from, to)));
  }

  /** Like {@link #parse(String)} on UTF-8 bytes. */
  Parsed parse(InputStream utf8) {
    return parseWith(() -> mapper.readTree(utf8));
  }

  /** One source of a tree for the mapper: a string, a range of characters or UTF-8 bytes. */
  @FunctionalInterface
  private interface TreeSource {
    JsonNode read() throws IOException;
  }

  /** The mapper's reading of one source, its failures classified the same way whatever the source. */
  private Parsed parseWith(TreeSource source) {
    try {
      JsonNode node = source.read();
      if (node == null || node.isMissingNode()) return new Parsed(null, "no JSON value", 1, 1, false);
      return new Parsed(node, null, 0, 0, false);
    } catch (JsonProcessingException e) {
      return classify(e);
    } catch (NumberFormatException e) {
      return outOfRange();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@return the tree of text already checked} */
  JsonNode tree(Reader reader) {
    try {
      return mapper.readTree(reader);
    } catch (IOException e) {
      throw new IllegalStateException("checked JSON no longer parses: " + e.getMessage(), e);
    }
  }

  JsonNode tree(InputStream in) {
    try {
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("checked JSON no longer parses: " + e.getMessage(), e);
    }
  }

  /** The mapper reads a number such as {@code 1e9999999999} only when asked for its value, and fails unchecked. */
  private static Parsed outOfRange() {
    return new Parsed(null, "a number out of range (an exponent too large to represent)", 1, 1, true);
  }

  private static Parsed classify(JsonProcessingException e) {
    if (e instanceof StreamConstraintsException) {
      String what = e.getOriginalMessage();
      if (what.contains("Number value length")) what = "a number longer than " + MAX_NUMBER_LENGTH + " digits";
      else if (what.contains("nesting depth")) what = "nesting deeper than " + MAX_DEPTH + " levels; flatten the value";
      return located(e, what, true);
    }
    String message = e.getOriginalMessage();
    Matcher m = DUPLICATE.matcher(message == null ? "" : message);
    if (m.find()) {
      return located(e, DUPLICATE_PROBLEM + " '" + m.group(1) + "': the value is ambiguous; write each key once", true);
    }
    return located(e, firstLine(message), false);
  }

  /** Reads a range of a string without copying it first. */
  static final class RangeReader extends Reader {
    private final CharSequence s;
    private int pos;
    private final int end;

    RangeReader(CharSequence s, int from, int to) {
      this.s = s;
      this.pos = from;
      this.end = to;
    }

    @Override public int read(char[] buf, int off, int len) {
      if (pos >= end) return -1;
      int n = Math.min(len, end - pos);
      Chars.getChars(s, pos, n, buf, off);
      pos += n;
      return n;
    }

    @Override public void close() {}
  }

  private static Parsed located(JsonProcessingException e, String what, boolean fatal) {
    JsonLocation at = e.getLocation();
    int line = at == null ? 1 : Math.max(1, at.getLineNr());
    int column = at == null ? 1 : Math.max(1, at.getColumnNr());
    return new Parsed(null, what, line, column, fatal);
  }

  private static String firstLine(String message) {
    if (message == null) return "invalid JSON";
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
