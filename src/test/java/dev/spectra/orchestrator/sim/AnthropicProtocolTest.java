package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.anthropic;
import static dev.spectra.orchestrator.sim.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnthropicProtocolTest {
  static final JsonNode PLAN = json("""
      {"type":"object","$defs":{"step":{"type":"object","properties":{"title":{"type":"string"},
        "kind":{"enum":["create","update","delete"]}},"required":["title","kind"]}},
       "properties":{"steps":{"type":"array","items":{"$ref":"#/$defs/step"},"minItems":2},
        "version":{"const":1}},"required":["steps","version"]}""");

  Simulator sim;
  SimHttp http;

  @BeforeAll void start() {
    sim = Simulator.start(SimOptions.defaults().withSeed(5));
    http = new SimHttp(sim);
  }

  @AfterAll void stop() { sim.close(); }

  static ObjectNode forcedTool(String model, boolean stream) {
    ObjectNode req = anthropic(model, "plan it", 1024);
    req.put("stream", stream);
    ObjectNode tool = req.putArray("tools").addObject().put("name", "answer").put("description", "the answer");
    tool.set("input_schema", PLAN);
    req.putObject("tool_choice").put("type", "tool").put("name", "answer");
    return req;
  }

  @Test
  void answersWithATextBlockEndTurnAndUsage() {
    ObjectNode req = anthropic("claude-3-5-sonnet-20241022", "hello claude", 100);
    req.put("system", "be brief");

    HttpResponse<String> r = http.anthropic(req);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json(r);
    assertThat(body.path("id").asText()).startsWith("msg_");
    assertThat(body.path("type").asText()).isEqualTo("message");
    assertThat(body.path("role").asText()).isEqualTo("assistant");
    assertThat(body.at("/content/0/type").asText()).isEqualTo("text");
    assertThat(body.at("/content/0/text").asText()).isEqualTo("Simulated reply to: hello claude");
    assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
    assertThat(body.at("/usage/input_tokens").asInt()).isPositive();
    assertThat(body.at("/usage/output_tokens").asInt()).isPositive();
  }

  @Test
  void streamsTheMessageEventsInProtocolOrder() {
    ObjectNode req = anthropic("claude-stream", "stream it", 100);
    req.put("stream", true);

    HttpResponse<String> r = http.anthropic(req);

    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    List<String> events = SimHttp.sseEvents(r.body());
    assertThat(events.getFirst()).isEqualTo("message_start");
    assertThat(events.subList(1, 3)).containsExactly("content_block_start", "ping");
    assertThat(events.subList(events.size() - 3, events.size()))
        .containsExactly("content_block_stop", "message_delta", "message_stop");
    List<JsonNode> data = SimHttp.sseData(r.body());
    StringBuilder text = new StringBuilder();
    for (JsonNode d : data) {
      if (d.path("type").asText().equals("content_block_delta")) {
        assertThat(d.at("/delta/type").asText()).isEqualTo("text_delta");
        text.append(d.at("/delta/text").asText());
      }
    }
    assertThat(text.toString()).isEqualTo("Simulated reply to: stream it");
    JsonNode delta = data.get(data.size() - 2);
    assertThat(delta.at("/delta/stop_reason").asText()).isEqualTo("end_turn");
    assertThat(delta.at("/usage/output_tokens").asInt()).isPositive();
  }

  @Test
  void forcedToolIsAnsweredWithAToolUseBlockWhoseInputConforms() {
    JsonNode body = json(http.anthropic(forcedTool("claude-tool", false)));

    assertThat(body.path("stop_reason").asText()).isEqualTo("tool_use");
    JsonNode block = body.path("content").get(0);
    assertThat(block.path("type").asText()).isEqualTo("tool_use");
    assertThat(block.path("name").asText()).isEqualTo("answer");
    assertThat(block.path("id").asText()).startsWith("toolu_");
    assertThat(SimHttp.violations(PLAN, block.path("input"))).isEmpty();
  }

  @Test
  void streamedToolInputArrivesAsInputJsonDeltasThatFormAConformingValue() {
    HttpResponse<String> r = http.anthropic(forcedTool("claude-tool-stream", true));

    List<JsonNode> data = SimHttp.sseData(r.body());
    assertThat(data.get(1).at("/content_block/type").asText()).isEqualTo("tool_use");
    StringBuilder partial = new StringBuilder();
    for (JsonNode d : data) {
      if (d.path("type").asText().equals("content_block_delta")) {
        assertThat(d.at("/delta/type").asText()).isEqualTo("input_json_delta");
        partial.append(d.at("/delta/partial_json").asText());
      }
    }
    assertThat(SimHttp.violations(PLAN, json(partial.toString()))).isEmpty();
    assertThat(data.get(data.size() - 2).at("/delta/stop_reason").asText()).isEqualTo("tool_use");
  }

  @Test
  void toolChoiceAnyWithASingleToolIsAForcedTool() {
    ObjectNode req = forcedTool("claude-any", false);
    req.putObject("tool_choice").put("type", "any");

    JsonNode body = json(http.anthropic(req));

    assertThat(body.at("/content/0/type").asText()).isEqualTo("tool_use");
    assertThat(SimHttp.violations(PLAN, body.at("/content/0/input"))).isEmpty();
  }

  @Test
  void toolChoiceAutoIsAnsweredWithText() {
    ObjectNode req = forcedTool("claude-auto", false);
    req.putObject("tool_choice").put("type", "auto");

    JsonNode body = json(http.anthropic(req));

    assertThat(body.at("/content/0/type").asText()).isEqualTo("text");
    assertThat(body.path("stop_reason").asText()).isEqualTo("end_turn");
  }

  @Test
  void scriptedJsonForAForcedToolBecomesTheToolInput() {
    sim.enqueue("claude-scripted-tool", Scripted.json("{\"steps\":[],\"version\":1}"));

    JsonNode body = json(http.anthropic(forcedTool("claude-scripted-tool", false)));

    assertThat(body.at("/content/0/input")).isEqualTo(json("{\"steps\":[],\"version\":1}"));
  }

  @Test
  void maxTokensCutoffStopsWithMaxTokens() {
    sim.enqueue("claude-cap", Scripted.text("alpha beta gamma delta epsilon zeta eta theta"));

    JsonNode body = json(http.anthropic(anthropic("claude-cap", "greek", 3)));

    assertThat(body.path("stop_reason").asText()).isEqualTo("max_tokens");
    assertThat(body.at("/usage/output_tokens").asInt()).isEqualTo(3);
  }

  @Test
  void missingApiKeyIs401AuthenticationError() {
    HttpResponse<String> r = http.post("/v1/messages", anthropic("c", "hi", 10),
        "anthropic-version", SimHttp.ANTHROPIC_VERSION);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).path("type").asText()).isEqualTo("error");
    assertThat(json(r).at("/error/type").asText()).isEqualTo("authentication_error");
  }

  @Test
  void missingVersionHeaderIs400InvalidRequest() {
    HttpResponse<String> r = http.post("/v1/messages", anthropic("c", "hi", 10), "x-api-key", "k");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(json(r).at("/error/message").asText()).contains("anthropic-version");
  }

  @Test
  void missingMaxTokensIs400NamingTheField() {
    HttpResponse<String> r = http.anthropic(SimHttp.openAi("c", "hi"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/message").asText()).startsWith("max_tokens");
  }
}
