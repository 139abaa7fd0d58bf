package dev.spectra.orchestrator.model.ollama;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.provider.HttpFailures;
import dev.spectra.orchestrator.model.provider.Transport;
import java.util.function.Consumer;

/**
 * Creates models on Ollama's native API ({@code /api/chat}). We use it rather than Ollama's OpenAI route
 * because only the native API takes {@code options.num_ctx} (without it Ollama truncates prompts at 2048
 * tokens, silently) and {@code keep_alive} (without it a model unloads after 5 minutes and the next call pays
 * the load again).
 */
public final class OllamaProvider {
  /** Keep a model loaded between the steps of a build; Ollama's own default is 5 minutes. */
  public static final String DEFAULT_KEEP_ALIVE = "30m";

  private OllamaProvider() {}

  /**
   * @param keepAlive Ollama duration string ({@code 30m}, {@code -1} for forever), or null for Ollama's default
   * @param warnings receives one-line warnings (a prompt larger than the context window)
   */
  public static Model create(ModelSpec spec, Transport transport, String keepAlive, Consumer<String> warnings) {
    if (spec.kind() != ProviderKind.OLLAMA) throw new IllegalArgumentException(spec.name() + " is not ollama");
    String endpoint = OllamaChat.url(spec.endpoint(), "/api/chat").toString();
    HttpFailures failures = new HttpFailures(endpoint, spec.modelId(), spec.contextWindow(),
        "Ollama does not use API keys; check for a proxy in front of it", pullHint(spec.modelId()), null);
    return new OllamaChat(spec, transport, failures, keepAlive, warnings);
  }

  /** {@return what to tell a user whose Ollama lacks {@code modelId}} */
  public static String pullHint(String modelId) {
    return "run `ollama pull " + modelId + "`";
  }

  /** {@return what to tell a user whose Ollama does not answer} */
  public static String serveHint() {
    return "start it with `ollama serve` (or fix ORCHESTRATOR_LLM_URL)";
  }
}
