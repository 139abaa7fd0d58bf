package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Verify, and while it fails, hand the trimmed errors and the files involved back to the model. It stops on
 * success, after {@code maxIterations} fixes, or when an error signature comes back (agents that retry the same
 * failure forever are the common failure of code builders); a repeated error first escalates to the next route
 * of the cascade, and only gives up when no route is left.
 */
final class FixLoop {
  static final int MAX_PROBLEMS = 6;
  private static final int MAX_FILE_CHARS = 12_000;
  private static final int MAX_TOKENS = 4000;
  private static final JsonNode FILES_SCHEMA = ModelStep.schema("files.schema.json");

  private final ModelStep model;
  private final Implementer files;
  private final Ports.ProjectVerifier verifier;
  private final Ports.Escalator escalator;
  private final Path project;
  private final Path contract;
  private final RunState state;
  private final Steps steps;

  /** How the loop ended. */
  sealed interface Result {
    record Passed(Verification verification) implements Result {}

    record GaveUp(Verification verification, String reason) implements Result {}
  }

  /**
   * @param contract the service's OpenAPI document, outside the project (the check runs against it)
   */
  FixLoop(ModelStep model, Implementer files, Ports.ProjectVerifier verifier, Ports.Escalator escalator, Path project,
      Path contract, RunState state, Steps steps) {
    this.contract = contract;
    this.model = model;
    this.files = files;
    this.verifier = verifier;
    this.escalator = escalator;
    this.project = project;
    this.state = state;
    this.steps = steps;
  }

  Result run() throws ModelException, IOException, InterruptedException, Ports.CannotVerify, Steps.Stopped {
    while (true) {
      int i = state.iteration;
      Verification v = steps.verify("verify-" + i, () -> verifier.verify(project, contract));
      if (v.passed()) return new Result.Passed(v);
      String sig = ErrorSignature.of(v.problems()).value();
      // A resumed build re-verifies the iteration it stopped at; its signature is already on record.
      if (state.signatures.size() > i) state.signatures.set(i, sig); else state.signatures.add(sig);
      boolean repeated = state.signatures.subList(Math.min(state.signatureFloor, i), i).contains(sig);
      boolean alreadyEscalated = state.escalations.stream().anyMatch(e -> e.step().equals("verify-" + i));
      if (repeated && !alreadyEscalated) {
        String detail = v.problems().isEmpty() ? v.failedArtifact() + " failed" : v.problems().get(0).render();
        boolean escalated = escalator.escalate(new ModelError.ArtifactFailed(v.failedArtifact(), detail));
        state.escalations.add(new RunState.Escalation("verify-" + i, v.failedArtifact(),
            "the same error came back after fix " + i + ": " + detail, escalated));
        if (!escalated) {
          return new Result.GaveUp(v, "the same error came back after fix " + i
              + " and no other model route is left: " + detail);
        }
        // The next route starts afresh: only its own repeats count against it.
        state.signatureFloor = i;
      }
      if (i >= state.maxIterations) {
        return new Result.GaveUp(v, "still failing after " + i + " fix iteration" + (i == 1 ? "" : "s")
            + " (--max-iterations " + state.maxIterations + ")");
      }
      String step = "fix-" + (i + 1);
      steps.model(step, model.modelName(), tally -> {
        fix(step, v, tally);
        return null;
      });
      state.iteration = i + 1;
      steps.save();
    }
  }

  private void fix(String step, Verification v, Tally tally) throws ModelException, IOException {
    Set<String> editable = new HashSet<>(state.modelFiles);
    state.pending.forEach(p -> editable.add(p.handlerFile()));
    List<Message> messages = List.of(Message.system(systemPrompt(editable)), Message.user(prompt(v, editable)));
    JsonNode answer = model.ask(step, "source_files", FILES_SCHEMA, messages, value -> List.of(), 1, MAX_TOKENS,
        tally);
    files.write(step, answer, editable);
  }

  private static String systemPrompt(Set<String> editable) {
    return "You fix a Java 21 Javalin service so that it compiles and its tests pass. Return JSON "
        + "{\"files\":[{\"path\",\"content\"}]} with WHOLE files, no diffs. Editable: " + String.join(", ", editable)
        + " and new files in the same package. Contract tests, acceptance tests and other scaffolded files are "
        + "read-only: change the code, never the tests. The running service is also checked against its OpenAPI "
        + "contract: each 'check finding' names the operation, a curl line that reproduces it, what the contract "
        + "expects and what came back.";
  }

  private String prompt(Verification v, Set<String> editable) throws IOException {
    StringBuilder sb = new StringBuilder();
    List<Verification.Problem> problems = v.problems();
    sb.append(!v.compiled() ? "Compilation failed" : v.onlyFindings()
        ? "The tests passed, but checking the running service against its contract (orchestrator check) failed"
        : "Tests failed");
    if (problems.isEmpty()) {
      String tail = v.logTail();
      sb.append(". Build output (end):\n").append(tail.length() > 2000 ? tail.substring(tail.length() - 2000) : tail);
    } else {
      sb.append(" (first ").append(Math.min(MAX_PROBLEMS, problems.size())).append(" of ").append(problems.size())
          .append(" problems):\n");
      problems.stream().limit(MAX_PROBLEMS).forEach(p -> sb.append("- ").append(p.render()).append('\n'));
    }
    refusalsOfLastStep().forEach(r -> sb.append("- refused file ").append(r).append('\n'));
    Set<String> involved = new LinkedHashSet<>();
    List<Verification.Problem> readOnly = new ArrayList<>();
    for (Verification.Problem p : problems.subList(0, Math.min(MAX_PROBLEMS, problems.size()))) {
      if (p.file() == null) continue;
      if (editable.contains(p.file())) involved.add(p.file()); else readOnly.add(p);
    }
    // A failing test usually points into a test file: the cause is in the model's own files.
    if (involved.isEmpty()) involved.addAll(editable);
    int budget = MAX_FILE_CHARS;
    for (String rel : involved) {
      // Only files the scaffold created or this pipeline wrote, unchanged since: never a file the sandbox replaced
      // with a link or rewrote, and never a path taken from the verifier's output.
      var text = KnownFiles.read(project, state, rel);
      if (text.isEmpty()) {
        sb.append("=== ").append(rel).append(" (not shown: changed or replaced during verification) ===\n");
        continue;
      }
      String content = text.get();
      if (content.length() > budget) content = content.substring(0, Math.max(0, budget)) + "\n// (truncated)";
      budget -= content.length();
      sb.append("=== ").append(rel).append(" (editable) ===\n").append(content).append('\n');
      sb.append(operationOf(rel));
      if (budget <= 0) break;
    }
    if (involved.stream().anyMatch(rel -> !operationOf(rel).isEmpty())) {
      // The handlers' collaborators, as the implement step showed them: a fix should not invent another API.
      Set<String> handlers = new HashSet<>();
      state.pending.forEach(p -> handlers.add(p.handlerFile()));
      String api = SourceDigest.of(project, state, handlers);
      if (!api.isBlank()) sb.append("=== types you can use (signatures, read-only) ===\n").append(api).append('\n');
    }
    readOnly.stream().limit(3).forEach(p -> sb.append(excerpt(p)));
    return sb.toString();
  }

  /**
   * {@return what the implement step was told about the operation a handler file implements (its line, behaviour
   * and contract slice), as a read-only block; empty for any other file} A model fixing a handler needs the contract
   * it answers to as much as the error.
   */
  private String operationOf(String rel) {
    if (state.plan == null) return "";
    for (Ports.PendingOperation op : state.pending) {
      if (!op.handlerFile().equals(rel)) continue;
      Plan plan = new Plan(state.plan);
      String behaviour = plan.behaviours().get(op.operationId());
      return "=== operation of " + rel + " (read-only) ===\n"
          + "Operation: " + op.method().toUpperCase(java.util.Locale.ROOT) + " " + op.path() + " ("
          + op.operationId() + ")\n"
          + (behaviour == null ? "" : "Behaviour: " + behaviour + "\n")
          + "Contract: " + plan.openApi().slice(op.operationId()) + "\n";
    }
    return "";
  }

  private List<String> refusalsOfLastStep() {
    String last = state.steps.isEmpty() ? "" : state.steps.get(state.steps.size() - 1).name();
    return state.refusals.stream().filter(r -> r.step().equals(last)).map(r -> r.path() + ": " + r.reason()).toList();
  }

  private String excerpt(Verification.Problem p) {
    var text = KnownFiles.read(project, state, p.file());
    if (text.isEmpty()) return "";
    try {
      List<String> lines = text.get().lines().toList();
      int from = Math.max(1, p.line() - 8);
      int to = Math.min(lines.size(), Math.max(p.line(), 1) + 8);
      StringBuilder sb = new StringBuilder("=== ").append(p.file()).append(" lines ").append(from).append('-')
          .append(to).append(" (read-only) ===\n");
      for (int n = from; n <= to; n++) sb.append(n).append(": ").append(lines.get(n - 1)).append('\n');
      return sb.toString();
    } catch (RuntimeException e) {
      return "";
    }
  }
}
