package dev.spectra.orchestrator.verify;

/**
 * Verification could not be set up for a reason that is neither a missing sandbox nor a missing network: no Maven
 * to fill the dependency cache, Maven failing to resolve the project's libraries, a cache or runner that cannot be
 * written. Installing bubblewrap or passing {@code --unsafe-no-sandbox} would not help, so the CLI reports it as a
 * failed job (exit 1) with the reason, not as "no sandbox".
 */
public final class VerifySetupException extends SandboxUnavailableException {
  public VerifySetupException(String message) {
    super(message);
  }

  public VerifySetupException(String message, Throwable cause) {
    super(message, cause);
  }
}
