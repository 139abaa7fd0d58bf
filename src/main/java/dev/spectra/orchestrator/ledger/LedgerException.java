package dev.spectra.orchestrator.ledger;

/**
 * The ledger cannot be used: its file is corrupt, locked, from a newer version, or the database is unreachable.
 * The message names the file or URL (never a password) and says what to do. Unchecked: it is edge I/O that the
 * command reports once, not a per-call condition.
 */
public final class LedgerException extends RuntimeException {
  public LedgerException(String message, Throwable cause) {
    super(message, cause);
  }

  public LedgerException(String message) {
    super(message);
  }
}
