package dev.spectra.orchestrator.cli;

/**
 * Ends a command with a given exit code and a message for the user, without a stack trace. Commands throw
 * it; {@link Main} prints the message to stderr and maps it to the code.
 */
public final class ExitException extends RuntimeException {
  private final int code;

  public ExitException(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() { return code; }

  public static ExitException usage(String message) { return new ExitException(ExitCodes.USAGE, message); }
}
