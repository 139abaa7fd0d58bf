package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.json;
import static dev.spectra.orchestrator.sim.SimHttp.openAi;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A simulator started with a required key and a restricted model list. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessControlTest {
  static final String KEY = "sk-test-0123456789";

  Simulator sim;
  SimHttp http;

  @BeforeAll void start() {
    sim = Simulator.start(SimOptions.defaults().withRequiredApiKey(KEY).withModels("served:7b"));
    http = new SimHttp(sim);
  }

  @AfterAll void stop() { sim.close(); }

  @Test
  void openAiCallWithoutAuthorizationIs401InvalidApiKey() {
    HttpResponse<String> r = http.post("/v1/chat/completions", openAi("served:7b", "hi"));

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).at("/error/code").asText()).isEqualTo("invalid_api_key");
    assertThat(json(r).at("/error/type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void openAiCallWithAWrongKeyIs401AndTheErrorNeverEchoesAKey() {
    HttpResponse<String> r = http.post("/v1/chat/completions", openAi("served:7b", "hi"),
        "Authorization", "Bearer sk-wrong-key");

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.body()).doesNotContain("sk-wrong-key").doesNotContain(KEY);
  }

  @Test
  void openAiCallWithTheKeySucceeds() {
    HttpResponse<String> r = http.post("/v1/chat/completions", openAi("served:7b", "hi"),
        "Authorization", "Bearer " + KEY);

    assertThat(r.statusCode()).isEqualTo(200);
  }

  @Test
  void unknownModelIs404ModelNotFoundOnOpenAi() {
    HttpResponse<String> r = http.post("/v1/chat/completions", openAi("other:1b", "hi"),
        "Authorization", "Bearer " + KEY);

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).at("/error/code").asText()).isEqualTo("model_not_found");
  }

  @Test
  void unknownModelIs404WithOllamasPullHint() {
    HttpResponse<String> r = http.post("/api/chat", SimHttp.ollama("other:1b", "hi", false));

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("error").asText()).isEqualTo("model \"other:1b\" not found, try pulling it first");
  }

  @Test
  void unknownModelIs404NotFoundErrorOnAnthropic() {
    HttpResponse<String> r = http.post("/v1/messages", SimHttp.anthropic("other:1b", "hi", 10),
        "x-api-key", KEY, "anthropic-version", SimHttp.ANTHROPIC_VERSION);

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).path("type").asText()).isEqualTo("error");
    assertThat(json(r).at("/error/type").asText()).isEqualTo("not_found_error");
  }

  @Test
  void anthropicCallWithAWrongKeyIs401AuthenticationError() {
    HttpResponse<String> r = http.post("/v1/messages", SimHttp.anthropic("served:7b", "hi", 10),
        "x-api-key", "nope", "anthropic-version", SimHttp.ANTHROPIC_VERSION);

    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(json(r).at("/error/type").asText()).isEqualTo("authentication_error");
  }

  @Test
  void tagsAndModelsListOnlyTheServedModels() {
    assertThat(json(http.get("/api/tags")).path("models").findValuesAsText("name")).containsExactly("served:7b");
    HttpResponse<String> models = http.send(java.net.http.HttpRequest.newBuilder(http.base.resolve("/v1/models"))
        .header("Authorization", "Bearer " + KEY).GET().build());
    assertThat(json(models).path("data").findValuesAsText("id")).containsExactly("served:7b");
    assertThat(http.get("/v1/models").statusCode()).as("the model list needs the key too").isEqualTo(401);
  }

  @Test
  void recordedRequestsKeepTheHeaderButNeverPrintIt() {
    http.post("/v1/chat/completions", openAi("served:7b", "hi"), "Authorization", "Bearer " + KEY);

    RecordedRequest got = sim.requests().getLast();
    assertThat(got.header("authorization")).hasValue("Bearer " + KEY);
    assertThat(got.toString()).doesNotContain(KEY);
  }
}
