package dev.spectra.orchestrator.config;

import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Timeouts;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The seed's models with list prices per million tokens, input and output apart. Local context windows are the
 * num_ctx we send Ollama, not the models' trained maximum: a 128k window allocates a KV cache most machines do
 * not have. Raise {@code context-window} in orchestrator.yaml when yours does.
 */
final class BuiltinCatalog {
  /** Bump when a price or an entry changes; the ledger stamps it on every row. */
  static final String VERSION = "2026-11-builtin-1";
  static final String DEFAULT_MODEL = "qwen2.5-coder-32b";
  static final String REFERENCE_MODEL = "gpt-4o-mini";

  private BuiltinCatalog() {}

  static List<ModelSpec> models() {
    return List.of(
        local("mistral-7b-instruct-v0.3", "mistral:7b-instruct-v0.3"),
        local("mistral-nemo-12b", "mistral-nemo:12b"),
        local("llama3.3-70b", "llama3.3:70b"),
        local(DEFAULT_MODEL, "qwen2.5-coder:32b"),
        local("deepseek-coder-v2-236b", "deepseek-coder-v2:236b"),
        cloud("gpt-4o-mini", ProviderKind.OPENAI, "gpt-4o-mini", "0.15", "0.60", 128_000,
            EnumSet.allOf(Capability.class), "OPENAI_API_KEY"),
        // gpt-4-turbo predates Structured Outputs: JSON mode only.
        cloud("gpt-4-turbo", ProviderKind.OPENAI, "gpt-4-turbo", "10", "30", 128_000,
            EnumSet.of(Capability.JSON_MODE, Capability.TOOLS, Capability.STREAMING), "OPENAI_API_KEY"),
        // Schemas reach Claude through a forced tool; it has no JSON mode.
        cloud("claude-3-5-sonnet", ProviderKind.ANTHROPIC, "claude-3-5-sonnet-20241022", "3", "15", 200_000,
            EnumSet.of(Capability.JSON_SCHEMA, Capability.TOOLS, Capability.STREAMING), "ANTHROPIC_API_KEY"));
  }

  private static ModelSpec local(String name, String ollamaId) {
    return new ModelSpec(name, ProviderKind.OLLAMA, Endpoints.OLLAMA_DEFAULT, ollamaId, true, Price.FREE, 32_768,
        defaultCapabilities(ProviderKind.OLLAMA), Timeouts.LOCAL_DEFAULT, null, 2);
  }

  private static ModelSpec cloud(String name, ProviderKind kind, String id, String in, String out, int window,
      Set<Capability> caps, String keyEnv) {
    return new ModelSpec(name, kind, kind == ProviderKind.ANTHROPIC ? Endpoints.ANTHROPIC_DEFAULT
        : Endpoints.OPENAI_DEFAULT, id, false, Price.perMillion(in, out), window, caps, Timeouts.CLOUD_DEFAULT, keyEnv, 8);
  }

  /** {@return what a server of {@code kind} can do when a catalog entry does not say} */
  static Set<Capability> defaultCapabilities(ProviderKind kind) {
    return switch (kind) {
      case OLLAMA, OPENAI -> EnumSet.allOf(Capability.class);
      case OPENAI_COMPATIBLE, LLAMA_CPP, VLLM -> EnumSet.of(Capability.JSON_SCHEMA, Capability.JSON_MODE,
          Capability.STREAMING);
      case ANTHROPIC -> EnumSet.of(Capability.JSON_SCHEMA, Capability.TOOLS, Capability.STREAMING);
    };
  }

  /** The one host each well-known key belongs to: it is never sent anywhere else unless the user names it. */
  static final java.util.Map<String, String> KEY_HOSTS = java.util.Map.of(
      "OPENAI_API_KEY", Endpoints.OPENAI_DEFAULT.getHost(),
      "ANTHROPIC_API_KEY", Endpoints.ANTHROPIC_DEFAULT.getHost());

  /**
   * {@return {@code keyEnv} when its key may go to {@code endpoint}, else null}: a well-known key only goes to its
   * provider's host. A URL that merely looks like a provider's ({@code .../messages}) gets no key unless the user
   * names one for that model with {@code api-key-env}.
   */
  static String scopedKeyEnv(String keyEnv, java.net.URI endpoint) {
    if (keyEnv == null) return null;
    String host = KEY_HOSTS.get(keyEnv);
    if (host == null) return keyEnv;
    return endpoint != null && host.equalsIgnoreCase(endpoint.getHost()) ? keyEnv : null;
  }

  /** {@return the environment variable a kind's key lives in by default for {@code endpoint}, or null} */
  static String defaultKeyEnv(ProviderKind kind, java.net.URI endpoint) {
    return scopedKeyEnv(defaultKeyEnv(kind), endpoint);
  }

  /** {@return the environment variable a kind's key lives in by default; none for self-hosted servers} */
  static String defaultKeyEnv(ProviderKind kind) {
    return switch (kind) {
      case OPENAI -> "OPENAI_API_KEY";
      case ANTHROPIC -> "ANTHROPIC_API_KEY";
      // Never send the user's OpenAI key to a third-party host unless they name it for that model.
      default -> null;
    };
  }
}
