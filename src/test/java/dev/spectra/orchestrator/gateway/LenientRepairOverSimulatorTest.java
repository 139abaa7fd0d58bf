package dev.spectra.orchestrator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.RecordingListener;
import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.sim.RecordedRequest;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import dev.spectra.orchestrator.structured.StructuredOptions;
import dev.spectra.orchestrator.structured.StructuredOutput;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code x-orchestrator-repair} request header over real HTTP: the gateway in front of the structured engine,
 * which talks to the in-process simulator playing a model whose JSON answers are cut off.
 */
class LenientRepairOverSimulatorTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Ends right after a comma: cut off, so the default mode refuses it (the list may have gone on). */
  private static final String CUT = "{\"name\": \"Ana\", \"tags\": [\"a\", \"b\",";

  private final HttpClient http = HttpClient.newHttpClient();
  private final RecordingListener listener = new RecordingListener();
  private Simulator sim;
  private Gateway gateway;

  @BeforeEach void start() {
    sim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(17));
    ModelSpec spec = new ModelSpec("m", ProviderKind.OPENAI_COMPATIBLE, URI.create(sim.baseUrl() + "/v1"), "m", true,
        Price.FREE, 8192, EnumSet.allOf(Capability.class), Timeouts.LOCAL_DEFAULT, null, 1);
    StructuredOutput engine = new StructuredOutput(Providers.create(spec, Secrets.from(Map.of())), spec,
        StructuredOptions.defaults());
    gateway = Gateway.builder(new FakeDirectory().add(engine)).options(GatewayOptions.defaults().withPort(0))
        .listener(listener).start();
  }

  @AfterEach void stop() {
    if (gateway != null) gateway.close();
    if (sim != null) sim.close();
  }

  private static String personRequest(boolean stream) {
    return "{\"model\":\"m\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"a person\"}],"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"person\",\"schema\":"
        + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},\"tags\":{\"type\":\"array\","
        + "\"items\":{\"type\":\"string\"}}},\"required\":[\"name\",\"tags\"]}}}}";
  }

  private HttpResponse<String> post(String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json");
    for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<RecordedRequest> chats() {
    return sim.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).toList();
  }

  private static List<JsonNode> events(String body) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String line : body.split("\n")) {
      if (line.startsWith("data: ") && !line.equals("data: [DONE]")) out.add(JSON.readTree(line.substring(6)));
    }
    return out;
  }

  @Test void withoutTheHeaderACutOffAnswerIsReaskedAndFailsRatherThanGuessed() throws Exception {
    sim.enqueue("m", Scripted.text(CUT), Scripted.text(CUT), Scripted.text(CUT));

    HttpResponse<String> r = post(personRequest(false));

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(r.body()).at("/error/code").asText()).isEqualTo("invalid_output");
    assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("cut off");
    assertThat(r.headers().firstValue("x-orchestrator-guesses")).isEmpty();
    // The first answer and two re-asks, each shown the problem: nothing was guessed.
    assertThat(chats()).hasSize(3);
    assertThat(chats().get(1).body().toString()).contains("cut off");
    assertThat(listener.snapshot()).singleElement().satisfies(c -> assertThat(c.guesses()).isNull());
  }

  @Test void lenientHeaderReturnsTheBestReadingAtOnceWithEveryGuessInTheHeaderAndTheBody() throws Exception {
    sim.enqueue("m", Scripted.text(CUT));

    HttpResponse<String> r = post(personRequest(false), "x-orchestrator-repair", "lenient");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(JSON.readTree(body.at("/choices/0/message/content").asText()))
        .isEqualTo(JSON.readTree("{\"name\":\"Ana\",\"tags\":[\"a\",\"b\"]}"));
    assertThat(r.headers().firstValue("x-orchestrator-guesses")).hasValue("2; truncated@1:35, truncated@1:35");
    assertThat(body.at("/orchestrator/guesses")).hasSize(2)
        .allSatisfy(g -> assertThat(g.asText()).isEqualTo("truncated@1:35"));
    assertThat(chats()).hasSize(1);
    assertThat(listener.snapshot()).singleElement()
        .satisfies(c -> assertThat(c.guesses()).containsExactly("truncated@1:35", "truncated@1:35"));
  }

  @Test void lenientHeaderOnAStreamedRequestListsTheGuessesInTheHeaderAndTheFinalChunk() throws Exception {
    sim.enqueue("m", Scripted.text(CUT));

    HttpResponse<String> r = post(personRequest(true), "x-orchestrator-repair", "Lenient");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-orchestrator-guesses")).hasValue("2; truncated@1:35, truncated@1:35");
    List<JsonNode> events = events(r.body());
    StringBuilder content = new StringBuilder();
    for (JsonNode e : events) content.append(e.at("/choices/0/delta/content").asText(""));
    assertThat(JSON.readTree(content.toString())).isEqualTo(JSON.readTree("{\"name\":\"Ana\",\"tags\":[\"a\",\"b\"]}"));
    assertThat(events).anySatisfy(e -> assertThat(e.at("/orchestrator/guesses")).hasSize(2));
    assertThat(r.body()).contains(": orchestrator ").contains("guesses=2;truncated@1:35,truncated@1:35");
  }

  @Test void aValueCutAtTheTokenLimitIsReadLenientlyWithTheCutListedAsAGuess() throws Exception {
    sim.enqueue("m", Scripted.truncated("{\"name\": \"Ana\", \"tags\": [\"a\", \"bo"));

    HttpResponse<String> r = post(personRequest(false), "x-orchestrator-repair", "lenient");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(JSON.readTree(body.at("/choices/0/message/content").asText()))
        .isEqualTo(JSON.readTree("{\"name\":\"Ana\",\"tags\":[\"a\",\"bo\"]}"));
    // The client also sees the provider's own word for it.
    assertThat(body.at("/choices/0/finish_reason").asText()).isEqualTo("length");
    assertThat(r.headers().firstValue("x-orchestrator-guesses"))
        .hasValue("2; truncated-string@1:34, cut-off@1:34");
    // Read at once: no second call with a larger token limit.
    assertThat(chats()).hasSize(1);
  }

  @Test void withoutTheHeaderAValueCutAtTheTokenLimitIsAskedForAgainWithMoreTokens() throws Exception {
    String cut = "{\"name\": \"Ana\", \"tags\": [\"a\", \"bo";
    sim.enqueue("m", Scripted.truncated(cut), Scripted.truncated(cut), Scripted.truncated(cut));

    HttpResponse<String> r = post(personRequest(false), "x-orchestrator-repair", "default");

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(JSON.readTree(r.body()).at("/error/message").asText()).contains("token limit");
    assertThat(chats()).hasSize(3);
    assertThat(chats().get(1).body().path("max_tokens").asInt()).isGreaterThan(0);
  }

  @Test void aValueTheDefaultModeRepairsComesBackWithAnEmptyGuessList() throws Exception {
    sim.enqueue("m", Scripted.text("{\"name\": \"Ana\", \"tags\": [\"a\", \"b\",]}"));

    HttpResponse<String> r = post(personRequest(false), "x-orchestrator-repair", "lenient");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-orchestrator-guesses")).hasValue("0");
    assertThat(JSON.readTree(r.body()).at("/orchestrator/guesses")).isEmpty();
  }

  @Test void anUnknownRepairHeaderValueGets400NamingTheHeaderAndNoModelCall() throws Exception {
    HttpResponse<String> r = post(personRequest(false), "x-orchestrator-repair", "guess-freely");

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode error = JSON.readTree(r.body()).path("error");
    assertThat(error.path("param").asText()).isEqualTo("x-orchestrator-repair");
    assertThat(error.path("message").asText()).contains("'lenient'").contains("'default'");
    assertThat(chats()).isEmpty();
  }
}
