package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Objects;

/**
 * One service request of an eval suite, with what a good plan or build must cover.
 *
 * @param id stable identifier (the file name without extension)
 * @param complexity 1 (one CRUD resource) to 5 (several entities with business rules)
 * @param request the sentence given to {@code orchestrator run}
 * @param entities entity names a plan must contain (case-insensitive)
 * @param rules business rules in words, for the prompt and the report
 * @param scenarios acceptance scenarios: every scenario path must match an operation of the plan's contract
 */
public record EvalTask(String id, int complexity, String request, List<String> entities, List<String> rules,
    List<Scenario> scenarios) {

  public EvalTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(request, "request");
    entities = List.copyOf(entities);
    rules = List.copyOf(rules);
    scenarios = List.copyOf(scenarios);
  }

  /** An acceptance scenario: a request and the expected status and body fragment. */
  public record Scenario(String name, String method, String path, JsonNode body, int expectStatus, JsonNode expectBody) {}
}
