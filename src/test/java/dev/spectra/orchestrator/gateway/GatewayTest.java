package dev.spectra.orchestrator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.RecordingListener;
import dev.spectra.orchestrator.ledger.Database;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.SqlBudgetStore;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.reliability.BudgetStore;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.Usage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final RecordingListener listener = new RecordingListener();
  private final List<Gateway> started = new ArrayList<>();
  @TempDir Path dir;

  @AfterEach void stop() {
    started.forEach(Gateway::close);
    databases.forEach(Database::close);
  }

  private Gateway start(FakeDirectory directory) {
    return start(directory, GatewayOptions.defaults().withPort(0), null, Map.of());
  }

  private final List<Database> databases = new ArrayList<>();

  /** A fresh SQLite ledger database in the test's directory (PostgreSQL is covered by the store tests). */
  private Database database() {
    Database db = Database.open("jdbc:sqlite:" + dir.resolve("ledger-" + databases.size() + ".db"));
    databases.add(db);
    return db;
  }

  private GatewayKeys keys() {
    return new GatewayKeys(database(), java.time.Clock.systemUTC());
  }

  private Gateway start(FakeDirectory directory, GatewayOptions options, GatewayKeys keys, Map<String, String> env) {
    Gateway g = Gateway.builder(directory).options(options).keys(keys).environment(env).listener(listener).start();
    started.add(g);
    return g;
  }

  private HttpResponse<String> post(Gateway g, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(g.baseUrl().resolve("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(Gateway g, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(g.baseUrl().resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String chat(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  /** The data payloads of an SSE body, in order. */
  private static List<String> events(String body) {
    List<String> out = new ArrayList<>();
    for (String line : body.split("\n")) if (line.startsWith("data: ")) out.add(line.substring(6));
    return out;
  }

  @Test void answersChatCompletionInOpenAiWireFormatWithAccountingHeaders() throws Exception {
    Gateway g = start(new FakeDirectory().add(new FakeModel("local-first", FakeModel.text("qwen", "Hello there"))));

    HttpResponse<String> r = post(g, chat("local-first", false));

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("id").asText()).startsWith("chatcmpl-");
    assertThat(body.path("object").asText()).isEqualTo("chat.completion");
    assertThat(body.path("created").asLong()).isPositive();
    assertThat(body.path("model").asText()).isEqualTo("qwen");
    assertThat(body.at("/choices/0/message/role").asText()).isEqualTo("assistant");
    assertThat(body.at("/choices/0/message/content").asText()).isEqualTo("Hello there");
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(body.at("/usage/prompt_tokens").asInt()).isEqualTo(12);
    assertThat(body.at("/usage/completion_tokens").asInt()).isEqualTo(5);
    assertThat(body.at("/usage/total_tokens").asInt()).isEqualTo(17);
    assertThat(r.headers().firstValue("x-orchestrator-served-model")).hasValue("qwen");
    assertThat(r.headers().firstValue("x-orchestrator-attempts")).hasValue("1");
    assertThat(r.headers().firstValue("x-orchestrator-cost-usd")).hasValue("0.000123");
    assertThat(r.headers().firstValue("x-orchestrator-saved-usd")).hasValue("0.000456");
    assertThat(body.at("/orchestrator/served_model").asText()).isEqualTo("qwen");
    // The call is recorded after the response is sent: on a busy machine the client can read it first.
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (listener.snapshot().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(listener.snapshot()).singleElement().satisfies(c -> {
      assertThat(c.status()).isEqualTo(200);
      assertThat(c.servedModel()).isEqualTo("qwen");
      assertThat(c.requestId()).isEqualTo(body.path("id").asText());
    });
  }

  @Test void streamsRoleThenContentChunksThenFinishThenUsageThenDone() throws Exception {
    Gateway g = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("qwen", "one two three"))));

    HttpResponse<String> r = post(g, chat("m", true));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    List<String> events = events(r.body());
    assertThat(events.getLast()).isEqualTo("[DONE]");
    JsonNode first = JSON.readTree(events.get(0));
    assertThat(first.path("object").asText()).isEqualTo("chat.completion.chunk");
    assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
    StringBuilder text = new StringBuilder();
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode c = JSON.readTree(e);
      if (c.path("choices").size() > 0) text.append(c.at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).isEqualTo("one two three");
    JsonNode finish = JSON.readTree(events.get(events.size() - 3));
    assertThat(finish.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    assertThat(finish.at("/orchestrator/served_model").asText()).isEqualTo("qwen");
    JsonNode usage = JSON.readTree(events.get(events.size() - 2));
    assertThat(usage.path("choices")).isEmpty();
    assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(17);
    assertThat(r.body()).contains(": orchestrator served_model=qwen attempts=1 cost_usd=0.000123");
    assertThat(first.path("id").asText()).isEqualTo(usage.path("id").asText());
  }

  @Test void streamFallsBackTransparentlyWhenFirstRouteFailsBeforeItsFirstToken() throws Exception {
    FakeModel local = new FakeModel("local", FakeModel.fail(new ModelError.ConnectionRefused("http://127.0.0.1:1", "")));
    FakeModel cloud = new FakeModel("cloud", FakeModel.text("cloud", "from the cloud"));
    Gateway g = start(new FakeDirectory().add(new FakeCascade("local-first", local, cloud)));

    HttpResponse<String> r = post(g, chat("local-first", true));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("\"error\"").contains("[DONE]");
    StringBuilder text = new StringBuilder();
    for (String e : events(r.body())) {
      if (e.equals("[DONE]")) continue;
      JsonNode c = JSON.readTree(e);
      if (c.path("choices").size() > 0) text.append(c.at("/choices/0/delta/content").asText(""));
    }
    assertThat(text.toString()).isEqualTo("from the cloud");
    assertThat(r.body()).contains("attempts=2");
    assertThat(g.metricsText()).contains("orchestrator_gateway_fallbacks_total{model=\"local-first\"} 1");
  }

  @Test void streamEndsWithAnErrorEventAndNoDoneWhenTheRouteFailsAfterTokensWereSent() throws Exception {
    FakeModel local = new FakeModel("local", (req, l) -> {
      l.onToken("partial ");
      throw new ModelException(new ModelError.StreamCutOff("partial ", "http://127.0.0.1:9"),
          List.of(FakeModel.attempt("local", new ModelError.StreamCutOff("partial ", "x"))), null);
    });
    FakeModel cloud = new FakeModel("cloud", FakeModel.text("cloud", "unreachable! spliced"));
    Gateway g = start(new FakeDirectory().add(new FakeCascade("local-first", local, cloud)));

    HttpResponse<String> r = post(g, chat("local-first", true));

    assertThat(r.statusCode()).isEqualTo(200);
    List<String> events = events(r.body());
    assertThat(events).doesNotContain("[DONE]");
    JsonNode last = JSON.readTree(events.getLast());
    assertThat(last.at("/error/code").asText()).isEqualTo("stream_cut_off");
    assertThat(r.body()).doesNotContain("spliced");
    assertThat(cloud.requests).isEmpty();
  }

  @Test void failureBeforeAnyTokenOfAStreamIsAPlainHttpError() throws Exception {
    FakeModel down = new FakeModel("m", FakeModel.fail(new ModelError.ServerError(503, "down", "http://127.0.0.1:9")));
    Gateway g = start(new FakeDirectory().add(down));

    HttpResponse<String> r = post(g, chat("m", true));

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("server_error");
    assertThat(r.headers().firstValue("x-orchestrator-attempts")).hasValue("1");
  }

  @Test void badJsonBodyGets400InvalidRequestError() throws Exception {
    Gateway g = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("m", "unreachable!"))));

    HttpResponse<String> r = post(g, "{\"model\": \"m\", \"messages\": [");

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode err = JSON.readTree(r.body()).path("error");
    assertThat(err.path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(err.path("code").asText()).isEqualTo("invalid_json");
    assertThat(err.has("param")).isTrue();
    assertThat(err.path("message").asText()).contains("not valid JSON");
    assertThat(listener.snapshot()).isEmpty();
  }

  @Test void missingMessagesNamesTheParameter() throws Exception {
    Gateway g = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("m", "unreachable!"))));

    HttpResponse<String> r = post(g, "{\"model\":\"m\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).at("/error/param").asText()).isEqualTo("messages");
  }

  @Test void unknownModelGets404ModelNotFound() throws Exception {
    Gateway g = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("m", "unreachable!"))));

    HttpResponse<String> r = post(g, chat("no-such-model", false));

    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode err = JSON.readTree(r.body()).path("error");
    assertThat(err.path("code").asText()).isEqualTo("model_not_found");
    assertThat(err.path("param").asText()).isEqualTo("model");
    assertThat(err.path("message").asText()).contains("no-such-model");
    assertThat(g.metricsText()).doesNotContain("no-such-model");
  }

  @Test void oversizedBodyGets413WithoutReachingTheModel() throws Exception {
    FakeModel m = new FakeModel("m", FakeModel.text("m", "unreachable!"));
    Gateway g = start(new FakeDirectory().add(m), GatewayOptions.defaults().withPort(0).withMaxBodyBytes(1024), null,
        Map.of());

    HttpResponse<String> r = post(g, chat("m", false).replace("\"hi\"", "\"" + "x".repeat(4000) + "\""));

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    assertThat(m.requests).isEmpty();
  }

  @Test void missingOrWrongKeyGets401WithWwwAuthenticateAndAValidKeyPasses() throws Exception {
    GatewayKeys keys = keys();
    GatewayKeys.Created created = keys.create("ci", null, null);
    Gateway g = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("m", "ok"))),
        GatewayOptions.defaults().withPort(0).withRequireKeys(true), keys, Map.of());

    HttpResponse<String> missing = post(g, chat("m", false));
    HttpResponse<String> wrong = post(g, chat("m", false), "Authorization", "Bearer " + created.secret() + "x");
    HttpResponse<String> good = post(g, chat("m", false), "Authorization", "Bearer " + created.secret());
    keys.revoke(created.info().id());
    HttpResponse<String> revoked = post(g, chat("m", false), "Authorization", "Bearer " + created.secret());

    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(missing.body()).at("/error/type").asText()).isEqualTo("authentication_error");
    // The instruction must stay readable: the redactor once masked the word "Bearer" itself.
    assertThat(JSON.readTree(missing.body()).at("/error/message").asText()).contains("Authorization: Bearer <key>");
    assertThat(missing.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"orchestrator\"");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("www-authenticate")).hasValueSatisfying(v ->
        assertThat(v).contains("error=\"invalid_token\""));
    assertThat(good.statusCode()).isEqualTo(200);
    assertThat(revoked.statusCode()).isEqualTo(401);
    assertThat(listener.snapshot()).singleElement().satisfies(c -> assertThat(c.apiKeyId()).isEqualTo(created.info().id()));
    assertThat(get(g, "/metrics").statusCode()).isEqualTo(401);
  }

  @Test void twoGatewaysOnOneDatabaseAcceptANewKeyAndRefuseARevokedOneOnTheNextRequest() throws Exception {
    Database db = database();
    GatewayKeys served = new GatewayKeys(db, java.time.Clock.systemUTC());
    served.create("first", null, null);
    GatewayOptions opts = GatewayOptions.defaults().withPort(0).withRequireKeys(true);
    Gateway a = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("m", "ok"))), opts, served, Map.of());
    Gateway b = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("m", "ok"))), opts,
        new GatewayKeys(db, java.time.Clock.systemUTC()), Map.of());
    GatewayKeys cli = new GatewayKeys(db, java.time.Clock.systemUTC());

    GatewayKeys.Created created = cli.create("later", null, null);
    String auth = "Bearer " + created.secret();
    int acceptedA = post(a, chat("m", false), "Authorization", auth).statusCode();
    int acceptedB = post(b, chat("m", false), "Authorization", auth).statusCode();
    cli.revoke(created.info().id());
    int refusedA = post(a, chat("m", false), "Authorization", auth).statusCode();
    int refusedB = post(b, chat("m", false), "Authorization", auth).statusCode();

    assertThat(List.of(acceptedA, acceptedB, refusedA, refusedB)).containsExactly(200, 200, 401, 401);
  }

  @Test void refusesToBindBeyondLoopbackWithoutKeys() {
    FakeDirectory d = new FakeDirectory();
    org.assertj.core.api.Assertions.assertThatThrownBy(() ->
            start(d, GatewayOptions.defaults().withHost("0.0.0.0").withPort(0), keys(), Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requires gateway API keys");
  }

  @Test void keyOverItsRateLimitGets429WithRetryAfterUntilTheNextMinute() throws Exception {
    MutableClock clock = new MutableClock(java.time.Instant.parse("2026-05-01T10:00:00Z"));
    GatewayKeys keys = new GatewayKeys(database(), clock);
    GatewayKeys.Created k = keys.create("slow", null, 2);
    Gateway g = start(new FakeDirectory().add(new FakeModel("m", FakeModel.text("m", "ok"))),
        GatewayOptions.defaults().withPort(0).withRequireKeys(true), keys, Map.of());
    String auth = "Bearer " + k.secret();

    int first = post(g, chat("m", false), "Authorization", auth).statusCode();
    int second = post(g, chat("m", false), "Authorization", auth).statusCode();
    clock.advance(Duration.ofSeconds(30));
    HttpResponse<String> third = post(g, chat("m", false), "Authorization", auth);
    clock.advance(Duration.ofSeconds(30));
    int nextMinute = post(g, chat("m", false), "Authorization", auth).statusCode();

    assertThat(first).isEqualTo(200);
    assertThat(second).isEqualTo(200);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(third.headers().firstValue("retry-after")).hasValue("30");
    assertThat(JSON.readTree(third.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
    assertThat(nextMinute).isEqualTo(200);
  }

  @Test void keyWhoseBudgetIsSpentGets429InsufficientQuotaBeforeAnyModelRuns() throws Exception {
    Database db = database();
    GatewayKeys keys = new GatewayKeys(db, java.time.Clock.systemUTC());
    GatewayKeys.Created k = keys.create("small", Money.usd("0.0002"), null);
    // Spend as the cascade's budget guard records it: reserved, then settled at the real cost.
    SqlBudgetStore store = new SqlBudgetStore(db, java.time.Clock.systemUTC());
    var held = (BudgetStore.Outcome.Held) store.reserve(List.of(new BudgetStore.Claim("key:" + k.info().id(), null)),
        Money.usd("0.0002"), Duration.ofMinutes(1));
    store.settle(held.hold(), Money.usd("0.0002"));
    FakeModel m = new FakeModel("m", FakeModel.text("cloud", "unreachable!"));
    Gateway g = start(new FakeDirectory().add(m), GatewayOptions.defaults().withPort(0).withRequireKeys(true), keys,
        Map.of());

    HttpResponse<String> r = post(g, chat("m", false), "Authorization", "Bearer " + k.secret());

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(JSON.readTree(r.body()).at("/error/type").asText()).isEqualTo("insufficient_quota");
    assertThat(m.requests).isEmpty();
  }

  @Test void jsonSchemaResponseFormatReachesTheModelAsJsonSchemaAndTheClientGetsTheValidatedValue() throws Exception {
    JsonNode value = JSON.readTree("{\"name\":\"Ana\",\"age\":31}");
    FakeModel m = new FakeModel("m", (req, l) -> FakeModel.reply("qwen", "```json\n{\"name\":\"Ana\",\"age\":31,}\n```",
        value, new Usage(40, 9, false), Money.ZERO, Money.usd("0.001")));
    Gateway g = start(new FakeDirectory().add(m));
    String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"person\"}],"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"strict\":true,"
        + "\"schema\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"age\":{\"type\":\"integer\"}},"
        + "\"required\":[\"name\",\"age\"],\"additionalProperties\":false}}}}";

    HttpResponse<String> r = post(g, body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(JSON.readTree(r.body()).at("/choices/0/message/content").asText())).isEqualTo(value);
    assertThat(m.requests.getFirst().format()).isInstanceOfSatisfying(ResponseFormat.JsonSchema.class, f -> {
      assertThat(f.name()).isEqualTo("person");
      assertThat(f.schema().at("/required/0").asText()).isEqualTo("name");
    });
  }

  @Test void jsonObjectFormatWithAStreamSendsTheWholeValidatedValueAndNeverRawTokens() throws Exception {
    JsonNode value = JSON.readTree("{\"ok\":true}");
    FakeModel m = new FakeModel("m", (req, l) -> {
      assertThat(req.stream()).isFalse();
      return FakeModel.reply("qwen", "Sure! {\"ok\": true}", value, new Usage(5, 5, false), Money.ZERO, Money.ZERO);
    });
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> r = post(g, chat("m", true).replace("\"stream\":true", "\"stream\":true,"
        + "\"response_format\":{\"type\":\"json_object\"}"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotContain("Sure!").contains("[DONE]");
    assertThat(r.headers().firstValue("x-orchestrator-served-model")).hasValue("qwen");
    assertThat(m.requests.getFirst().format()).isInstanceOf(ResponseFormat.Json.class);
  }

  @Test void jsonFormatWithoutAJsonAnswerIsAnErrorObjectNotGarbage() throws Exception {
    FakeModel m = new FakeModel("m", FakeModel.text("qwen", "I think the answer is {name: Ana"));
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> r = post(g, chat("m", false).replace("\"stream\":false",
        "\"stream\":false,\"response_format\":{\"type\":\"json_object\"}"));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("invalid_output");
    assertThat(r.body()).doesNotContain("I think");
  }

  @Test void invalidOutputFromTheCascadeIs422NamingTheFormat() throws Exception {
    FakeModel m = new FakeModel("m", FakeModel.fail(new ModelError.InvalidOutput(ModelError.InvalidOutput.Kind.SCHEMA_INVALID,
        List.of("/age: expected integer"), "{\"age\":\"x\"}", "qwen")));
    Gateway g = start(new FakeDirectory().add(m));

    HttpResponse<String> r = post(g, chat("m", false));

    assertThat(r.statusCode()).isEqualTo(422);
    JsonNode err = JSON.readTree(r.body()).path("error");
    assertThat(err.path("param").asText()).isEqualTo("response_format");
    assertThat(err.path("message").asText()).contains("/age: expected integer");
  }

  @Test void upstreamKeysNeverAppearInErrorsHeadersOrMetrics() throws Exception {
    String secret = "sk-live-THISISASECRETKEY1234567890";
    FakeModel m = new FakeModel("m", FakeModel.fail(new ModelError.AuthFailed(401, "https://api.example.test/v1?key=abc123def456",
        "server said: invalid key " + secret + " (Authorization: Bearer " + secret + ")")));
    Gateway g = start(new FakeDirectory().add(m), GatewayOptions.defaults().withPort(0), null,
        Map.of("OPENAI_API_KEY", secret));

    HttpResponse<String> r = post(g, chat("m", false));
    HttpResponse<String> streamed = post(g, chat("m", true));
    String metrics = get(g, "/metrics").body();

    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).doesNotContain(secret).doesNotContain("abc123def456").contains("[redacted]");
    assertThat(r.headers().map().toString()).doesNotContain(secret);
    assertThat(streamed.body()).doesNotContain(secret);
    assertThat(metrics).doesNotContain(secret).contains("orchestrator_gateway_failures_total{type=\"auth_failed\"} 2");
  }

  @Test void clientDisconnectingMidStreamCancelsTheUpstreamCallAndRecordsIt() throws Exception {
    CountDownLatch firstTokenSent = new CountDownLatch(1);
    CountDownLatch clientGone = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger offered = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
    FakeModel slow = new FakeModel("slow", (req, l) -> {
      l.onToken("first ");
      firstTokenSent.countDown();
      try {
        clientGone.await(10, TimeUnit.SECONDS);
        for (int i = 0; i < 500; i++) {
          offered.incrementAndGet();
          try {
            l.onToken("token" + i + " ");
          } catch (java.util.concurrent.CancellationException e) {
            // What a provider sees: its read loop unwinds and the upstream connection is closed.
            cancelled.set(true);
            throw e;
          }
          Thread.sleep(1);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FakeModel.reply("slow", "whatever", null, new Usage(3, 501, false), Money.ZERO, Money.ZERO);
    }).then(FakeModel.text("slow", "still serving"));
    Gateway g = start(new FakeDirectory().add(slow));

    try (Socket s = new Socket("127.0.0.1", g.port())) {
      byte[] body = chat("slow", true).getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.contains("first ")) { /* read until the first token arrives */ }
      assertThat(line).contains("first ");
    }
    clientGone.countDown();

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while ((listener.snapshot().isEmpty() || g.inFlight() > 0) && System.nanoTime() < deadline) Thread.sleep(10);
    assertThat(listener.snapshot()).singleElement().satisfies(c -> assertThat(c.clientDisconnected()).isTrue());
    assertThat(cancelled).isTrue();
    assertThat(offered.get()).isLessThan(500);
    assertThat(g.inFlight()).isZero();
    assertThat(g.metricsText()).contains("orchestrator_gateway_failures_total{type=\"client_disconnected\"} 1");
    assertThat(post(g, chat("slow", false)).body()).contains("still serving");
  }

  @Test void shutdownFinishesTheInFlightRequestRefusesNewOnesAndFlushesTheLedgerLast() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> order = java.util.Collections.synchronizedList(new ArrayList<>());
    FakeModel m = new FakeModel("m", (req, l) -> {
      inside.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return FakeModel.reply("m", "finished", null, new Usage(1, 1, false), Money.ZERO, Money.ZERO);
    });
    Gateway g = Gateway.builder(new FakeDirectory().add(m))
        .options(GatewayOptions.defaults().withPort(0).withShutdownGrace(Duration.ofSeconds(10)))
        .listener(c -> order.add("call " + c.status())).onStopped(() -> order.add("ledger flushed")).start();
    URI base = g.baseUrl();

    CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(chat("m", false))).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = new CompletableFuture<>();
    Thread.ofPlatform().start(() -> {
      g.close();
      closing.complete(null);
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    boolean refused = false;
    while (!refused && System.nanoTime() < deadline) {
      try {
        HttpResponse<String> late = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve("/health"))
                .timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString());
        refused = late.statusCode() == 503;
      } catch (java.io.IOException e) {
        refused = true;
      }
      if (!refused) Thread.sleep(10);
    }
    release.countDown();
    closing.get(20, TimeUnit.SECONDS);

    assertThat(refused).isTrue();
    assertThat(inFlight.get(10, TimeUnit.SECONDS).body()).contains("finished");
    assertThat(order).containsExactly("call 200", "ledger flushed");
  }

  @Test void metricsAreInPrometheusTextFormatWithLatencyHistogramsPerServedModel() throws Exception {
    Gateway g = start(new FakeDirectory().add(new FakeModel("local-first", FakeModel.text("qwen", "hi"))));
    post(g, chat("local-first", false));
    post(g, "not json");

    HttpResponse<String> r = get(g, "/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/plain"));
    assertThat(r.body())
        .contains("# TYPE orchestrator_gateway_requests_total counter")
        .contains("orchestrator_gateway_requests_total{model=\"local-first\",status=\"200\"} 1")
        .contains("orchestrator_gateway_requests_total{model=\"unknown\",status=\"400\"} 1")
        .contains("orchestrator_gateway_failures_total{type=\"invalid_json\"} 1")
        .contains("orchestrator_gateway_tokens_total{model=\"qwen\",kind=\"prompt\"} 12")
        .contains("orchestrator_gateway_tokens_total{model=\"qwen\",kind=\"completion\"} 5")
        .contains("orchestrator_gateway_cost_usd_total{model=\"qwen\"} 1.23E-4")
        .contains("# TYPE orchestrator_gateway_request_duration_seconds histogram")
        .contains("orchestrator_gateway_request_duration_seconds_bucket{model=\"qwen\",le=\"+Inf\"} 1")
        .contains("orchestrator_gateway_request_duration_seconds_count{model=\"qwen\"} 1");
  }

  @Test void modelsListsCatalogModelsAndRoutingPolicies() throws Exception {
    Gateway g = start(new FakeDirectory().add(new FakeModel("qwen2.5-coder-32b"), "local")
        .add(new FakeModel("gpt-4o-mini"), "cloud").add(new FakeModel("local-first"), "orchestrator"));

    JsonNode list = JSON.readTree(get(g, "/v1/models").body());
    HttpResponse<String> one = get(g, "/v1/models/local-first");
    HttpResponse<String> missing = get(g, "/v1/models/nope");

    assertThat(list.path("object").asText()).isEqualTo("list");
    assertThat(list.path("data").findValuesAsText("id")).containsExactly("qwen2.5-coder-32b", "gpt-4o-mini", "local-first");
    assertThat(list.at("/data/2/owned_by").asText()).isEqualTo("orchestrator");
    assertThat(JSON.readTree(one.body()).path("object").asText()).isEqualTo("model");
    assertThat(missing.statusCode()).isEqualTo(404);
  }

  @Test void healthAnswersOk() throws Exception {
    Gateway g = start(new FakeDirectory());

    HttpResponse<String> r = get(g, "/health");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("ok");
  }

  @Test void corsHeadersAreSentOnlyForAConfiguredOrigin() throws Exception {
    Gateway off = start(new FakeDirectory());
    Gateway on = start(new FakeDirectory(), GatewayOptions.defaults().withPort(0).withCorsOrigins(List.of("http://app.test")),
        null, Map.of());

    HttpResponse<String> none = http.send(HttpRequest.newBuilder(off.baseUrl().resolve("/health"))
        .header("Origin", "http://app.test").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> allowed = http.send(HttpRequest.newBuilder(on.baseUrl().resolve("/health"))
        .header("Origin", "http://app.test").build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> other = http.send(HttpRequest.newBuilder(on.baseUrl().resolve("/health"))
        .header("Origin", "http://evil.test").build(), HttpResponse.BodyHandlers.ofString());

    assertThat(none.headers().firstValue("access-control-allow-origin")).isEmpty();
    assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue("http://app.test");
    assertThat(other.headers().firstValue("access-control-allow-origin")).isEmpty();
  }

  @Test void unknownPathGetsAnOpenAiStyle404() throws Exception {
    Gateway g = start(new FakeDirectory());

    HttpResponse<String> r = get(g, "/v1/embeddings");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("unknown_url");
  }
}
