package dev.spectra.orchestrator.model.anthropic;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.provider.HttpFailures;
import dev.spectra.orchestrator.model.provider.Transport;

/** Creates models on the Anthropic Messages API ({@code POST /v1/messages}, {@code anthropic-version: 2023-06-01}). */
public final class AnthropicProvider {
  private AnthropicProvider() {}

  /**
   * @param apiKey sent as {@code x-api-key}; may be null only for servers that take none (a local proxy, the
   *     simulator)
   */
  public static Model create(ModelSpec spec, String apiKey, Transport transport) {
    if (spec.kind() != ProviderKind.ANTHROPIC) throw new IllegalArgumentException(spec.name() + " is not anthropic");
    String endpoint = AnthropicChat.messagesUrl(spec).toString();
    String keyName = spec.apiKeyEnv() == null ? "ANTHROPIC_API_KEY" : spec.apiKeyEnv();
    String authHint = apiKey == null ? "set " + keyName : "check " + keyName + "; the server rejected it";
    HttpFailures failures = new HttpFailures(endpoint, spec.modelId(), spec.contextWindow(), authHint,
        "check the model id in the catalog (see `orchestrator models`)", apiKey);
    return new AnthropicChat(spec, apiKey, transport, failures, "check the network connection and the URL");
  }
}
