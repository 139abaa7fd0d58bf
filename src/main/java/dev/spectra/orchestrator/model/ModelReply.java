package dev.spectra.orchestrator.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The answer to one call, after whatever layers ran (provider, structured engine, cascade).
 *
 * @param text the answer text as the model produced it (for JSON formats: the raw text before extraction)
 * @param json the validated JSON value when a JSON format was asked for and obtained, else {@code null}
 * @param usage tokens of the call that produced this answer (the cascade sums all attempts in {@link #attempts})
 * @param finishReason why generation stopped
 * @param servedBy the catalog name of the model that answered
 * @param servedModelId the model id the server reported (may differ from what was asked, e.g. a resolved alias)
 * @param timeToFirstToken from request sent to the first byte of the answer
 * @param latency the whole call
 * @param cost what this answer cost, priced by the model that actually served it; {@code null} when unpriced
 * @param saved for a local answer, what the same tokens would have cost on the reference cloud model
 * @param attempts every attempt made to obtain this answer, in order (empty for a bare provider call)
 */
public record ModelReply(
    String text,
    JsonNode json,
    Usage usage,
    FinishReason finishReason,
    String servedBy,
    String servedModelId,
    Duration timeToFirstToken,
    Duration latency,
    Money cost,
    Money saved,
    List<Attempt> attempts) {

  public ModelReply {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(usage, "usage");
    Objects.requireNonNull(finishReason, "finishReason");
    Objects.requireNonNull(servedBy, "servedBy");
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
    saved = saved == null ? Money.ZERO : saved;
  }

  public ModelReply withJson(JsonNode value) {
    return new ModelReply(text, value, usage, finishReason, servedBy, servedModelId, timeToFirstToken, latency, cost,
        saved, attempts);
  }

  public ModelReply withAccounting(Usage totalUsage, Money totalCost, Money totalSaved, List<Attempt> allAttempts) {
    return new ModelReply(text, json, totalUsage, finishReason, servedBy, servedModelId, timeToFirstToken, latency,
        totalCost, totalSaved, allAttempts);
  }
}
