package dev.spectra.orchestrator.queue;

/** The queue cannot be used: no shared database, or the database failed; the message says what to do. */
public final class QueueException extends RuntimeException {
  public QueueException(String message) {
    super(message);
  }

  public QueueException(String message, Throwable cause) {
    super(message, cause);
  }
}
