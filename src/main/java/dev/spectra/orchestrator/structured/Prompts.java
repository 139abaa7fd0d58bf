package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind;
import java.util.ArrayList;
import java.util.List;

/** The instructions the engine adds to a conversation: the schema up front, the exact errors on a re-ask. */
final class Prompts {
  private static final int MAX_ECHO = 8_000;

  private Prompts() {}

  /**
   * Appends the output instructions to the system message (adding one when there is none). The schema is always
   * stated: llama.cpp and Ollama do not show their constraint to the model, and a backend that ignores it (a
   * failed grammar conversion) still gets a model that knows the shape.
   */
  static List<Message> withInstructions(List<Message> messages, JsonNode schema, boolean reasonFirst,
      ObjectMapper mapper) {
    StringBuilder sb = new StringBuilder();
    if (schema == null) {
      sb.append("Answer with one valid JSON value.");
    } else {
      sb.append("Answer with one JSON value that conforms to this JSON Schema:\n").append(write(mapper, schema));
    }
    if (reasonFirst) {
      sb.append("\nYou may think step by step first. Then give the final answer as one JSON value in a ```json "
          + "fenced block at the end, and write nothing after it.");
    } else {
      sb.append("\nReply with the JSON value only: no markdown fences, no comments, no text before or after it.");
    }
    List<Message> out = new ArrayList<>(messages.size() + 1);
    if (!messages.isEmpty() && messages.get(0).role() == Message.Role.SYSTEM) {
      out.add(Message.system(messages.get(0).content() + "\n\n" + sb));
      out.addAll(messages.subList(1, messages.size()));
    } else {
      out.add(Message.system(sb.toString()));
      out.addAll(messages);
    }
    return out;
  }

  /** The conversation for a re-ask: the unusable answer, then the exact problems, one per line. */
  static List<Message> reask(List<Message> messages, String rawAnswer, Kind kind, List<String> problems) {
    List<Message> out = new ArrayList<>(messages);
    String echo = rawAnswer.length() > MAX_ECHO ? rawAnswer.substring(0, MAX_ECHO) + "\n[…cut]" : rawAnswer;
    out.add(Message.assistant(echo.isEmpty() ? "(empty reply)" : echo));
    StringBuilder sb = new StringBuilder();
    sb.append(switch (kind) {
      case SCHEMA_INVALID -> "Your answer does not conform to the JSON Schema:";
      case EMPTY -> "Your answer was empty:";
      default -> "Your answer is not valid JSON:";
    });
    for (String p : problems) sb.append("\n- ").append(p);
    sb.append("\nReply again with the complete corrected JSON value only, conforming to the schema.");
    out.add(Message.user(sb.toString()));
    return out;
  }

  private static String write(ObjectMapper mapper, JsonNode schema) {
    try {
      return mapper.writeValueAsString(schema);
    } catch (JsonProcessingException e) {
      return schema.toString();
    }
  }
}
