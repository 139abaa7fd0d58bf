package dev.spectra.orchestrator.cli;

/**
 * Ends a command with a given exit code and a message for the user, without a stack trace. Commands throw
 * it; {@link Main} prints the message to stderr and maps it to the code. With {@code --json}, Main also prints the
 * error as a JSON object on stdout, unless the command already printed its result there ({@link #resultPrinted}).
 */
public final class ExitException extends RuntimeException {
  private final int code;
  private final boolean resultPrinted;

  public ExitException(int code, String message) {
    this(code, message, false);
  }

  private ExitException(int code, String message, boolean resultPrinted) {
    super(message, null, false, false);
    this.code = code;
    this.resultPrinted = resultPrinted;
  }

  public int code() { return code; }

  /** {@return whether stdout already holds the command's result (a failed build's report), so no error object} */
  public boolean resultPrinted() { return resultPrinted; }

  public static ExitException usage(String message) { return new ExitException(ExitCodes.USAGE, message); }

  /** A failure whose result (JSON or text) is already on stdout; only the message goes to stderr. */
  public static ExitException afterResult(int code, String message) {
    return new ExitException(code, message, true);
  }
}
