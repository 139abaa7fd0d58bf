package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plan step: from the user's sentence (and, when given, their OpenAPI document) to a {@link Plan} that
 * passes the plan schema, the builder's OpenAPI parser and the pipeline's own cross-checks. Every error goes
 * back to the model as it is, a bounded number of times.
 */
final class Planner {
  static final int REASKS = 2;
  private static final int MAX_TOKENS = 6000;

  private final ModelStep model;
  private final Ports.ProjectScaffolder scaffolder;
  private final Path scratch;

  /** What planning came to. */
  sealed interface Result {
    record Planned(Plan plan) implements Result {}

    /** The request does not describe a service; the message says what is missing. */
    record Clarification(String message) implements Result {}
  }

  /** @param scratch a directory for the documents handed to the OpenAPI parser */
  Planner(ModelStep model, Ports.ProjectScaffolder scaffolder, Path scratch) {
    this.model = model;
    this.scaffolder = scaffolder;
    this.scratch = scratch;
  }

  /**
   * @param given the user's OpenAPI document (authoritative), or null to let the model write one
   */
  Result plan(String request, OpenApiDoc given, Tally tally) throws ModelException {
    if ((request == null || request.isBlank()) && given == null) {
      // Nothing to ask a model about; say what a request needs.
      return new Result.Clarification(emptyRequestMessage());
    }
    if (request == null || request.isBlank()) {
      // The contract alone says what to build; the model plans behaviours and scenarios from it.
      request = "Implement the operations of the given OpenAPI document as its names and schemas suggest.";
    }
    JsonNode schema = schemaFor(given);
    List<Message> messages = List.of(Message.system(systemPrompt(given)), Message.user(userPrompt(request, given)));
    JsonNode answer = model.ask("plan", "service_plan", schema, messages, value -> check(value, given), REASKS,
        MAX_TOKENS, tally);
    String clarification = answer.path("clarification_needed").asText("").strip();
    if (!clarification.isEmpty() && !answer.hasNonNull("service")) return new Result.Clarification(clarification);
    ObjectNode plan = answer.deepCopy();
    plan.remove("clarification_needed");
    if (given != null) plan.set("openapi", given.tree());
    return new Result.Planned(new Plan(plan));
  }

  static String emptyRequestMessage() {
    return "the request is empty: describe the service in a sentence: what it stores, what it lets users do, and "
        + "its rules (e.g. \"Build a service that lends books to members, at most 3 loans each, with fines for late "
        + "returns\")";
  }

  static JsonNode schemaFor(OpenApiDoc given) {
    ObjectNode schema = (ObjectNode) ModelStep.schema("plan.schema.json");
    if (given == null) return schema;
    // The user's document is authoritative: the model only fills behaviours and scenarios.
    ((ObjectNode) schema.path("properties")).remove("openapi");
    var anyOf = schema.withArray("anyOf");
    ((ObjectNode) anyOf.get(1)).putArray("required").add("service").add("summary").add("behaviours")
        .add("scenarios");
    return schema;
  }

  private List<String> check(JsonNode value, OpenApiDoc given) {
    if (value.hasNonNull("clarification_needed") && !value.hasNonNull("service")) return List.of();
    List<String> problems = new ArrayList<>();
    OpenApiDoc doc = given;
    if (doc == null) {
      doc = new OpenApiDoc(value.path("openapi"));
      problems.addAll(doc.pipelineProblems().stream().map(p -> "openapi." + p).toList());
      if (problems.isEmpty()) problems.addAll(parserProblems(doc));
      if (!problems.isEmpty()) return problems;
    }
    Set<String> ids = doc.operations().stream().map(OpenApiDoc.Operation::operationId).collect(Collectors.toSet());
    int i = 0;
    for (JsonNode b : value.path("behaviours")) {
      String id = b.path("operationId").asText();
      if (!ids.contains(id)) {
        problems.add("behaviours[" + i + "].operationId: '" + id + "' is not an operationId of the OpenAPI document "
            + "(known: " + String.join(", ", ids) + ")");
      }
      i++;
    }
    int s = 0;
    for (JsonNode scenario : value.path("scenarios")) {
      int n = 0;
      for (JsonNode step : scenario.path("steps")) {
        String method = step.path("method").asText();
        String path = step.path("path").asText();
        var operation = doc.match(method, path);
        if (operation.isEmpty()) {
          problems.add("scenarios[" + s + "].steps[" + n + "]: " + method + " " + path
              + " matches no operation of the OpenAPI document");
        } else if (given == null && undeclared(operation.get(), step.path("status"))) {
          // A status the scenario expects but the contract does not declare: contract and behaviour disagree,
          // and the contract tests would hold the service to the narrower contract.
          problems.add("scenarios[" + s + "].steps[" + n + "]: status " + step.path("status").asInt() + " is not "
              + "declared in the responses of " + operation.get().operationId() + "; add it to the OpenAPI document");
        }
        n++;
      }
      s++;
    }
    return problems;
  }

  /** {@return true when the operation lists responses, none is {@code default} or a range, and none is this status} */
  private static boolean undeclared(OpenApiDoc.Operation op, JsonNode status) {
    JsonNode responses = op.node().path("responses");
    if (!status.canConvertToInt() || !responses.isObject() || responses.isEmpty()) return false;
    String code = Integer.toString(status.asInt());
    if (responses.has(code) || responses.has("default") || responses.has(code.charAt(0) + "XX")) return false;
    return true;
  }

  private List<String> parserProblems(OpenApiDoc doc) {
    try {
      Files.createDirectories(scratch);
      Path file = Files.createTempFile(scratch, "plan-openapi-", ".json");
      try {
        doc.write(file);
        return scaffolder.validate(file).stream().map(p -> "openapi: " + p.replace(file.toString(), "document"))
            .toList();
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String systemPrompt(OpenApiDoc given) {
    String common = """
        You plan a small HTTP JSON service from a user's request. Answer with one JSON object only.
        If the request does not describe a service that can be built (empty, nonsense, or it does not say what \
        the service stores or does), answer {"clarification_needed": "<what is missing, one sentence>"}; ask only \
        what the user can answer.
        Otherwise give: service (kebab-case name), summary (one or two sentences), entities \
        ([{name, fields:["field:type"]}]), behaviours (one per operation that is not plain create/read/update/\
        delete/list: {operationId, behaviour} with its rules, status codes and error cases), scenarios (2 to 4 \
        acceptance scenarios: {name, steps:[{method, path, body, status, contains:[text the response body \
        must contain]}]}; each starts from an empty service; "{{N.field}}" in a path or body value stands for \
        field of step N's response, N from 1).
        """;
    if (given != null) {
      return common + "The OpenAPI document is given and authoritative: do not return one; use its operationIds.";
    }
    return common + """
        Also give openapi: an OpenAPI 3.0.3 document as JSON. Every operation has an operationId. Schemas go in \
        components/schemas as objects with properties and required. Integer ids. Plain CRUD paths for stored \
        resources (/books, /books/{id}); business actions get their own operation (e.g. POST /loans/{id}/return). \
        Keep it small: no descriptions, examples, tags or servers.
        """;
  }

  private static String userPrompt(String request, OpenApiDoc given) {
    if (given == null) return "Request: " + request.strip();
    String ops = given.operations().stream().map(OpenApiDoc.Operation::label).collect(Collectors.joining("\n"));
    return "Request: " + request.strip() + "\nOperations of the given OpenAPI document:\n" + ops;
  }
}
