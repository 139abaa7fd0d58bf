package dev.spectra.orchestrator.verify.workspace;

/**
 * Names chosen by a model or left by generated code, made safe to print: control characters (newline, CR, ESC),
 * NUL, bidirectional controls (U+202E makes "txt.exe" read "exe.txt") and other invisible format characters are
 * shown as {@code <U+XXXX>}, so a report or a terminal shows what is really there.
 */
public final class Names {
  private Names() {}

  /** {@return {@code s} with every character that is not safely printable escaped, and cut at 300 characters} */
  public static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().limit(300).forEach(c -> {
      if (unsafe(c)) sb.append(String.format("<U+%04X>", c));
      else sb.appendCodePoint(c);
    });
    if (s.codePointCount(0, s.length()) > 300) sb.append("...");
    return sb.toString();
  }

  /**
   * {@return {@code text} with unsafe characters escaped but line breaks and tabs kept}: for whole reports, in
   * which a test's output or a model's words may carry terminal escapes or bidirectional overrides.
   */
  public static String clean(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    text.codePoints().forEach(c -> {
      if (c != '\n' && c != '\t' && unsafe(c)) sb.append(String.format("<U+%04X>", c));
      else sb.appendCodePoint(c);
    });
    return sb.toString();
  }

  /** {@return true for control, format (bidi and zero-width), private-use, unassigned and surrogate code points} */
  public static boolean unsafe(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL || type == Character.FORMAT || type == Character.PRIVATE_USE
        || type == Character.SURROGATE || type == Character.UNASSIGNED || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR;
  }
}
