package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.json;
import static dev.spectra.orchestrator.sim.SimHttp.openAi;
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
class OpenAiProtocolTest {
  static final JsonNode PERSON = json("""
      {"type":"object","properties":{"name":{"type":"string","minLength":2},
       "age":{"type":"integer","minimum":18,"maximum":99},
       "tags":{"type":"array","items":{"type":"string"},"minItems":3}},
       "required":["name","age","tags"],"additionalProperties":false}""");

  Simulator sim;
  SimHttp http;

  @BeforeAll void start() {
    sim = Simulator.start(SimOptions.defaults().withSeed(1));
    http = new SimHttp(sim);
  }

  @AfterAll void stop() { sim.close(); }

  @Test
  void answersAPlainPromptWithADeterministicReplyAndUsage() {
    HttpResponse<String> r = http.post("/v1/chat/completions", openAi("plain-1", "Tell me about   whales"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("json"));
    JsonNode body = json(r);
    assertThat(body.path("id").asText()).startsWith("chatcmpl-");
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("created").isNumber()).isTrue();
    assertThat(body.path("model").asText()).isEqualTo("plain-1");
    JsonNode choice = body.path("choices").get(0);
    assertThat(choice.path("index").asInt()).isZero();
    assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
    assertThat(choice.path("message").path("content").asText()).isEqualTo("Simulated reply to: Tell me about whales");
    assertThat(choice.path("finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = body.path("usage");
    assertThat(usage.path("prompt_tokens").asInt()).isPositive();
    assertThat(usage.path("completion_tokens").asInt()).isPositive();
    assertThat(usage.path("total_tokens").asInt())
        .isEqualTo(usage.path("prompt_tokens").asInt() + usage.path("completion_tokens").asInt());
  }

  @Test
  void streamsRoleThenContentChunksThenFinishReasonThenUsageThenDone() {
    ObjectNode req = openAi("stream-1", "stream this please");
    req.put("stream", true);
    req.putObject("stream_options").put("include_usage", true);

    HttpResponse<String> r = http.post("/v1/chat/completions", req);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    assertThat(r.body().stripTrailing()).endsWith("data: [DONE]");
    List<JsonNode> chunks = SimHttp.sseData(r.body());
    assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    for (JsonNode c : chunks) {
      assertThat(c.path("object").asText()).isEqualTo("chat.completion.chunk");
      if (c.path("choices").size() > 0) text.append(c.at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).isEqualTo("Simulated reply to: stream this please");
    assertThat(chunks.size()).as("one chunk per token, not one blob").isGreaterThan(4);
    JsonNode finish = chunks.get(chunks.size() - 2);
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    JsonNode usage = chunks.getLast();
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.at("/usage/completion_tokens").asInt()).isPositive();
  }

  @Test
  void streamWithoutIncludeUsageSendsNoUsageChunk() {
    ObjectNode req = openAi("stream-2", "hi");
    req.put("stream", true);

    List<JsonNode> chunks = SimHttp.sseData(http.post("/v1/chat/completions", req).body());

    assertThat(chunks).allSatisfy(c -> assertThat(c.has("usage")).isFalse());
    assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void maxTokensCutsTheReplyWithFinishReasonLength() {
    sim.enqueue("cap-1", Scripted.text("one two three four five six seven eight nine ten eleven twelve"));
    ObjectNode req = openAi("cap-1", "count");
    req.put("max_tokens", 4);

    JsonNode body = json(http.post("/v1/chat/completions", req));

    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(4);
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("one two three four");
  }

  @Test
  void maxCompletionTokensIsHonouredLikeMaxTokens() {
    sim.enqueue("cap-2", Scripted.text("one two three four five six seven eight nine ten"));
    ObjectNode req = openAi("cap-2", "count");
    req.put("max_completion_tokens", 2);

    JsonNode body = json(http.post("/v1/chat/completions", req));

    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("one two");
  }

  @Test
  void responseFormatJsonSchemaGetsAConformingValue() {
    ObjectNode req = openAi("schema-1", "Give me a person");
    ObjectNode rf = req.putObject("response_format").put("type", "json_schema");
    rf.putObject("json_schema").put("name", "person").put("strict", true).set("schema", PERSON);

    String content = json(http.post("/v1/chat/completions", req)).at("/choices/0/message/content").asText();

    assertThat(SimHttp.violations(PERSON, json(content))).isEmpty();
  }

  @Test
  void llamaCppJsonSchemaAndVllmGuidedJsonAreTreatedAsSchemaRequests() {
    ObjectNode llama = openAi("schema-2", "Give me a person");
    llama.set("json_schema", PERSON);
    ObjectNode vllm = openAi("schema-2", "Give me a person");
    vllm.set("guided_json", PERSON);
    ObjectNode vllmText = openAi("schema-2", "Give me a person");
    vllmText.put("guided_json", PERSON.toString());

    for (ObjectNode req : List.of(llama, vllm, vllmText)) {
      String content = json(http.post("/v1/chat/completions", req)).at("/choices/0/message/content").asText();
      assertThat(SimHttp.violations(PERSON, json(content))).isEmpty();
    }
  }

  @Test
  void jsonObjectModeGetsAJsonObject() {
    ObjectNode req = openAi("json-mode", "hello");
    req.putObject("response_format").put("type", "json_object");

    String content = json(http.post("/v1/chat/completions", req)).at("/choices/0/message/content").asText();

    assertThat(json(content).isObject()).isTrue();
  }

  @Test
  void schemaStatedOnlyInThePromptGetsAConformingValue() {
    String prompt = "Answer with JSON matching this schema:\n```json schema\n" + PERSON + "\n```\nNo prose.";

    String content = json(http.post("/v1/chat/completions", openAi("schema-3", prompt)))
        .at("/choices/0/message/content").asText();

    assertThat(SimHttp.violations(PERSON, json(content))).isEmpty();
  }

  @Test
  void listsTheSeedModels() {
    JsonNode body = json(http.get("/v1/models"));

    assertThat(body.path("object").asText()).isEqualTo("list");
    assertThat(body.path("data").findValuesAsText("id")).contains("qwen2.5-coder:32b", "gpt-4o-mini");
  }

  @Test
  void requestWithoutModelIs400InOpenAiErrorShape() {
    HttpResponse<String> r = http.post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
    assertThat(json(r).at("/error/message").asText()).contains("model");
  }

  @Test
  void recordsEveryRequestWithHeadersAndBody() {
    ObjectNode req = openAi("recorded-1", "remember me");
    req.put("temperature", 0.0);

    http.post("/v1/chat/completions", req, "X-Trace", "t-1");

    RecordedRequest got = sim.requests().stream()
        .filter(r -> r.body().path("model").asText().equals("recorded-1")).findFirst().orElseThrow();
    assertThat(got.method()).isEqualTo("POST");
    assertThat(got.path()).isEqualTo("/v1/chat/completions");
    assertThat(got.header("x-trace")).hasValue("t-1");
    assertThat(got.body().path("temperature").asDouble()).isZero();
  }
}
