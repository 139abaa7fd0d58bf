package dev.spectra.orchestrator.model;

import java.util.List;

/**
 * Carries a {@link ModelError} up through the call stack. The error, not the exception, is the contract:
 * catch this and switch over {@link #error()}.
 */
public final class ModelException extends Exception {
  private final ModelError error;
  private final List<Attempt> attempts;

  public ModelException(ModelError error) {
    this(error, List.of(), null);
  }

  public ModelException(ModelError error, List<Attempt> attempts, Throwable cause) {
    // Suppression stays enabled: a cascade keeps the failures of earlier routes on the one it throws.
    super(error.message(), cause, true, cause != null);
    this.error = error;
    this.attempts = List.copyOf(attempts);
  }

  public ModelError error() { return error; }

  /** {@return every attempt made before giving up (empty for a bare provider call)} */
  public List<Attempt> attempts() { return attempts; }
}
