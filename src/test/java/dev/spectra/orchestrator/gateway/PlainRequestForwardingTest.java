package dev.spectra.orchestrator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeBuilder;
import dev.spectra.orchestrator.reliability.CascadeSettings;
import dev.spectra.orchestrator.sim.RecordedRequest;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain chat request (text, only fields an OpenAI-compatible server takes as written) goes to an OpenAI-compatible
 * route as the client's own body with only the model name changed, through the whole cascade: fallback, ledger and
 * cost are those of any other request. Over real HTTP, with two simulators as the routes.
 */
class PlainRequestForwardingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Price PRICE = Price.perMillion("0.15", "0.60");

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private Simulator primarySim;
  private Simulator backupSim;
  private Providers providers;
  private Ledger ledger;
  private Gateway gateway;

  @BeforeEach void start() {
    primarySim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(3));
    backupSim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(4));
    providers = new Providers(Secrets.none(), Providers.Options.DEFAULTS);
    ledger = Ledger.openFile(dir.resolve("ledger.db"), Clock.systemUTC());
    ModelSpec primary = new ModelSpec("primary", ProviderKind.OPENAI_COMPATIBLE,
        URI.create(primarySim.baseUrl() + "/v1"), "primary-id", false, PRICE, 8_192,
        EnumSet.of(Capability.JSON_MODE, Capability.STREAMING), Timeouts.CLOUD_DEFAULT, null, 8);
    ModelSpec backup = new ModelSpec("backup", ProviderKind.OPENAI_COMPATIBLE,
        URI.create(backupSim.baseUrl() + "/v1"), "backup-id", false, PRICE, 8_192,
        EnumSet.of(Capability.JSON_MODE, Capability.STREAMING), Timeouts.CLOUD_DEFAULT, null, 8);
    CascadeSettings settings = CascadeSettings.defaults(List.of(primary, backup), "test-1", List.of("backup"))
        .withRoutes(Map.of("team", List.of("primary", "backup"))).withDefaultModel("team")
        .withRetry(new CascadeSettings.RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1),
            Duration.ofSeconds(1), 7));
    Cascade cascade = Cascades.recordingInto(new CascadeBuilder(settings).providers(providers::model), ledger).build();
    gateway = Gateway.builder(Gateway.directory(cascade::resolve,
            () -> List.of(new Gateway.Listed("team", "orchestrator"))))
        .options(GatewayOptions.defaults().withPort(0)).start();
  }

  @AfterEach void stop() {
    if (gateway != null) gateway.close();
    ledger.close();
    providers.close();
    primarySim.close();
    backupSim.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> chats(Simulator sim) {
    return sim.requests().stream().filter(r -> r.path().endsWith("/chat/completions")).map(RecordedRequest::body)
        .toList();
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) out.add(it.next());
    return out;
  }

  private List<CallRecord> rows() {
    ledger.flush();
    List<CallRecord> rows = new ArrayList<>(ledger.calls(Ledger.CallFilter.latest(10)));
    Collections.reverse(rows);
    return rows;
  }

  @Test void aPlainRequestReachesTheUpstreamAsTheClientWroteItWithOnlyTheModelNameChanged() throws Exception {
    // The field order differs from the one the provider writes (model first): only the client's own bytes keep it.
    String body = "{\"temperature\":0.25,\"messages\":[{\"content\":\"Say hi.\",\"role\":\"user\"}],"
        + "\"stop\":[\"\\n\\n\"],\"seed\":7,\"model\":\"team\",\"max_tokens\":30}";

    HttpResponse<String> r = post(body);

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode sent = chats(primarySim).getFirst();
    assertThat(fieldNames(sent)).containsExactly("temperature", "messages", "stop", "seed", "model", "max_tokens");
    assertThat(fieldNames(sent.at("/messages/0"))).containsExactly("content", "role");
    JsonNode expected = JSON.readTree(body);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "primary-id");
    assertThat(sent).isEqualTo(expected);
    JsonNode answer = JSON.readTree(r.body());
    assertThat(answer.path("model").asText()).isEqualTo("primary");
    assertThat(answer.path("id").asText()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
  }

  @Test void aRequestWithAFieldTheGatewayDropsIsRebuiltNotForwarded() throws Exception {
    // 'user' does not change the answer and is not sent on; the request is rebuilt in the provider's own order.
    HttpResponse<String> r = post("{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi.\"}],\"user\":\"u-1\","
        + "\"model\":\"team\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode sent = chats(primarySim).getFirst();
    assertThat(fieldNames(sent)).startsWith("model", "messages").doesNotContain("user");
  }

  @Test void whenTheFirstRouteFailsTheSameBodyGoesToTheNextUnderItsOwnModelName() throws Exception {
    primarySim.enqueue("primary-id", Scripted.status(503, "{\"error\":{\"message\":\"overloaded\"}}"));

    HttpResponse<String> r = post("{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi.\"}],\"model\":\"team\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-orchestrator-served-model")).hasValue("backup");
    assertThat(r.headers().firstValue("x-orchestrator-attempts")).hasValue("2");
    JsonNode sent = chats(backupSim).getFirst();
    assertThat(fieldNames(sent)).containsExactly("messages", "model");
    assertThat(sent.path("model").asText()).isEqualTo("backup-id");
    assertThat(rows()).extracting(CallRecord::model, CallRecord::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("primary", "failed"),
            org.assertj.core.groups.Tuple.tuple("backup", "ok"));
  }

  @Test void theLedgerRowHoldsTheUpstreamsUsageAndItsPrice() throws Exception {
    HttpResponse<String> r = post("{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi to the team.\"}],"
        + "\"model\":\"team\"}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode usage = JSON.readTree(r.body()).path("usage");
    CallRecord row = rows().getFirst();
    assertThat(row.requestId()).isEqualTo(r.headers().firstValue("x-request-id").orElseThrow());
    assertThat(row.tokensIn()).isEqualTo(usage.path("prompt_tokens").asInt()).isPositive();
    assertThat(row.tokensOut()).isEqualTo(usage.path("completion_tokens").asInt()).isPositive();
    assertThat(row.estimated()).isFalse();
    assertThat(row.cost()).isEqualTo(PRICE.cost(row.tokensIn(), row.tokensOut()));
    assertThat(r.headers().firstValue("x-orchestrator-cost-usd"))
        .hasValue(CompletionWriter.Accounting.usd(row.cost()));
  }

  @Test void fieldsTheGatewayRefusesAreStillRefusedWithoutAnUpstreamCall() throws Exception {
    HttpResponse<String> tools = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"team\","
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]}");
    HttpResponse<String> unknown = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"team\","
        + "\"reasoning_effort\":\"high\"}");
    HttpResponse<String> outOfRange = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"model\":\"team\",\"temperature\":3}");
    HttpResponse<String> spaced = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"team \"}");

    assertThat(tools.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(tools.body()).at("/error/param").asText()).isEqualTo("tools");
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(unknown.body()).at("/error/param").asText()).isEqualTo("reasoning_effort");
    assertThat(outOfRange.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(outOfRange.body()).at("/error/param").asText()).isEqualTo("temperature");
    assertThat(spaced.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(spaced.body()).at("/error/code").asText()).isEqualTo("model_not_found");
    assertThat(chats(primarySim)).isEmpty();
  }

  @Test void aRepeatedFieldIsNotForwardedAsWrittenButReadAsTheGatewayReadsIt() throws Exception {
    HttpResponse<String> r = post("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"team\","
        + "\"temperature\":0.1,\"temperature\":0.9}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode sent = chats(primarySim).getFirst();
    assertThat(fieldNames(sent)).startsWith("model", "messages");
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.9);
  }

  @Test void aBodyInUtf16IsRebuiltAsUtf8NotForwardedAsItsBytes() throws Exception {
    String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"model\":\"team\"}";
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.getBytes(java.nio.charset.StandardCharsets.UTF_16LE)))
        .build(), HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode sent = chats(primarySim).getFirst();
    assertThat(fieldNames(sent)).startsWith("model", "messages");
    assertThat(sent.at("/messages/0/content").asText()).isEqualTo("hi");
  }

  @Test void aStreamedRequestStillStreamsThroughTheCascade() throws Exception {
    HttpResponse<String> r = post("{\"messages\":[{\"role\":\"user\",\"content\":\"Say hi.\"}],\"model\":\"team\","
        + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    StringBuilder text = new StringBuilder();
    JsonNode usage = null;
    for (String line : r.body().split("\n")) {
      if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
      JsonNode chunk = JSON.readTree(line.substring(6));
      text.append(chunk.at("/choices/0/delta/content").asText(""));
      if (chunk.path("usage").isObject()) usage = chunk.path("usage");
    }
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    assertThat(text.toString()).isNotBlank();
    assertThat(usage).isNotNull();
    assertThat(rows().getFirst().tokensOut()).isEqualTo(usage.path("completion_tokens").asInt());
    assertThat(chats(primarySim).getFirst().path("stream").asBoolean()).isTrue();
  }
}
