package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.json;
import static dev.spectra.orchestrator.sim.SimHttp.ollama;
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
class OllamaProtocolTest {
  static final JsonNode SCHEMA = json("""
      {"type":"object","properties":{"city":{"type":"string"},"population":{"type":"integer","minimum":1}},
       "required":["city","population"]}""");

  Simulator sim;
  SimHttp http;

  @BeforeAll void start() {
    sim = Simulator.start(SimOptions.defaults().withSeed(3));
    http = new SimHttp(sim);
  }

  @AfterAll void stop() { sim.close(); }

  /** A prompt of roughly {@code words} tokens. */
  static String longPrompt(int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) sb.append("word ");
    return sb.toString();
  }

  @Test
  void streamsNdjsonByDefaultEndingWithDoneAndCounts() {
    ObjectNode req = SimHttp.openAi("llama3.1:70b", "stream by default");

    HttpResponse<String> r = http.post("/api/chat", req);

    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/x-ndjson");
    List<JsonNode> lines = SimHttp.ndjson(r.body());
    assertThat(lines.size()).isGreaterThan(2);
    StringBuilder text = new StringBuilder();
    for (JsonNode line : lines.subList(0, lines.size() - 1)) {
      assertThat(line.path("done").asBoolean()).isFalse();
      assertThat(line.path("model").asText()).isEqualTo("llama3.1:70b");
      text.append(line.at("/message/content").asText());
    }
    assertThat(text.toString()).isEqualTo("Simulated reply to: stream by default");
    JsonNode last = lines.getLast();
    assertThat(last.path("done").asBoolean()).isTrue();
    assertThat(last.path("done_reason").asText()).isEqualTo("stop");
    assertThat(last.path("prompt_eval_count").asInt()).isPositive();
    assertThat(last.path("eval_count").asInt()).isPositive();
    assertThat(last.path("total_duration").isIntegralNumber()).isTrue();
  }

  @Test
  void nonStreamingReplyHasMessageDoneAndNanosecondDurations() {
    JsonNode body = json(http.post("/api/chat", ollama("qwen2.5-coder:32b", "hello", false)));

    assertThat(body.at("/message/role").asText()).isEqualTo("assistant");
    assertThat(body.at("/message/content").asText()).isEqualTo("Simulated reply to: hello");
    assertThat(body.path("done").asBoolean()).isTrue();
    assertThat(body.path("created_at").asText()).endsWith("Z");
    for (String f : List.of("total_duration", "load_duration", "prompt_eval_duration", "eval_duration")) {
      assertThat(body.path(f).isIntegralNumber()).as(f).isTrue();
    }
  }

  @Test
  void formatSchemaGetsAConformingValue() {
    ObjectNode req = ollama("qwen2.5-coder:32b", "a city", false);
    req.set("format", SCHEMA);

    String content = json(http.post("/api/chat", req)).at("/message/content").asText();

    assertThat(SimHttp.violations(SCHEMA, json(content))).isEmpty();
  }

  @Test
  void formatJsonGetsJson() {
    ObjectNode req = ollama("qwen2.5-coder:32b", "anything", false);
    req.put("format", "json");

    String content = json(http.post("/api/chat", req)).at("/message/content").asText();

    assertThat(json(content).isObject()).isTrue();
  }

  @Test
  void numPredictCutsTheReplyWithDoneReasonLength() {
    sim.enqueue("np-1", Scripted.text("a b c d e f g h i j k l m n o p"));
    ObjectNode req = ollama("np-1", "letters", false);
    req.putObject("options").put("num_predict", 3);

    JsonNode body = json(http.post("/api/chat", req));

    assertThat(body.path("done_reason").asText()).isEqualTo("length");
    assertThat(body.path("eval_count").asInt()).isEqualTo(3);
  }

  @Test
  void longPromptIsSilentlyCutToTheDefaultContextOf2048Tokens() {
    JsonNode body = json(http.post("/api/chat", ollama("ctx-1", longPrompt(3000), false)));

    assertThat(body.path("prompt_eval_count").asInt()).isEqualTo(2048);
    assertThat(body.path("done_reason").asText()).isEqualTo("stop");
  }

  @Test
  void numCtxOptionLetsTheWholePromptIn() {
    ObjectNode req = ollama("ctx-2", longPrompt(3000), false);
    req.putObject("options").put("num_ctx", 8192);

    JsonNode body = json(http.post("/api/chat", req));

    assertThat(body.path("prompt_eval_count").asInt()).isGreaterThan(3000);
  }

  @Test
  void schemaStatedAtTheStartOfATooLongPromptIsLostLikeOnARealOllama() {
    String prompt = "Reply with JSON for this schema:\n```json schema\n" + SCHEMA + "\n```\n" + longPrompt(3000);

    String cut = json(http.post("/api/chat", ollama("ctx-3", prompt, false))).at("/message/content").asText();
    ObjectNode whole = ollama("ctx-3", prompt, false);
    whole.putObject("options").put("num_ctx", 8192);
    String kept = json(http.post("/api/chat", whole)).at("/message/content").asText();

    assertThat(SimHttp.violations(SCHEMA, json(kept))).isEmpty();
    assertThat(cut).doesNotContain("population");
  }

  @Test
  void requestsShowTheNumCtxAndKeepAliveTheClientSent() {
    ObjectNode req = ollama("ka-1", "hi", false);
    req.put("keep_alive", "30m");
    req.putObject("options").put("num_ctx", 32768);

    http.post("/api/chat", req);

    RecordedRequest got = sim.requests().stream().filter(r -> r.body().path("model").asText().equals("ka-1"))
        .findFirst().orElseThrow();
    assertThat(got.body().at("/options/num_ctx").asInt()).isEqualTo(32768);
    assertThat(got.body().path("keep_alive").asText()).isEqualTo("30m");
  }

  @Test
  void emptyMessagesLoadTheModelAndAnswerDoneReasonLoad() {
    JsonNode body = json(http.post("/api/chat", "{\"model\":\"warm:1b\",\"messages\":[]}"));

    assertThat(body.path("done_reason").asText()).isEqualTo("load");
    assertThat(body.path("done").asBoolean()).isTrue();
  }

  @Test
  void tagsListModelsWithNameSizeDigestAndDetails() {
    JsonNode models = json(http.get("/api/tags")).path("models");

    assertThat(models.findValuesAsText("name")).contains("qwen2.5-coder:32b", "mistral:7b-instruct-v0.3");
    JsonNode qwen = null;
    for (JsonNode m : models) if (m.path("name").asText().equals("qwen2.5-coder:32b")) qwen = m;
    assertThat(qwen).isNotNull();
    assertThat(qwen.path("model").asText()).isEqualTo("qwen2.5-coder:32b");
    assertThat(qwen.path("size").asLong()).isPositive();
    assertThat(qwen.path("digest").asText()).hasSize(64);
    assertThat(qwen.at("/details/parameter_size").asText()).isEqualTo("32B");
    assertThat(qwen.at("/details/family").asText()).isEqualTo("qwen2");
  }

  @Test
  void showDescribesAModelWithItsContextLength() {
    JsonNode body = json(http.post("/api/show", "{\"model\":\"qwen2.5-coder:32b\"}"));

    assertThat(body.at("/details/parameter_size").asText()).isEqualTo("32B");
    assertThat(body.path("model_info").path("qwen2.context_length").asInt()).isPositive();
  }

  @Test
  void rootSaysOllamaIsRunning() {
    assertThat(http.get("/").body()).isEqualTo("Ollama is running");
  }
}
