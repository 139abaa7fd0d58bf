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

  /**
   * Any JSON value; the backend's JSON mode where it has one.
   *
   * @param lenientRepair see {@link JsonSchema#lenientRepair()}
   */
  record Json(boolean lenientRepair) implements ResponseFormat {
    public Json() {
      this(false);
    }
  }

  /**
   * JSON conforming to {@code schema} (draft 2020-12).
   *
   * @param name a short identifier, sent where a backend needs one (OpenAI's {@code json_schema.name})
   * @param constrained ask the backend to enforce the schema while decoding when it can
   * @param lenientRepair the caller asked for the best reading of a broken answer instead of a re-ask, every guess
   *     reported (as {@code guess:KIND@LINE:COLUMN} in {@link Attempt#repairs()}); off unless asked for, because a
   *     guess can be wrong where a re-ask is not
   */
  record JsonSchema(String name, JsonNode schema, boolean constrained, boolean lenientRepair)
      implements ResponseFormat {
    public JsonSchema {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(schema, "schema");
    }

    public JsonSchema(String name, JsonNode schema, boolean constrained) {
      this(name, schema, constrained, false);
    }
  }

  ResponseFormat TEXT = new Text();
  ResponseFormat JSON = new Json();

  /**
   * {@return whether a JSON answer may be repaired leniently (see {@link JsonSchema#lenientRepair()})} The JSON
   * formats answer with their component; text is never repaired.
   */
  default boolean lenientRepair() {
    return false;
  }

  /** {@return this format with lenient repair asked for; text is unchanged (it is never repaired)} */
  default ResponseFormat withLenientRepair() {
    return switch (this) {
      case Text t -> t;
      case Json j -> new Json(true);
      case JsonSchema js -> new JsonSchema(js.name(), js.schema(), js.constrained(), true);
    };
  }
}
