package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A multi-step behaviour to check, read from a scenario file (format: docs/check.md).
 *
 * @param name what the scenario shows, e.g. "a withdrawal past the balance is refused"
 * @param file the file it came from
 * @param vars variables defined up front
 * @param setup steps run first; a failure there is reported and skips the steps
 * @param steps the behaviour
 * @param teardown steps run last, whatever happened (failures here are reported too)
 */
record Scenario(String name, String file, Map<String, JsonNode> vars, List<Step> setup, List<Step> steps,
    List<Step> teardown) {

  /** One request and what its answer must be. */
  record Step(String name, int line, Request request, Expect expect, Map<String, Capture> captures) {}

  /**
   * A request template; strings may hold {@code {{variables}}}.
   *
   * @param json a JSON body, or null
   * @param body a raw text body, or null (at most one of json and body)
   */
  record Request(String method, String path, Map<String, JsonNode> query, Map<String, String> headers, JsonNode json,
      String body, String contentType) {}

  /**
   * Expectations of an answer.
   *
   * @param status accepted statuses: "201", "2xx" (empty: any)
   * @param body a JSON value the body must contain (objects: these members; arrays: these elements, any order)
   * @param asserts checks at JSONPath-style paths
   * @param headers headers that must be present with these values (case-insensitive names)
   */
  record Expect(List<String> status, JsonNode body, List<Assertion> asserts, Map<String, String> headers) {
    static final Expect ANY = new Expect(List.of(), null, List.of(), Map.of());
  }

  /**
   * One check at a path.
   *
   * @param op equals, notEquals, lt, lte, gt, gte, exists, absent, matches, type, length, contains
   */
  record Assertion(JsonPathLite path, String op, JsonNode operand, int line) {}

  /** Where a captured variable comes from: a path in the JSON body or a response header. */
  record Capture(JsonPathLite path, String header) {}
}
