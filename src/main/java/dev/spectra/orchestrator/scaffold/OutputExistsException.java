package dev.spectra.orchestrator.scaffold;

/** The output directory is not empty and {@code --force} was not given; nothing was written. */
public final class OutputExistsException extends Exception {
  public OutputExistsException(String message) {
    super(message);
  }
}
