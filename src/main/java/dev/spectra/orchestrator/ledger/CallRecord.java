package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One row of the ledger's {@code calls} table: one attempt at one model, successful or not.
 *
 * @param id unique row id
 * @param started when the attempt started
 * @param requestId the user-level request (an {@code ask}, a gateway request) the attempt served
 * @param buildId the build, or {@code null}
 * @param step the build step, or {@code null}
 * @param requestedAs the name the caller used: a policy ({@code local-first}) or a catalog model
 * @param route the route (tier) of the policy, e.g. {@code local-first#2}
 * @param tier 0 for the first route, 1 for the first fallback, ...
 * @param model the catalog name of the model called
 * @param servedModelId the model id the server reported, or {@code null}
 * @param local whether the model runs locally ($0)
 * @param tokensIn prompt tokens
 * @param tokensOut completion tokens
 * @param estimated tokens were counted by us because the server reported none
 * @param timeToFirstToken or {@code null} when nothing arrived
 * @param latency the whole attempt
 * @param outcome {@code ok}, {@code failed} or {@code skipped} (circuit open, budget)
 * @param failureType {@code ModelError.type()} when failed
 * @param failureMessage the error's one-line message when failed
 * @param decision what the cascade did next: {@code served}, {@code retry}, {@code next-route},
 *     {@code larger-window}, {@code give-up}
 * @param jsonStage how the JSON was obtained ({@code Attempt.JsonStage} name, lower case)
 * @param repairs comma-separated repairs applied
 * @param reasks re-asks made by the structured engine
 * @param cost priced by the model that served; {@code null} when unpriced
 * @param saved for a local model, the same tokens priced on the reference cloud model
 * @param catalogVersion the version of the price catalog used
 * @param keyId the gateway key the request came with, or {@code null}
 */
public record CallRecord(
    String id,
    Instant started,
    String requestId,
    String buildId,
    String step,
    String requestedAs,
    String route,
    int tier,
    String model,
    String servedModelId,
    boolean local,
    int tokensIn,
    int tokensOut,
    boolean estimated,
    Duration timeToFirstToken,
    Duration latency,
    String outcome,
    String failureType,
    String failureMessage,
    String decision,
    String jsonStage,
    String repairs,
    int reasks,
    Money cost,
    Money saved,
    String catalogVersion,
    String keyId) {

  public CallRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(started, "started");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(outcome, "outcome");
    saved = saved == null ? Money.ZERO : saved;
  }

  /** A row without a gateway key (commands, builds, a gateway on loopback). */
  public CallRecord(String id, Instant started, String requestId, String buildId, String step, String requestedAs,
      String route, int tier, String model, String servedModelId, boolean local, int tokensIn, int tokensOut,
      boolean estimated, Duration timeToFirstToken, Duration latency, String outcome, String failureType,
      String failureMessage, String decision, String jsonStage, String repairs, int reasks, Money cost, Money saved,
      String catalogVersion) {
    this(id, started, requestId, buildId, step, requestedAs, route, tier, model, servedModelId, local, tokensIn,
        tokensOut, estimated, timeToFirstToken, latency, outcome, failureType, failureMessage, decision, jsonStage,
        repairs, reasks, cost, saved, catalogVersion, null);
  }

  public boolean succeeded() { return "ok".equals(outcome); }
}
