package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
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
  private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:Object property|field) [\"']([^\"']*)[\"']");

  private final ObjectMapper mapper;

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

  /** The outcome of a strict parse: a value, or the reason with its position in the parsed text. */
  record Parsed(JsonNode value, String problem, int line, int column, boolean fatal) {
    boolean ok() {
      return value != null;
    }
  }

  /**
   * Parses {@code text} strictly. {@code fatal} marks errors that no repair can change (a duplicate key, a number
   * or nesting over the limits): the caller reports them instead of trying the repairer.
   */
  Parsed parse(String text) {
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || node.isMissingNode()) return new Parsed(null, "no JSON value", 1, 1, false);
      return new Parsed(node, null, 0, 0, false);
    } catch (StreamConstraintsException e) {
      String what = e.getOriginalMessage();
      if (what.contains("Number value length")) what = "a number longer than " + MAX_NUMBER_LENGTH + " digits";
      else if (what.contains("nesting depth")) what = "nesting deeper than " + MAX_DEPTH + " levels; flatten the value";
      return located(e, what, true);
    } catch (JsonProcessingException e) {
      String message = e.getOriginalMessage();
      Matcher m = DUPLICATE.matcher(message == null ? "" : message);
      if (m.find()) {
        return located(e, "duplicate key '" + m.group(1) + "': the value is ambiguous; write each key once", true);
      }
      return located(e, firstLine(message), false);
    }
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
