package dev.spectra.orchestrator.model.provider;

import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Usage;

/**
 * What a provider read off the wire for one call, before pricing and timing are added.
 *
 * @param usage as the server reported it, or null when it reported none (then it is estimated)
 * @param servedModelId the model the server says answered, or null when it did not say
 */
public record WireReply(String text, Usage usage, FinishReason finishReason, String servedModelId) {}
