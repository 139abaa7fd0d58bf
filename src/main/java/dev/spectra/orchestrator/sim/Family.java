package dev.spectra.orchestrator.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The ways model JSON breaks in the wild (see FIELD-NOTES §2), as corruptions the simulator applies. Syntactic
 * families make the text unparseable as strict JSON; semantic ones keep valid JSON that breaks the schema.
 */
enum Family {
  /** ```json fences around the value. */
  FENCES(true),
  /** A sentence before and after the JSON, with brackets in the prose. */
  PROSE(true),
  /** A {@code <think>} block before the answer, as reasoning models emit. */
  THINK(true),
  /** A comma before a closing bracket. */
  TRAILING_COMMA(true),
  /** Single quotes instead of double quotes. */
  SINGLE_QUOTES(true),
  /** Object keys without quotes. */
  UNQUOTED_KEYS(true),
  /** {@code True}/{@code False}/{@code None} instead of JSON literals. */
  PYTHON_LITERALS(true),
  /** {@code //} and {@code /* *}{@code /} comments inside the value. */
  COMMENTS(true),
  /** Double quotes inside a string left unescaped. */
  UNESCAPED_QUOTES(true),
  /** Cut off part-way, with finish reason {@code length}. */
  TRUNCATION(true),
  /** Valid JSON lacking a required property. */
  MISSING_FIELDS(false),
  /** Valid JSON with a property of the wrong type. */
  WRONG_TYPES(false),
  /** The empty object {@code {}}. */
  EMPTY_OBJECT(false);

  final boolean syntactic;

  Family(boolean syntactic) { this.syntactic = syntactic; }

  /** {@return the name used in profile files, e.g. {@code trailing-comma}} */
  String wire() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  static Optional<Family> fromWire(String s) {
    return Arrays.stream(values()).filter(f -> f.wire().equals(s.strip().toLowerCase(Locale.ROOT).replace('_', '-')))
        .findFirst();
  }
}
