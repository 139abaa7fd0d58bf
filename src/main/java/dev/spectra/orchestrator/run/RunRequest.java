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
 */
public record RunRequest(String request, Path openApi, String stack, Path out, int maxIterations, Money budget,
    boolean force) {

  public static final String DEFAULT_STACK = "javalin";
  public static final int DEFAULT_MAX_ITERATIONS = 3;

  public RunRequest {
    request = request == null ? "" : request.strip();
    stack = stack == null ? DEFAULT_STACK : stack;
    if (maxIterations < 0) throw new IllegalArgumentException("--max-iterations must be >= 0, got " + maxIterations);
  }
}
