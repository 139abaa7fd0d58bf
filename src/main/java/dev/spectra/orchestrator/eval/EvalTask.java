package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One service request of an eval suite, with the hidden acceptance scenarios that grade it.
 *
 * @param id stable identifier (the file name without extension)
 * @param complexity 1 (one CRUD resource) to 5 (several entities with state machines, money, authentication)
 * @param request the sentence given to {@code orchestrator run}: all the model ever sees of the task
 * @param entities entity names a plan must contain (case-insensitive)
 * @param rules business rules in words, for the report; each is exercised by at least one hidden scenario
 * @param hidden the hidden acceptance scenarios: multi-step flows the built service must pass and the planned
 *     contract must be able to carry. The model never sees them.
 * @param behaviours what a plan that understood the request says about operations that look like plain CRUD but
 *     are not (an account opened with balance 0, a stock count checked on create), by the operationId the
 *     correct plan gives them; the simulator's correct plans carry them. Empty for most tasks; never graded.
 */
public record EvalTask(String id, int complexity, String request, List<String> entities, List<String> rules,
    List<Scenario> hidden, Map<String, String> behaviours) {

  public EvalTask {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(request, "request");
    entities = List.copyOf(entities);
    rules = List.copyOf(rules);
    hidden = List.copyOf(hidden);
    behaviours = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(behaviours));
  }

  public EvalTask(String id, int complexity, String request, List<String> entities, List<String> rules,
      List<Scenario> hidden) {
    this(id, complexity, request, entities, rules, hidden, Map.of());
  }

  /**
   * A hidden acceptance scenario: steps run in order on fresh data; a later step can use what an earlier one
   * captured as {@code {{name}}}.
   *
   * @param rule the rule of the request this scenario exercises, or null for plain behaviour
   */
  public record Scenario(String name, String rule, List<Step> steps) {
    public Scenario {
      steps = List.copyOf(steps);
    }
  }

  /**
   * One request and what must come back.
   *
   * @param path with {@code {{variables}}} captured by earlier steps
   * @param query query parameters, values may hold {@code {{variables}}}
   * @param headers request headers, values may hold {@code {{variables}}}
   * @param body JSON body, string values may hold {@code {{variables}}}; null for none
   * @param status accepted statuses
   * @param expectBody a JSON value the response must contain as a subset; null for no check
   * @param captures variable name to a JSONPath-style pointer into the response ({@code $.id}, {@code $.items[0].id})
   */
  public record Step(String method, String path, Map<String, String> query, Map<String, String> headers,
      JsonNode body, Set<Integer> status, JsonNode expectBody, Map<String, String> captures) {
    public Step {
      query = Map.copyOf(query);
      headers = Map.copyOf(headers);
      status = Set.copyOf(status);
      captures = Map.copyOf(captures);
    }
  }
}
