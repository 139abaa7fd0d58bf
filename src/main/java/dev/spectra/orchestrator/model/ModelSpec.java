package dev.spectra.orchestrator.model;

import java.net.URI;
import java.util.Objects;
import java.util.Set;

/**
 * One entry of the model catalog: everything needed to call a model and to price its answers.
 *
 * @param name the name users type ({@code --model NAME}); unique in a catalog
 * @param kind wire dialect
 * @param endpoint base URL of the server, e.g. {@code http://localhost:11434} or {@code https://api.openai.com/v1}
 * @param modelId the model id sent on the wire ({@code qwen2.5-coder:32b}, {@code gpt-4o-mini})
 * @param local runs on the user's own machine or network: costs $0, never blocked by a budget
 * @param price per million tokens; {@code null} when unknown (refused under a budget unless allowed)
 * @param contextWindow tokens the model can attend to; Ollama is sent this as {@code num_ctx}
 * @param apiKeyEnv name of the environment variable holding the key, or {@code null}; never the key itself
 * @param maxConcurrent requests this endpoint serves at once (a local Ollama serves few)
 */
public record ModelSpec(
    String name,
    ProviderKind kind,
    URI endpoint,
    String modelId,
    boolean local,
    Price price,
    int contextWindow,
    Set<Capability> capabilities,
    Timeouts timeouts,
    String apiKeyEnv,
    int maxConcurrent) {

  public ModelSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(timeouts, "timeouts");
    capabilities = Set.copyOf(capabilities);
    if (local && price == null) price = Price.FREE;
    if (contextWindow <= 0) throw new IllegalArgumentException(name + ": context window must be > 0");
    if (maxConcurrent <= 0) throw new IllegalArgumentException(name + ": max concurrent must be > 0");
  }

  public boolean has(Capability capability) { return capabilities.contains(capability); }

  /** {@return the price, or empty when this model is unpriced} */
  public java.util.Optional<Price> priceIfKnown() { return java.util.Optional.ofNullable(price); }

  public ModelSpec withEndpoint(URI newEndpoint) {
    return new ModelSpec(name, kind, newEndpoint, modelId, local, price, contextWindow, capabilities, timeouts,
        apiKeyEnv, maxConcurrent);
  }
}
