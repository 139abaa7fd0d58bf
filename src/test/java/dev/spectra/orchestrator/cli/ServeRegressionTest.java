package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.gateway.Gateway;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Gateway defects that only show through the whole production wiring (configuration, cascade, provider, real HTTP
 * to a simulator), each driven through {@code orchestrator serve}; each failed before its fix.
 */
@org.junit.jupiter.api.Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServeRegressionTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** A catalog model, moved to the local simulator by the seed's URL variable. */
  static final String LOCAL = "mistral-7b-instruct-v0.3";
  @TempDir Path dir;
  Simulator local;
  Simulator cloud;
  final LinkedBlockingQueue<String> localExchanges = new LinkedBlockingQueue<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final HttpClient http = HttpClient.newHttpClient();
  CompletableFuture<Integer> exit;
  Gateway gateway;

  Gateway serve() throws Exception {
    local = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(7));
    local.onExchange(localExchanges::add);
    cloud = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(8));
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("ORCHESTRATOR_LLM_URL", local.baseUrl() + "/v1/chat/completions");
    env.put("ORCHESTRATOR_LLM_MODEL", LOCAL);
    env.put("ORCHESTRATOR_FALLBACK_URL", cloud.baseUrl() + "/v1/chat/completions");
    env.put("ORCHESTRATOR_FALLBACK_MODEL", "gpt-4o-mini");
    env.put("ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db"));
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env, dir);
    CompletableFuture<Gateway> started = new CompletableFuture<>();
    CommandLine cl = new CommandLine(new ServeCommand(io, started::complete));
    exit = new CompletableFuture<>();
    Thread.ofPlatform().name("serve-under-test").start(() -> exit.complete(cl.execute("--port", "0")));
    gateway = CompletableFuture.anyOf(started, exit).thenApply(x -> started.getNow(null)).get(60, TimeUnit.SECONDS);
    assertThat(gateway).as("serve started; stderr: %s", err).isNotNull();
    return gateway;
  }

  @AfterEach void stop() throws Exception {
    if (gateway != null) gateway.close();
    if (exit != null) exit.get(30, TimeUnit.SECONDS);
    if (local != null) local.close();
    if (cloud != null) cloud.close();
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(HttpRequest.newBuilder(gateway.baseUrl().resolve("/v1/chat/completions"))
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String chat(boolean stream) {
    return "{\"model\":\"local-first\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Say hello.\"}]}";
  }

  @Test void aLocalModelSilentPastItsConfiguredFirstTokenTimeoutFallsBackWhereverItsUrlPoints() throws Exception {
    // The override once applied only where the model's built-in URL pointed; moved to a local server, the local
    // default of 120 s held every request while the model sent nothing.
    Files.writeString(dir.resolve("orchestrator.yaml"), """
        models:
          %s:
            timeouts: {first-token: 1s}
        """.formatted(LOCAL));
    serve();
    for (int i = 0; i < 4; i++) local.enqueue("*", Scripted.slowFirstToken(Duration.ofSeconds(20), "too late"));

    HttpResponse<String> plain = post(chat(false));

    assertThat(plain.statusCode()).as(plain.body()).isEqualTo(200);
    assertThat(plain.headers().firstValue("x-orchestrator-served-model")).hasValue("gpt-4o-mini");
    assertThat(local.requests()).isNotEmpty();
    assertThat(cloud.requests()).hasSize(1);
  }

  @Test void streamedChunksAndThePlainReplyBothNameTheModelThatServedNotThePolicy() throws Exception {
    serve();

    HttpResponse<String> plain = post(chat(false));
    HttpResponse<String> streamed = post(chat(true));

    assertThat(JSON.readTree(plain.body()).path("model").asText()).isEqualTo(LOCAL);
    List<String> models = new ArrayList<>();
    for (String line : streamed.body().split("\n")) {
      if (line.startsWith("data: {")) models.add(JSON.readTree(line.substring(6)).path("model").asText());
    }
    assertThat(models).hasSizeGreaterThan(2).allSatisfy(m -> assertThat(m).isEqualTo(LOCAL));
  }

  @Test void aClientLeavingMidStreamClosesTheUpstreamConnectionSoTheModelStopsGenerating() throws Exception {
    serve();
    // 60 words, one every 500 ms: half a minute of generation if nobody stops it.
    String words = String.join(" ", java.util.Collections.nCopies(60, "word"));
    local.enqueue("*", Scripted.slowDrip(Duration.ofMillis(500), words));

    try (Socket s = new Socket("127.0.0.1", gateway.port())) {
      byte[] body = chat(true).getBytes(StandardCharsets.UTF_8);
      OutputStream o = s.getOutputStream();
      o.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      o.write(body);
      o.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.contains("\"content\":\"word")) { /* until the first word */ }
      assertThat(line).as("a first streamed word").isNotNull();
    }

    // The simulator logs an exchange when its handler ends: with the upstream connection closed, its next write
    // fails and it stops, long before the 30 s its drip would take.
    String ended = localExchanges.poll(15, TimeUnit.SECONDS);
    assertThat(ended).as("the upstream exchange ended after the client left").isNotNull();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (gateway.inFlight() > 0 && System.nanoTime() < deadline) Thread.sleep(20);
    assertThat(gateway.metricsText()).contains("failures_total{type=\"client_disconnected\"} 1");
  }
}
