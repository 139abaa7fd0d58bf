package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.HttpResponseFor;
import com.openai.core.http.StreamResponse;
import com.openai.models.ResponseFormatJsonSchema;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code orchestrator serve} end to end: the seed's ORCHESTRATOR_LLM_URL points at a simulator playing the local
 * model, the fallback at another playing the cloud, and the official OpenAI client talks to the gateway.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServeCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;
  Simulator local;
  Simulator cloud;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  CompletableFuture<Integer> exit;
  Gateway gateway;
  OpenAIClient client;

  Gateway serve(String localProfile, String... extraArgs) throws Exception {
    local = Simulator.start(SimOptions.defaults().withPort(0).withProfile(localProfile).withSeed(7));
    cloud = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(8));
    return serveWithLocal(local.baseUrl() + "/v1/chat/completions", extraArgs);
  }

  Gateway serve(URI localUrl, String... extraArgs) throws Exception {
    if (cloud == null) cloud = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(8));
    return serveWithLocal(localUrl.toString(), extraArgs);
  }

  private Gateway serveWithLocal(String localUrl, String... extraArgs) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("ORCHESTRATOR_LLM_URL", localUrl);
    env.put("ORCHESTRATOR_LLM_MODEL", "mistral-7b-instruct");
    env.put("ORCHESTRATOR_FALLBACK_URL", cloud.baseUrl() + "/v1/chat/completions");
    env.put("ORCHESTRATOR_FALLBACK_MODEL", "gpt-4o-mini");
    env.put("ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db"));
    env.put("ORCHESTRATOR_GATEWAY_KEYS", dir.resolve("keys.json").toString());
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env, dir);
    CompletableFuture<Gateway> started = new CompletableFuture<>();
    CommandLine cl = new CommandLine(new ServeCommand(io, started::complete));
    cl.setOut(io.out());
    cl.setErr(io.err());
    String[] args = new String[extraArgs.length + 2];
    args[0] = "--port";
    args[1] = "0";
    System.arraycopy(extraArgs, 0, args, 2, extraArgs.length);
    // Its own thread: serve blocks until closed, and parking it on the common pool (one worker on a 2-core machine)
    // would starve the HTTP client's asynchronous steps.
    exit = new CompletableFuture<>();
    Thread.ofPlatform().name("serve-under-test").start(() -> exit.complete(cl.execute(args)));
    gateway = CompletableFuture.anyOf(started, exit).thenApply(x -> started.getNow(null)).get(60, TimeUnit.SECONDS);
    assertThat(gateway).as("serve started; stderr: %s", err).isNotNull();
    client = OpenAIOkHttpClient.builder().baseUrl(gateway.baseUrl() + "/v1").apiKey("sk-ignored").maxRetries(0)
        .timeout(java.time.Duration.ofSeconds(90)).build();
    return gateway;
  }

  @AfterEach void stop() throws Exception {
    if (client != null) client.close();
    if (gateway != null) gateway.close();
    if (exit != null) exit.get(30, TimeUnit.SECONDS);
    if (local != null) local.close();
    if (cloud != null) cloud.close();
  }

  @Test void officialClientGetsAnswersStreamedAndNotFromTheGatewayOverTheSimulator() throws Exception {
    serve("perfect");

    ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("local-first").addUserMessage("What is the capital of France?").build());
    StringBuilder streamed = new StringBuilder();
    long[] usage = {0};
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("local-first").addUserMessage("What is the capital of France?")
            .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
      s.stream().forEach(chunk -> {
        chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append));
        chunk.usage().ifPresent(u -> usage[0] = u.totalTokens());
      });
    }

    String answer = c.choices().getFirst().message().content().orElseThrow();
    assertThat(answer).isNotBlank();
    assertThat(c.usage()).hasValueSatisfying(u -> assertThat(u.totalTokens()).isPositive());
    assertThat(streamed.toString()).isEqualTo(answer);
    assertThat(usage[0]).isPositive();
    assertThat(local.requests()).hasSize(2);
    assertThat(cloud.requests()).isEmpty();
    assertThat(err.toString()).contains("Gateway listening on").contains("OPENAI_BASE_URL=");
  }

  @Test void anUnreachableLocalRouteFallsBackToTheCloudForPlainAndStreamedRequests() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    serve(URI.create("http://127.0.0.1:" + closedPort + "/v1/chat/completions"));

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
        ChatCompletionCreateParams.builder().model("local-first").addUserMessage("Say hello.").build());
    StringBuilder streamed = new StringBuilder();
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(
        ChatCompletionCreateParams.builder().model("local-first").addUserMessage("Say hello.").build())) {
      s.stream().forEach(chunk -> chunk.choices().forEach(ch -> ch.delta().content().ifPresent(streamed::append)));
    }

    assertThat(raw.parse().choices().getFirst().message().content()).isPresent();
    assertThat(raw.headers().values("x-orchestrator-attempts").getFirst()).isNotEqualTo("1");
    assertThat(streamed.toString()).isNotBlank();
    assertThat(cloud.requests()).hasSize(2);
  }

  @Test void jsonSchemaFromTheBrokenThenPerfectPairConformsAndEveryCallIsInTheLedger() throws Exception {
    serve("broken");
    // Beyond the profile's repairable breakage: answers no repair can turn into the value, so every re-ask fails
    // and the cascade must fall back to the perfect cloud simulator.
    for (int i = 0; i < 10; i++) local.enqueue("*", Scripted.text("Sorry, I can only describe people in prose."));
    ResponseFormatJsonSchema format = ResponseFormatJsonSchema.builder().jsonSchema(
        ResponseFormatJsonSchema.JsonSchema.builder().name("person").strict(true)
            .schema(ResponseFormatJsonSchema.JsonSchema.Schema.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("name", Map.of("type", "string"),
                    "age", Map.of("type", "integer", "minimum", 0))))
                .putAdditionalProperty("required", JsonValue.from(List.of("name", "age")))
                .putAdditionalProperty("additionalProperties", JsonValue.from(false)).build())
            .build()).build();

    HttpResponseFor<ChatCompletion> raw = client.chat().completions().withRawResponse().create(
        ChatCompletionCreateParams.builder().model("local-first").addUserMessage("Invent a person.")
            .responseFormat(format).build());

    JsonNode value = JSON.readTree(raw.parse().choices().getFirst().message().content().orElseThrow());
    assertThat(value.path("name").isTextual()).isTrue();
    assertThat(value.path("age").isIntegralNumber()).isTrue();
    assertThat(value.size()).isEqualTo(2);
    assertThat(local.requests()).isNotEmpty();
    assertThat(cloud.requests()).isNotEmpty();
    String served = raw.headers().values("x-orchestrator-served-model").getFirst();
    int attempts = Integer.parseInt(raw.headers().values("x-orchestrator-attempts").getFirst());
    assertThat(attempts).isGreaterThanOrEqualTo(2);

    gateway.close();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    try (Ledger ledger = Ledger.open("jdbc:sqlite:" + dir.resolve("ledger.db"), Clock.systemUTC())) {
      List<CallRecord> calls = ledger.calls(Ledger.CallFilter.latest(50));
      assertThat(calls).hasSize(attempts);
      assertThat(calls).anySatisfy(r -> assertThat(r.model()).isEqualTo(served));
    }
  }

  @Test void bindingBeyondLoopbackWithoutKeysIsAUsageErrorAndWithAKeyServesOnlyBearers() throws Exception {
    Map<String, String> env = Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("c").toString(),
        "ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("l.db"), "ORCHESTRATOR_GATEWAY_KEYS",
        dir.resolve("keys.json").toString(), "ORCHESTRATOR_LLM_URL", "http://127.0.0.1:9/v1/chat/completions");
    StringWriter e = new StringWriter();
    Io io = new Io(new PrintWriter(new StringWriter()), new PrintWriter(e, true), new ByteArrayInputStream(new byte[0]),
        env, dir);

    int code = Main.run(new String[] {"serve", "--host", "0.0.0.0", "--port", "0"}, io);

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(e.toString()).contains("requires gateway API keys").contains("keys create").doesNotContain("Exception");
  }

  @Test void requestsWithoutABearerAreRefusedWhenKeysAreRequired() throws Exception {
    StringWriter keyOut = new StringWriter();
    Io keysIo = new Io(new PrintWriter(keyOut, true), new PrintWriter(new StringWriter()),
        new ByteArrayInputStream(new byte[0]), Map.of("HOME", dir.toString(), "ORCHESTRATOR_DB_URL",
            "jdbc:sqlite:" + dir.resolve("ledger.db")), dir);
    assertThat(Main.run(new String[] {"keys", "create", "--name", "t", "--json"}, keysIo)).isZero();
    String key = JSON.readTree(keyOut.toString()).path("key").asText();
    serve("perfect", "--require-keys");
    HttpClient http = HttpClient.newHttpClient();
    String body = "{\"model\":\"local-first\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    HttpResponse<String> without = http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> with = http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
        .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(without.statusCode()).isEqualTo(401);
    assertThat(with.statusCode()).isEqualTo(200);
    assertThat(err.toString()).doesNotContain(key);
  }

  @Test void lenientRepairHeaderGuessesAreInTheResponseTheAccessLogAndTheLedger() throws Exception {
    serve("perfect");
    // Cut off after a comma: the default mode would re-ask; the caller asks for the best reading instead.
    local.enqueue("*", Scripted.text("{\"name\": \"Ana\", \"tags\": [\"a\", \"b\","));
    String body = "{\"model\":\"local-first\",\"messages\":[{\"role\":\"user\",\"content\":\"a person\"}],"
        + "\"response_format\":{\"type\":\"json_object\"}}";

    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions")).header("x-orchestrator-repair",
            "lenient").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(JSON.readTree(r.body()).at("/choices/0/message/content").asText()))
        .isEqualTo(JSON.readTree("{\"name\":\"Ana\",\"tags\":[\"a\",\"b\"]}"));
    assertThat(r.headers().firstValue("x-orchestrator-guesses")).hasValue("2; truncated@1:35, truncated@1:35");
    assertThat(local.requests()).hasSize(1);
    assertThat(cloud.requests()).isEmpty();

    gateway.close();
    assertThat(exit.get(30, TimeUnit.SECONDS)).isZero();
    assertThat(err.toString()).contains("lenient guesses=2 (truncated@1:35, truncated@1:35)");
    try (Ledger ledger = Ledger.open("jdbc:sqlite:" + dir.resolve("ledger.db"), Clock.systemUTC())) {
      assertThat(ledger.calls(Ledger.CallFilter.latest(5))).singleElement().satisfies(c -> {
        assertThat(c.outcome()).isEqualTo("ok");
        assertThat(c.repairs()).isEqualTo("guess:truncated@1:35,guess:truncated@1:35");
      });
    }
    StringWriter listing = new StringWriter();
    Io ledgerIo = new Io(new PrintWriter(listing, true), new PrintWriter(new StringWriter(), true),
        new ByteArrayInputStream(new byte[0]), Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME",
            dir.resolve("config").toString(), "ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db")), dir);
    assertThat(Main.run(new String[] {"ledger"}, ledgerIo)).isZero();
    assertThat(listing.toString()).contains("lenient repair guessed: truncated@1:35, truncated@1:35");
  }
}
