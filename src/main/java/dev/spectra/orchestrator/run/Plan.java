package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked plan (see {@code codegen/plan.schema.json}): the service's name and summary, its OpenAPI document, a
 * behaviour per non-CRUD operation and the acceptance scenarios. A view over the JSON the model returned, which is
 * persisted as is.
 */
record Plan(JsonNode json) {

  String service() {
    return json.path("service").asText();
  }

  String summary() {
    return json.path("summary").asText();
  }

  OpenApiDoc openApi() {
    return new OpenApiDoc(json.path("openapi"));
  }

  Map<String, String> behaviours() {
    Map<String, String> out = new LinkedHashMap<>();
    json.path("behaviours").forEach(b -> out.put(b.path("operationId").asText(), b.path("behaviour").asText()));
    return out;
  }

  /** One request of a scenario and what its response must show. */
  record Step(String method, String path, JsonNode body, int status, List<String> contains) {}

  /** An acceptance scenario: steps run in order against a fresh service. */
  record Scenario(String name, List<Step> steps) {
    boolean touches(OpenApiDoc doc, OpenApiDoc.Operation op) {
      return steps.stream().anyMatch(s -> s.method().equalsIgnoreCase(op.method())
          && new OpenApiDoc(singleOperationDoc(op)).matches(s.method(), s.path()));
    }

    private static JsonNode singleOperationDoc(OpenApiDoc.Operation op) {
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      var root = mapper.createObjectNode();
      root.putObject("paths").putObject(op.path()).set(op.method(), op.node());
      return root;
    }
  }

  List<Scenario> scenarios() {
    List<Scenario> out = new ArrayList<>();
    for (JsonNode s : json.path("scenarios")) {
      List<Step> steps = new ArrayList<>();
      for (JsonNode st : s.path("steps")) {
        List<String> contains = new ArrayList<>();
        st.path("contains").forEach(c -> contains.add(c.asText()));
        JsonNode body = st.get("body");
        steps.add(new Step(st.path("method").asText().toUpperCase(java.util.Locale.ROOT), st.path("path").asText(),
            body == null || body.isNull() ? null : body, st.path("status").asInt(), List.copyOf(contains)));
      }
      out.add(new Scenario(s.path("name").asText(), List.copyOf(steps)));
    }
    return out;
  }
}
