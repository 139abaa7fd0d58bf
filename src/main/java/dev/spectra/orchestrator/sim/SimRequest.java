package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A chat request reduced to what the simulator's behaviour depends on, whatever the protocol.
 *
 * @param protocol which wire protocol it came in on
 * @param model the requested model id
 * @param lastUserText the last user message, which fixtures match and the default reply quotes
 * @param visiblePrompt all message text the model "sees" (after Ollama's num_ctx truncation)
 * @param promptTokens prompt size in tokens as reported in usage
 * @param stream reply as a stream
 * @param maxTokens output cap, or null
 * @param schema the JSON schema requested through a protocol field, or null
 * @param jsonMode JSON was requested without a schema (json_object, Ollama {@code format: "json"})
 * @param toolName the forced Anthropic tool whose input carries the answer, or null
 * @param includeUsage OpenAI {@code stream_options.include_usage}
 */
record SimRequest(Protocol protocol, String model, String lastUserText, String visiblePrompt, int promptTokens,
    boolean stream, Integer maxTokens, JsonNode schema, boolean jsonMode, String toolName, boolean includeUsage) {

  enum Protocol { OPENAI, OLLAMA, ANTHROPIC }

  /** {@return true when the caller asked for JSON in any protocol field} */
  boolean wantsJsonField() {
    return schema != null || jsonMode || toolName != null;
  }
}
