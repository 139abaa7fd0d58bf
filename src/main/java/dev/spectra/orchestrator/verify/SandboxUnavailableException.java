package dev.spectra.orchestrator.verify;

/**
 * Generated code cannot be run safely here: no sandbox tool works and {@code --unsafe-no-sandbox} was not given, or
 * the dependency cache could not be filled. The message says what to install or which flag to pass. The CLI maps it
 * to exit code 6.
 */
public class SandboxUnavailableException extends Exception {
  public SandboxUnavailableException(String message) {
    super(message);
  }

  public SandboxUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
