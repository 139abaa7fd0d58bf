package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ResponseFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One model question of a build whose answer must be JSON of a given schema and pass the step's own checks.
 * The structured engine below already repairs and re-asks on schema errors; this adds what only the step knows
 * (an OpenAPI document that does not parse, a path that is refused) and re-asks with those exact errors, bounded.
 * It validates again itself because a bare provider (or a constrained decoder) is never trusted.
 */
final class ModelStep {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private final Model model;
  private final Progress progress;
  private final String buildId;

  ModelStep(Model model, Progress progress, String buildId) {
    this.model = model;
    this.progress = progress;
    this.buildId = buildId;
  }

  String modelName() {
    return model.name();
  }

  static JsonNode schema(String resource) {
    try (InputStream in = ModelStep.class.getResourceAsStream("/run/" + resource)) {
      if (in == null) throw new IllegalStateException("missing resource /codegen/" + resource);
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asks until the answer conforms to {@code schema} and {@code check} finds nothing, at most {@code 1 + reasks}
   * times.
   *
   * @param check the step's own checks; returns the problems, each a sentence the model can act on
   * @throws ModelException from the model, or {@link ModelError.InvalidOutput} when the re-asks ran out
   */
  JsonNode ask(String step, String schemaName, JsonNode schema, List<Message> messages,
      Function<JsonNode, List<String>> check, int reasks, int maxTokens, Tally tally) throws ModelException {
    List<Message> conversation = new ArrayList<>(messages);
    List<String> problems = List.of();
    String raw = "";
    for (int round = 0; round <= reasks; round++) {
      ModelRequest request = new ModelRequest(conversation, maxTokens, 0.0, true,
          new ResponseFormat.JsonSchema(schemaName, schema, true),
          new ModelRequest.CallContext(null, buildId, step, null));
      ModelReply reply;
      try {
        reply = model.chat(request, progress::token);
      } catch (ModelException e) {
        tally.addFailed(e.attempts());
        throw e;
      }
      tally.add(reply);
      raw = reply.text();
      JsonNode value = reply.json();
      problems = new ArrayList<>();
      if (value == null) value = parseLeniently(raw, problems);
      if (value != null) problems.addAll(validate(schema, value));
      if (value != null && problems.isEmpty()) problems.addAll(check.apply(value));
      if (problems.isEmpty()) return value;
      progress.note("answer rejected (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "): "
          + problems.get(0));
      conversation.add(Message.assistant(raw.length() > 6000 ? raw.substring(0, 6000) : raw));
      conversation.add(Message.user("Your answer has these problems:\n- " + String.join("\n- ", first(problems, 8))
          + "\nReturn the whole corrected JSON object, nothing else."));
    }
    throw new ModelException(new ModelError.InvalidOutput(ModelError.InvalidOutput.Kind.SCHEMA_INVALID, problems, raw,
        model.name()));
  }

  static List<String> validate(JsonNode schema, JsonNode value) {
    Schema compiled = REGISTRY.getSchema(schema);
    List<String> out = new ArrayList<>();
    for (var error : compiled.validate(value)) {
      String at = String.valueOf(error.getInstanceLocation());
      out.add((at.isEmpty() || at.equals("$") ? "" : at + ": ") + error.getMessage());
    }
    return out;
  }

  /** A bare provider returns text: take the JSON object out of fences or prose, without guessing repairs. */
  static JsonNode parseLeniently(String raw, List<String> problems) {
    String text = raw == null ? "" : raw.strip();
    int start = text.indexOf('{');
    int end = text.lastIndexOf('}');
    if (start < 0 || end <= start) {
      problems.add("the answer holds no JSON object");
      return null;
    }
    try {
      return MAPPER.readTree(text.substring(start, end + 1));
    } catch (JsonProcessingException e) {
      problems.add("the answer is not valid JSON: " + e.getOriginalMessage());
      return null;
    }
  }

  private static List<String> first(List<String> items, int n) {
    return items.size() <= n ? items : items.subList(0, n);
  }
}
