package dev.spectra.orchestrator.structured;

import dev.spectra.orchestrator.model.Attempt;
import java.util.Objects;

/**
 * One edit the lenient mode made where the text allows more than one reading: the caller sees every place where the
 * value may differ from what the model meant.
 *
 * @param kind stable name: {@code truncated-string}, {@code missing-quote}, {@code placeholder}, ... (see
 *     {@code docs/structured-output.md})
 * @param offset index in the text given to the repairer (UTF-16 units)
 * @param line 1-based line of {@code offset}
 * @param column 1-based column of {@code offset}
 * @param detail what was assumed, in words
 */
public record Guess(String kind, int offset, int line, int column, String detail) {
  public Guess {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  /** {@return a guess at {@code offset} of {@code text}, its line and column counted there} */
  static Guess at(CharSequence text, int offset, String kind, String detail) {
    int line = 1;
    int lineStart = 0;
    int end = Math.min(offset, text.length());
    for (int i = 0; i < end; i++) {
      if (text.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return new Guess(kind, offset, line, end - lineStart + 1, detail);
  }

  /**
   * {@return how an {@code Attempt} lists this guess among its repairs: {@code guess:missing-quote@3:7}} The
   * {@code guess:} prefix keeps guesses apart from the edits the grammar forced.
   */
  public String repairName() {
    return Attempt.GUESS_PREFIX + kind + "@" + line + ":" + column;
  }

  /** {@return "line 3, column 7: missing-quote (detail)"} */
  @Override public String toString() {
    return "line " + line + ", column " + column + ": " + kind + " (" + detail + ")";
  }
}
