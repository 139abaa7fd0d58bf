package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The implement step for one non-CRUD operation: the model gets the operation's slice of the contract, its
 * behaviour, the scenarios that use it, its handler file and the signatures of the code it may call, and returns
 * whole files. Files pass the {@link PathGuard} one by one; refused ones are recorded and never written.
 */
final class Implementer {
  private static final int MAX_TOKENS = 4000;
  private static final JsonNode FILES_SCHEMA = ModelStep.schema("files.schema.json");

  private final ModelStep model;
  private final Path project;
  private final RunState state;
  private final PathGuard guard;

  Implementer(ModelStep model, Path project, RunState state) {
    this.model = model;
    this.project = project;
    this.state = state;
    this.guard = new PathGuard(project, state.basePackage);
  }

  /** {@return the paths written} */
  List<String> implement(Ports.PendingOperation op, Plan plan, Tally tally) throws ModelException, IOException {
    String step = "implement:" + op.operationId();
    Set<String> editable = new HashSet<>(state.modelFiles);
    editable.add(op.handlerFile());
    List<Message> messages = List.of(Message.system(systemPrompt()), Message.user(prompt(op, plan)));
    JsonNode answer = model.ask(step, "source_files", FILES_SCHEMA, messages,
        value -> mustReplaceHandler(value, op, editable), 1, MAX_TOKENS, tally);
    return write(step, answer, editable);
  }

  /** Writes what the guard allows and records what it refuses. */
  List<String> write(String step, JsonNode answer, Set<String> editable) throws IOException {
    List<String> written = new ArrayList<>();
    for (JsonNode f : answer.path("files")) {
      String path = f.path("path").asText();
      switch (guard.check(path, editable)) {
        case PathGuard.Decision.Allowed allowed -> {
          String content = f.path("content").asText();
          try {
            guard.write(allowed, content);
          } catch (java.nio.file.FileSystemException e) {
            // The file system refused the name or the place (too long, a link appeared): a refusal like the
            // guard's, never the end of the build.
            state.refusals.add(new RunState.Refusal(step, allowed.relative(), "could not be written: "
                + (e.getReason() == null ? e.getClass().getSimpleName() : e.getReason())));
            continue;
          }
          state.modelFiles.add(allowed.relative());
          state.knownFiles.put(allowed.relative(), KnownFiles.digest(content));
          written.add(allowed.relative());
        }
        case PathGuard.Decision.Refused refused ->
            state.refusals.add(new RunState.Refusal(step, refused.path(), refused.reason()));
      }
    }
    return written;
  }

  private List<String> mustReplaceHandler(JsonNode value, Ports.PendingOperation op, Set<String> editable) {
    for (JsonNode f : value.path("files")) {
      if (guard.check(f.path("path").asText(), editable) instanceof PathGuard.Decision.Allowed a
          && a.relative().equals(op.handlerFile())) {
        return List.of();
      }
    }
    return List.of("files: the whole file " + op.handlerFile() + " is missing; return it with the implementation");
  }

  private String systemPrompt() {
    return "You implement one operation of a Java 21 Javalin service. Return JSON {\"files\":[{\"path\",\"content\"}]} "
        + "with WHOLE files, no diffs. Replace the handler file (keep its package, class name and the way it is "
        + "registered); use only the listed types and methods, add helper classes only under "
        + guard.allowedFolders().get(0) + ". Do not change other files. Respond with the status codes and error "
        + "cases of the behaviour; keep the response shapes of the contract.";
  }

  private String prompt(Ports.PendingOperation op, Plan plan) throws IOException {
    OpenApiDoc doc = plan.openApi();
    StringBuilder sb = new StringBuilder();
    sb.append("Operation: ").append(op.method().toUpperCase(java.util.Locale.ROOT)).append(' ').append(op.path())
        .append(" (").append(op.operationId()).append(")\n");
    String behaviour = plan.behaviours().get(op.operationId());
    if (behaviour != null) sb.append("Behaviour: ").append(behaviour).append('\n');
    sb.append("Contract: ").append(doc.slice(op.operationId())).append('\n');
    OpenApiDoc.Operation operation = doc.operations().stream()
        .filter(o -> o.operationId().equals(op.operationId())).findFirst().orElse(null);
    if (operation != null) {
      String scenarios = plan.scenarios().stream().filter(s -> s.touches(doc, operation))
          .map(Implementer::render).collect(Collectors.joining("\n"));
      if (!scenarios.isBlank()) sb.append("Acceptance scenarios (fresh service each):\n").append(scenarios).append('\n');
    }
    Set<String> others = state.pending.stream().map(Ports.PendingOperation::handlerFile).collect(Collectors.toSet());
    String api = SourceDigest.of(project, state, others);
    if (!api.isBlank()) sb.append("Types you can use (signatures):\n").append(api);
    sb.append("File to replace, ").append(op.handlerFile()).append(":\n")
        .append(KnownFiles.read(project, state, op.handlerFile()).orElse("(the file is missing; write it whole)"));
    return sb.toString();
  }

  static String render(Plan.Scenario s) {
    StringBuilder sb = new StringBuilder("- ").append(s.name()).append(": ");
    List<String> steps = new ArrayList<>();
    int n = 1;
    for (Plan.Step st : s.steps()) {
      steps.add(n++ + ") " + st.method() + " " + st.path() + (st.body() == null ? "" : " " + st.body()) + " -> "
          + st.status() + (st.contains().isEmpty() ? "" : " contains " + st.contains()));
    }
    return sb.append(String.join("; ", steps)).toString();
  }
}
