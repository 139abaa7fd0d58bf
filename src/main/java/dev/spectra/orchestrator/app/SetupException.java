package dev.spectra.orchestrator.app;

/**
 * Wiring could not be done as configured: a bad configuration, an unreachable or corrupt ledger. The message says
 * what and what to do; the command line turns it into an error line and an exit code, never a stack trace.
 */
public final class SetupException extends RuntimeException {
  /** Whose fault it is, which decides the exit code. */
  public enum Kind {
    /** The user's input or configuration is wrong. */
    USAGE,
    /** The operation failed although the input was right (rows that could not be written). */
    FAILED
  }

  private final Kind kind;

  public SetupException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() { return kind; }

  static SetupException usage(String message) { return new SetupException(Kind.USAGE, message); }
}
