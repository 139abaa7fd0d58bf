package dev.spectra.orchestrator.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What shape the caller wants the answer in. Providers map this to each backend's own mechanism
 * (OpenAI {@code response_format}, Ollama {@code format}, llama.cpp {@code json_schema}, vLLM guided JSON,
 * an Anthropic tool); the structured-output engine validates whatever comes back, because no backend's
 * constraint is trusted (llama.cpp silently decodes unconstrained when its grammar conversion fails).
 */
public sealed interface ResponseFormat {
  /** Free text. */
  record Text() implements ResponseFormat {}

  /** Any JSON value; the backend's JSON mode where it has one. */
  record Json() implements ResponseFormat {}

  /**
   * JSON conforming to {@code schema} (draft 2020-12).
   *
   * @param name a short identifier, sent where a backend needs one (OpenAI's {@code json_schema.name})
   * @param constrained ask the backend to enforce the schema while decoding when it can
   */
  record JsonSchema(String name, JsonNode schema, boolean constrained) implements ResponseFormat {
    public JsonSchema {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(schema, "schema");
    }
  }

  ResponseFormat TEXT = new Text();
  ResponseFormat JSON = new Json();
}
