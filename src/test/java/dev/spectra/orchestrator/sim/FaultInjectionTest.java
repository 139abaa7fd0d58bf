package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultInjectionTest {

  /** The three protocols, with what differs between them. */
  enum Wire {
    OPENAI("/v1/chat/completions"), OLLAMA("/api/chat"), ANTHROPIC("/v1/messages");

    final String path;

    Wire(String path) { this.path = path; }

    ObjectNode body(String model, boolean stream) {
      ObjectNode b = SimHttp.openAi(model, "go");
      b.put("stream", stream);
      if (this == ANTHROPIC) b.put("max_tokens", 200);
      return b;
    }

    HttpRequest request(SimHttp http, String model, boolean stream) {
      return this == ANTHROPIC
          ? http.postRequest(path, body(model, stream), "x-api-key", "k", "anthropic-version", "2023-06-01")
          : http.postRequest(path, body(model, stream));
    }

    String text(JsonNode reply) {
      return switch (this) {
        case OPENAI -> reply.at("/choices/0/message/content").asText();
        case OLLAMA -> reply.at("/message/content").asText();
        case ANTHROPIC -> reply.at("/content/0/text").asText();
      };
    }

    String finish(JsonNode reply) {
      return switch (this) {
        case OPENAI -> reply.at("/choices/0/finish_reason").asText();
        case OLLAMA -> reply.path("done_reason").asText();
        case ANTHROPIC -> reply.path("stop_reason").asText();
      };
    }

    String lengthReason() { return this == ANTHROPIC ? "max_tokens" : "length"; }

    boolean hasUsage(JsonNode reply) {
      return switch (this) {
        case OPENAI, ANTHROPIC -> reply.has("usage");
        case OLLAMA -> reply.has("eval_count") || reply.has("prompt_eval_count");
      };
    }

    /** {@return true when the streamed lines hold the protocol's end marker} */
    boolean streamEnded(List<String> lines) {
      return switch (this) {
        case OPENAI -> lines.contains("data: [DONE]");
        case OLLAMA -> lines.stream().anyMatch(l -> l.contains("\"done\":true"));
        case ANTHROPIC -> lines.contains("event: message_stop");
      };
    }

    /** {@return the text carried by the streamed lines} */
    String streamedText(List<String> lines) {
      StringBuilder sb = new StringBuilder();
      for (String l : lines) {
        if (this == OLLAMA && !l.isBlank()) sb.append(json(l).at("/message/content").asText());
        if (this != OLLAMA && l.startsWith("data: {")) {
          JsonNode d = json(l.substring(6));
          sb.append(this == OPENAI ? d.at("/choices/0/delta/content").asText("") : d.at("/delta/text").asText(""));
        }
      }
      return sb.toString();
    }
  }

  Simulator sim;
  SimHttp http;

  @BeforeAll void start() {
    sim = Simulator.start(SimOptions.defaults());
    http = new SimHttp(sim);
  }

  @AfterAll void stop() { sim.close(); }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void rateLimitedAnswers429WithRetryAfter(Wire wire) {
    String model = "rl-" + wire;
    sim.enqueue(model, Scripted.rateLimited(Duration.ofMillis(2500)));

    HttpResponse<String> r = http.send(wire.request(http, model, false));

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("3");
    assertThat(r.headers().firstValue("retry-after-ms")).hasValue("2500");
    JsonNode body = json(r);
    switch (wire) {
      case OPENAI -> assertThat(body.at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
      case OLLAMA -> assertThat(body.path("error").isTextual()).isTrue();
      case ANTHROPIC -> assertThat(body.at("/error/type").asText()).isEqualTo("rate_limit_error");
    }
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void statusWithATextBodyBecomesTheProtocolsErrorObject(Wire wire) {
    String model = "st-" + wire;
    sim.enqueue(model, Scripted.status(503, "overloaded, come back later"));

    HttpResponse<String> r = http.send(wire.request(http, model, true));

    assertThat(r.statusCode()).isEqualTo(503);
    JsonNode body = json(r);
    String message = switch (wire) {
      case OPENAI -> body.at("/error/message").asText();
      case OLLAMA -> body.path("error").asText();
      case ANTHROPIC -> body.at("/error/message").asText();
    };
    assertThat(message).isEqualTo("overloaded, come back later");
    if (wire == Wire.ANTHROPIC) assertThat(body.at("/error/type").asText()).isEqualTo("overloaded_error");
    if (wire == Wire.OPENAI) assertThat(body.at("/error/type").asText()).isEqualTo("server_error");
  }

  @Test
  void statusWithAJsonBodyIsSentVerbatim() {
    sim.enqueue("st-json", Scripted.status(500, "{\"detail\":\"boom\"}"));

    HttpResponse<String> r = http.send(Wire.OPENAI.request(http, "st-json", false));

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).isEqualTo("{\"detail\":\"boom\"}");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void resetMidStreamCutsTheStreamAfterThePartialTextWithoutTheEndMarker(Wire wire) {
    String model = "reset-" + wire;
    sim.enqueue(model, Scripted.resetMidStream("half of an answ"));

    SimHttp.Partial got = http.readUntilCut(wire.request(http, model, true));

    assertThat(got.failure()).as("the client must see a broken connection").isInstanceOf(IOException.class);
    assertThat(wire.streamEnded(got.lines())).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void resetDuringANonStreamedReplyLeavesTheBodyShort(Wire wire) {
    String model = "reset-whole-" + wire;
    sim.enqueue(model, Scripted.resetMidStream("some partial text"));

    IOException failure = http.failureOf(wire.request(http, model, false));

    assertThat(failure).isNotNull();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void truncatedEndsWithTheProtocolsLengthReason(Wire wire) {
    String model = "trunc-" + wire;
    sim.enqueue(model, Scripted.truncated("{\"name\":\"Ana\",\"items\":[\"lechuga\""));

    JsonNode reply = json(http.send(wire.request(http, model, false)));

    assertThat(wire.finish(reply)).isEqualTo(wire.lengthReason());
    assertThat(wire.text(reply)).isEqualTo("{\"name\":\"Ana\",\"items\":[\"lechuga\"");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void noUsageLeavesTheUsageBlockOut(Wire wire) {
    String model = "nousage-" + wire;
    sim.enqueue(model, Scripted.noUsage("counted by the client"), Scripted.text("counted by the server"));

    JsonNode without = json(http.send(wire.request(http, model, false)));
    JsonNode with = json(http.send(wire.request(http, model, false)));

    assertThat(wire.text(without)).isEqualTo("counted by the client");
    assertThat(wire.hasUsage(without)).isFalse();
    assertThat(wire.hasUsage(with)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void malformedBodyIsA200ThatIsNotJson(Wire wire) {
    String model = "bad-" + wire;
    sim.enqueue(model, Scripted.malformedBody());

    HttpResponse<String> r = http.send(wire.request(http, model, false));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).doesNotStartWith("{");
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void missingFieldsIsJsonWithoutTheReply(Wire wire) {
    String model = "hollow-" + wire;
    sim.enqueue(model, Scripted.missingFields());

    JsonNode body = json(http.send(wire.request(http, model, false)));

    assertThat(body.has("choices") || body.has("message") || body.has("content")).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void streamedMalformedBodyCarriesNoParseableChunk(Wire wire) {
    String model = "bad-stream-" + wire;
    sim.enqueue(model, Scripted.malformedBody());

    HttpResponse<String> r = http.send(wire.request(http, model, true));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("502 Bad Gateway");
  }

  @Test
  void slowFirstTokenOutlastsAClientWithAShortTimeout() {
    sim.enqueue("slow-1", Scripted.slowFirstToken(Duration.ofSeconds(3), "late"));
    // The server sleeps 3 s before any header, so a 300 ms header timeout can only fire: no timing race here.
    HttpRequest req = HttpRequest.newBuilder(Wire.OPENAI.request(http, "slow-1", false), (k, v) -> true)
        .timeout(Duration.ofMillis(300)).build();

    IOException failure = http.failureOf(req);

    assertThat(failure).isInstanceOf(HttpTimeoutException.class);
  }

  @ParameterizedTest
  @EnumSource(Wire.class)
  void slowDripStillDeliversEveryChunkInOrder(Wire wire) {
    String model = "drip-" + wire;
    sim.enqueue(model, Scripted.slowDrip(Duration.ofMillis(20), "drip drop drip drop"));
    long start = System.nanoTime();

    SimHttp.Partial got = http.readUntilCut(wire.request(http, model, true));

    assertThat(got.failure()).isNull();
    assertThat(wire.streamedText(got.lines())).isEqualTo("drip drop drip drop");
    assertThat(wire.streamEnded(got.lines())).isTrue();
    // A lower bound the server's own sleeps guarantee (4 tokens, 3 pauses); a loaded machine only adds time.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
  }

  @Test
  void scriptedStepsAreConsumedInOrderThenTheProfileAnswers() {
    sim.enqueue("order-1", Scripted.text("first"), Scripted.status(500, "second"), Scripted.json("{\"third\":3}"));

    List<Integer> statuses = new java.util.ArrayList<>();
    List<String> texts = new java.util.ArrayList<>();
    for (int i = 0; i < 4; i++) {
      HttpResponse<String> r = http.send(Wire.OPENAI.request(http, "order-1", false));
      statuses.add(r.statusCode());
      texts.add(r.statusCode() == 200 ? Wire.OPENAI.text(json(r)) : null);
    }

    assertThat(statuses).containsExactly(200, 500, 200, 200);
    assertThat(texts.get(0)).isEqualTo("first");
    assertThat(texts.get(2)).isEqualTo("{\"third\":3}");
    assertThat(texts.get(3)).isEqualTo("Simulated reply to: go");
  }

  @Test
  void aModelsOwnQueueGoesBeforeTheAnyModelQueue() {
    try (Simulator own = Simulator.start(SimOptions.defaults())) {
      SimHttp h = new SimHttp(own);
      own.enqueue("*", Scripted.text("from any"));
      own.enqueue("mine", Scripted.text("from mine"));

      String first = Wire.OPENAI.text(json(h.send(Wire.OPENAI.request(h, "mine", false))));
      String second = Wire.OPENAI.text(json(h.send(Wire.OPENAI.request(h, "mine", false))));
      String third = Wire.OPENAI.text(json(h.send(Wire.OPENAI.request(h, "someone-else", false))));

      assertThat(first).isEqualTo("from mine");
      assertThat(second).isEqualTo("from any");
      assertThat(third).isEqualTo("Simulated reply to: go");
    }
  }

  @Test
  void scriptsForOneModelLeaveOtherModelsAlone() {
    sim.enqueue("iso-a", Scripted.status(503, "only a"));

    HttpResponse<String> b = http.send(Wire.OPENAI.request(http, "iso-b", false));
    HttpResponse<String> a = http.send(Wire.OPENAI.request(http, "iso-a", false));

    assertThat(b.statusCode()).isEqualTo(200);
    assertThat(a.statusCode()).isEqualTo(503);
  }

  @Test
  void closeIsIdempotentAndRefusesLaterConnections() {
    Simulator other = Simulator.start(SimOptions.defaults());
    SimHttp h = new SimHttp(other);
    other.close();
    other.close();

    assertThat(h.failureOf(Wire.OPENAI.request(h, "x", false))).isInstanceOf(java.net.ConnectException.class);
  }
}
