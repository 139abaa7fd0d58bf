package dev.spectra.orchestrator.verify;

/**
 * The dependency cache lacks what a project needs and Maven Central could not be reached to fill it. Only a first
 * build of a dependency set needs the network; the message says so. The CLI maps it to its own exit code (7), since
 * neither the sandbox nor the project is at fault.
 */
public final class NetworkNeededException extends SandboxUnavailableException {
  public NetworkNeededException(String message) {
    super(message);
  }
}
