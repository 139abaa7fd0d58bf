package dev.spectra.orchestrator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.RecordingListener;
import dev.spectra.orchestrator.ledger.Database;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Sampling;
import dev.spectra.orchestrator.model.Usage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One test per defect found by using the gateway as a client would; each failed before its fix. */
class GatewayRegressionTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final RecordingListener listener = new RecordingListener();
  private final List<AutoCloseable> open = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach void stop() throws Exception {
    for (AutoCloseable c : open.reversed()) c.close();
  }

  private Gateway start(Gateway.Directory directory) {
    return start(directory, GatewayOptions.defaults().withPort(0), null);
  }

  private Gateway start(Gateway.Directory directory, GatewayOptions options, GatewayKeys keys) {
    Gateway g = Gateway.builder(directory).options(options).keys(keys).listener(listener).start();
    open.add(g);
    return g;
  }

  private HttpResponse<String> post(Gateway g, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(g.baseUrl().resolve("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String chat(String model, String extra) {
    return "{\"model\":" + JSON.valueToTree(model) + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
        + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  private static JsonNode error(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body()).path("error");
  }

  @Test void deeplyNestedBracketsAre400InvalidJsonNotAServerError() throws Exception {
    FakeModel m = new FakeModel("m", FakeModel.text("m", "unreachable!"));
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> bare = post(g, "[".repeat(100_000));
    HttpResponse<String> inside = post(g, "{\"model\":\"m\",\"messages\":" + "[".repeat(100_000));

    for (HttpResponse<String> r : List.of(bare, inside)) {
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(error(r).path("code").asText()).isEqualTo("invalid_json");
      assertThat(r.body()).doesNotContain("NullPointerException").doesNotContain("Exception");
    }
    assertThat(m.requests).isEmpty();
  }

  @Test void modelNameVariantsAre404AndCountedAsUnknownWithoutGrowingMetrics() throws Exception {
    FakeModel m = new FakeModel("local-first", FakeModel.text("qwen", "ok"));
    // A resolver as lenient as the cascade's: it would accept padded and re-cased names.
    Gateway.Directory directory = Gateway.directory(name -> {
      if (name.strip().toLowerCase(Locale.ROOT).equals("local-first")) return m;
      throw new IllegalArgumentException("unknown " + name);
    }, () -> List.of(new Gateway.Listed("local-first", "orchestrator")));
    Gateway g = start(directory);

    int notFound = 0;
    for (int i = 1; i <= 300; i++) {
      HttpResponse<String> r = post(g, chat("local-first" + " ".repeat(i), ""));
      if (r.statusCode() == 404 && error(r).path("code").asText().equals("model_not_found")) notFound++;
    }
    HttpResponse<String> upper = post(g, chat("LOCAL-FIRST", ""));
    HttpResponse<String> exact = post(g, chat("local-first", ""));

    assertThat(notFound).isEqualTo(300);
    assertThat(upper.statusCode()).isEqualTo(404);
    assertThat(exact.statusCode()).isEqualTo(200);
    String metrics = g.metricsText();
    assertThat(metrics).contains("orchestrator_gateway_requests_total{model=\"unknown\",status=\"404\"} 301");
    assertThat(metrics.lines().filter(l -> l.contains("local-first ")).count()).isZero();
  }

  @Test void aHugeModelNameIsNotEchoedWhole() throws Exception {
    Gateway g = start(new FakeDirectory());

    HttpResponse<String> r = post(g, chat("x".repeat(1_000_000), ""));

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.body().length()).isLessThan(1_000);
  }

  @Test void samplingFieldsReachTheModelInsteadOfBeingDropped() throws Exception {
    FakeModel m = new FakeModel("m", FakeModel.text("m", "ok"));
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> r = post(g, chat("m", "\"stop\":[\"END\"],\"seed\":7,\"top_p\":0.5,"
        + "\"frequency_penalty\":0.25,\"presence_penalty\":-1,\"logprobs\":false,\"user\":\"u-1\""));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(m.requests.getFirst().sampling()).isEqualTo(new Sampling(0.5, 7L, List.of("END"), 0.25, -1.0));
  }

  @ParameterizedTest(name = "{0} -> 400 naming {1}")
  @CsvSource(delimiter = '|', value = {
      "\"logprobs\":true | logprobs | unsupported_parameter",
      "\"top_logprobs\":3 | top_logprobs | unsupported_parameter",
      "\"logit_bias\":{\"50256\":-100} | logit_bias | unsupported_parameter",
      "\"tool_choice\":\"auto\" | tool_choice | unsupported_parameter",
      "\"parallel_tool_calls\":true | parallel_tool_calls | unsupported_parameter",
      "\"n\":\"abc\" | n | invalid_type",
      "\"n\":2 | n | unsupported_parameter",
      "\"stop\":[1,2] | stop | invalid_type",
      "\"top_p\":3 | top_p | invalid_value",
      "\"seed\":\"x\" | seed | invalid_type",
      "\"reasoning_effort\":\"high\" | reasoning_effort | unsupported_parameter",
      "\"frobnicate\":1 | frobnicate | unsupported_parameter"})
  void fieldsThatWouldChangeTheAnswerIfIgnoredAreRefusedByName(String field, String param, String code)
      throws Exception {
    FakeModel m = new FakeModel("m", FakeModel.text("m", "unreachable!"));
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> r = post(g, chat("m", field));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).path("param").asText()).isEqualTo(param);
    assertThat(error(r).path("code").asText()).isEqualTo(code);
    assertThat(error(r).path("message").asText()).contains(param);
    assertThat(m.requests).isEmpty();
  }

  @Test void getOnTheCompletionsPathIs405WithAllowNot404() throws Exception {
    Gateway g = start(new FakeDirectory());

    HttpResponse<String> r = http.send(HttpRequest.newBuilder(g.baseUrl().resolve("/v1/chat/completions")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(405);
    assertThat(r.headers().firstValue("allow")).hasValue("POST");
    assertThat(error(r).path("code").asText()).isEqualTo("method_not_allowed");
  }

  @Test void streamedChunksNameTheModelThatServedNotTheAlias() throws Exception {
    FakeModel m = new FakeModel("local-first", (req, l) -> {
      // As the cascade does before the first token of the route that streams.
      l.servedBy("qwen");
      for (String piece : FakeModel.pieces("one two")) l.onToken(piece);
      return FakeModel.reply("qwen", "one two", null, new Usage(3, 2, false), Money.ZERO, Money.ZERO);
    });
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> r = post(g, chat("local-first", "\"stream\":true"));

    List<String> models = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data: {")) models.add(JSON.readTree(line.substring(6)).path("model").asText());
    }
    assertThat(models).isNotEmpty().allSatisfy(name -> assertThat(name).isEqualTo("qwen"));
  }

  @Test void aStreamCutAfterItBeganCountsAsTheStatusSentNot502() throws Exception {
    FakeModel m = new FakeModel("m", (req, l) -> {
      l.onToken("partial ");
      throw new ModelException(new ModelError.StreamCutOff("partial ", "http://10.0.0.9:8000/v1"));
    });
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> r = post(g, chat("m", "\"stream\":true"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"error\"").doesNotContain("[DONE]");
    assertThat(g.metricsText()).contains("orchestrator_gateway_requests_total{model=\"m\",status=\"200\"} 1")
        .doesNotContain("status=\"502\"").contains("failures_total{type=\"stream_cut_off\"} 1");
  }

  @Test void remoteClientsGetErrorsWithoutUpstreamUrlsOrSettingNamesAndTheLogKeepsThem() throws Exception {
    Database db = Database.open("jdbc:sqlite:" + dir.resolve("l.db"));
    open.add(db);
    GatewayKeys keys = new GatewayKeys(db, Clock.systemUTC());
    GatewayKeys.Created k = keys.create("remote", null, null);
    FakeModel m = new FakeModel("m", FakeModel.fail(new ModelError.ConnectionRefused(
        "http://10.1.2.3:11434/api/chat", "start the server, or point ORCHESTRATOR_LLM_URL at a running one")));
    Gateway g = start(new FakeDirectory().add(m), GatewayOptions.defaults().withPort(0).withRequireKeys(true), keys);

    HttpResponse<String> r = post(g, chat("m", ""), "Authorization", "Bearer " + k.secret());

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).doesNotContain("10.1.2.3").doesNotContain("ORCHESTRATOR_LLM_URL");
    assertThat(listener.snapshot()).singleElement().satisfies(c ->
        assertThat(c.detail()).contains("http://10.1.2.3:11434/api/chat").contains("ORCHESTRATOR_LLM_URL"));
  }

  @Test void aDrainingGatewayAnswers503DrainingWhileItsInFlightRequestFinishes() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    FakeModel slow = new FakeModel("slow", (req, l) -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FakeModel.reply("slow", "done", null, new Usage(1, 1, false), Money.ZERO, Money.ZERO);
    });
    Gateway g = Gateway.builder(new FakeDirectory().add(slow))
        .options(GatewayOptions.defaults().withPort(0).withShutdownGrace(java.time.Duration.ofSeconds(10)))
        .listener(listener).start();
    open.add(g);
    CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(
        HttpRequest.newBuilder(g.baseUrl().resolve("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString(chat("slow", ""))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> closing = CompletableFuture.runAsync(g::close);
    while (!g.draining()) Thread.sleep(5);
    HttpResponse<String> refused = post(g, chat("slow", ""));
    release.countDown();
    closing.get(20, TimeUnit.SECONDS);

    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(error(refused).path("code").asText()).isEqualTo("draining");
    assertThat(refused.headers().firstValue("retry-after")).isPresent();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
  }

}
