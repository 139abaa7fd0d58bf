package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.model.Money;
import java.nio.file.Path;

/**
 * What the user asked {@code run} to do.
 *
 * @param request the sentence describing the service
 * @param openApi the user's OpenAPI document, authoritative when given; may be null
 * @param stack the generated project's stack ({@code javalin})
 * @param out where the verified project goes; null for {@code ./<service-name>}
 * @param maxIterations fix iterations at most
 * @param budget the whole build's budget; null for the configured default
 * @param force replace a non-empty {@code out}
 * @param buildId the build's id, chosen by the caller (eval names each sample's build after its run); null for a
 *     new id
 */
public record RunRequest(String request, Path openApi, String stack, Path out, int maxIterations, Money budget,
    boolean force, String buildId) {

  public static final String DEFAULT_STACK = "javalin";
  public static final int DEFAULT_MAX_ITERATIONS = 3;

  public RunRequest {
    request = request == null ? "" : request.strip();
    stack = stack == null ? DEFAULT_STACK : stack;
    if (maxIterations < 0) throw new IllegalArgumentException("--max-iterations must be >= 0, got " + maxIterations);
    if (buildId != null && !buildId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}")) {
      throw new IllegalArgumentException("a build id is letters, digits, '.', '_' and '-', got '" + buildId + "'");
    }
  }

  /** A request whose build gets a new id. */
  public RunRequest(String request, Path openApi, String stack, Path out, int maxIterations, Money budget,
      boolean force) {
    this(request, openApi, stack, out, maxIterations, budget, force, null);
  }
}
