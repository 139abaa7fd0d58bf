package dev.spectra.orchestrator.model.openai;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.provider.HttpFailures;
import dev.spectra.orchestrator.model.provider.Transport;
import java.util.Set;

/**
 * Creates models that speak OpenAI chat completions: api.openai.com, and the compatible servers (Ollama's
 * {@code /v1}, LM Studio, vLLM, llama.cpp server, OpenRouter). They share the protocol and differ in how they
 * take a JSON schema, which {@link ModelSpec#kind()} selects.
 */
public final class OpenAiProvider {
  private static final Set<ProviderKind> KINDS =
      Set.of(ProviderKind.OPENAI, ProviderKind.OPENAI_COMPATIBLE, ProviderKind.LLAMA_CPP, ProviderKind.VLLM);

  private OpenAiProvider() {}

  /** {@return true when this factory serves {@code kind}} */
  public static boolean serves(ProviderKind kind) { return KINDS.contains(kind); }

  /**
   * @param apiKey sent as a bearer token; null for servers that need none
   */
  public static Model create(ModelSpec spec, String apiKey, Transport transport) {
    if (!serves(spec.kind())) throw new IllegalArgumentException(spec.name() + " is " + spec.kind().configName());
    String endpoint = OpenAiChat.chatUrl(spec).toString();
    String keyName = spec.apiKeyEnv() == null ? "an API key" : spec.apiKeyEnv();
    String authHint = apiKey == null
        ? "the server wants an API key: set " + keyName + " (and api-key-env for this model in orchestrator.yaml)"
        : "check " + keyName + "; the server rejected it";
    String notFound = spec.local()
        ? "load or download '" + spec.modelId() + "' in the server, or pick another with --model (see `orchestrator models`)"
        : "check the model id in the catalog (see `orchestrator models`)";
    HttpFailures failures = new HttpFailures(endpoint, spec.modelId(), spec.contextWindow(), authHint, notFound, apiKey);
    String unreachable = spec.local()
        ? "start the model server (LM Studio, llama.cpp, vLLM) or fix ORCHESTRATOR_LLM_URL"
        : "check the network connection and the URL";
    return new OpenAiChat(spec, apiKey, transport, failures, unreachable);
  }
}
