package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** How a {@code run} or {@code resume} ended; the CLI maps each to an exit code and prints it. */
public sealed interface RunOutcome {

  /** {@return the build id, or null when no build was started} */
  String buildId();

  /** {@return one or two lines for the user} */
  String message();

  /** {@return the build report as JSON, or null when there is none} */
  JsonNode report();

  /** The service compiled and passed its tests; it is in {@code out}. */
  record Verified(String buildId, Path out, String message, JsonNode report) implements RunOutcome {}

  /** The request does not describe a service; nothing was built. */
  record ClarificationNeeded(String message) implements RunOutcome {
    public String buildId() { return null; }

    public JsonNode report() { return null; }
  }

  /** Bad input (the OpenAPI file, {@code --out}); nothing ran. */
  record BadInput(String message) implements RunOutcome {
    public String buildId() { return null; }

    public JsonNode report() { return null; }
  }

  /**
   * The build stopped before a verified service; the staging directory holds everything so far.
   *
   * @param reason why: {@code failed} (does not verify, or the model's output was unusable), {@code budget},
   *     {@code unreachable}, {@code model-error}, {@code no-sandbox}, {@code needs-network} (the dependency
   *     cache needs Maven Central once), {@code interrupted}
   * @param resumeCommand how to continue, or null when continuing cannot help
   */
  record Stopped(String buildId, Reason reason, Path staging, String message, String resumeCommand, JsonNode report)
      implements RunOutcome {}

  /** Why a build stopped. */
  enum Reason { FAILED, BUDGET, UNREACHABLE, MODEL_ERROR, NO_SANDBOX, NEEDS_NETWORK, INTERRUPTED }
}
