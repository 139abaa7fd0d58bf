package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Profiles' rates measured over many seeded requests. These are statistical properties of a seeded run, not
 * timings: the n-th request of a model always gets the same draw, so the counts are the same on every run and
 * the order in which concurrent requests arrive does not matter.
 */
class ProfileRatesTest {
  static final int N = 400;
  static final double TOLERANCE = 0.06;
  static final JsonNode SCHEMA = json("""
      {"type":"object","properties":{
        "service":{"type":"string"},"port":{"type":"integer","minimum":1024,"maximum":65535},
        "public":{"type":"boolean"},"owner":{"type":["string","null"]},
        "endpoints":{"type":"array","minItems":2,"items":{"type":"object",
          "properties":{"method":{"enum":["GET","POST"]},"path":{"type":"string","pattern":"^/[a-z]+$"}},
          "required":["method","path"]}}},
       "required":["service","port","public","endpoints"]}""");
  static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** One reply's fate, as a client sees it. */
  record Seen(int status, String text, String finish, boolean cut) {}

  static ObjectNode schemaRequest(String model) {
    ObjectNode req = SimHttp.openAi(model, "Describe the service as JSON.");
    ObjectNode rf = req.putObject("response_format").put("type", "json_schema");
    rf.putObject("json_schema").put("name", "service").set("schema", SCHEMA);
    return req;
  }

  static boolean rawValid(String text) {
    try {
      return SimHttp.violations(SCHEMA, STRICT.readTree(text)).isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** Sends {@code n} requests, eight at a time, and returns what came back. */
  static List<Seen> run(Simulator sim, int n, Function<SimHttp, HttpRequest> request,
      Function<JsonNode, String> text, Function<JsonNode, String> finish) throws Exception {
    SimHttp http = new SimHttp(sim);
    List<Future<Seen>> futures = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
      for (int i = 0; i < n; i++) {
        futures.add(pool.submit(() -> {
          IOException[] failure = new IOException[1];
          HttpResponse<String> r;
          try {
            r = http.client.send(request.apply(http), HttpResponse.BodyHandlers.ofString());
          } catch (IOException e) {
            failure[0] = e;
            return new Seen(0, null, null, true);
          }
          if (r.statusCode() != 200) return new Seen(r.statusCode(), null, null, false);
          JsonNode body = json(r);
          return new Seen(200, text.apply(body), finish.apply(body), false);
        }));
      }
      List<Seen> out = new ArrayList<>();
      for (Future<Seen> f : futures) out.add(f.get());
      return out;
    }
  }

  static List<Seen> openAiRun(String profile, long seed) throws Exception {
    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile(profile).withSeed(seed))) {
      return run(sim, N, h -> h.postRequest("/v1/chat/completions", schemaRequest("m")),
          b -> b.at("/choices/0/message/content").asText(), b -> b.at("/choices/0/finish_reason").asText());
    }
  }

  @ParameterizedTest(name = "{0} ~ {1}")
  @CsvSource({"perfect, 1.0", "broken, 0.0", "mistral-7b, 0.30", "qwen2.5-coder-32b, 0.85", "gpt-4o-mini, 0.85",
      "claude-3-5-sonnet, 0.95"})
  void rawValidRateOverManySeededRequestsIsNearTheProfilesSetting(String profile, double expected) throws Exception {
    List<Seen> seen = openAiRun(profile, 11);

    List<Seen> answered = seen.stream().filter(s -> s.status() == 200).toList();
    // Cloud profiles also draw a few transport faults; the rate is over the answers that arrived.
    assertThat(answered.size()).isGreaterThan(N * 9 / 10);
    double rate = answered.stream().filter(s -> rawValid(s.text())).count() / (double) answered.size();
    assertThat(rate).isCloseTo(expected, within(expected == 0.0 || expected == 1.0 ? 0.0 : TOLERANCE));
  }

  @Test
  void aWeakModelsInvalidAnswersSpanSyntaxSchemaAndTruncationFailures() throws Exception {
    List<Seen> invalid = openAiRun("mistral-7b", 12).stream()
        .filter(s -> s.status() == 200 && !rawValid(s.text())).toList();

    long unparseable = invalid.stream().filter(s -> !parses(s.text())).count();
    long schemaOnly = invalid.stream().filter(s -> parses(s.text())).count();
    long truncated = invalid.stream().filter(s -> s.finish().equals("length")).count();
    long fenced = invalid.stream().filter(s -> s.text().startsWith("```json")).count();
    assertThat(unparseable).isPositive();
    assertThat(schemaOnly).isPositive();
    assertThat(truncated).isPositive();
    assertThat(fenced).isPositive();
  }

  @Test
  void theRequestLogNamesTheCorruptionFamilyAndTheFault() throws Exception {
    List<String> lines = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile("mistral-7b").withSeed(14))) {
      sim.onExchange(lines::add);
      sim.enqueue("m", Scripted.rateLimited(java.time.Duration.ofSeconds(1)));
      run(sim, 30, h -> h.postRequest("/v1/chat/completions", schemaRequest("m")), b -> "", b -> "");
    }

    assertThat(lines).hasSize(30);
    assertThat(lines).anyMatch(l -> l.contains("-> 429 (scripted rate limited)"));
    assertThat(lines).anyMatch(l -> l.contains("synthesized from schema, corrupted: "));
    assertThat(lines).anyMatch(l -> l.contains("synthesized from schema, valid"));
    assertThat(lines).allMatch(l -> l.startsWith("POST /v1/chat/completions model=m -> "));
  }

  static boolean parses(String text) {
    try {
      STRICT.readTree(text);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void anthropicToolInputsAreAlwaysObjectsAndBreakOnlyTheSchemaAtTheProfilesRate() throws Exception {
    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile("mistral-7b").withSeed(13))) {
      ObjectNode req = SimHttp.anthropic("m", "Describe the service.", 2048);
      req.putArray("tools").addObject().put("name", "service").set("input_schema", SCHEMA);
      req.putObject("tool_choice").put("type", "tool").put("name", "service");
      List<Seen> seen = run(sim, N,
          h -> h.postRequest("/v1/messages", req, "x-api-key", "k", "anthropic-version", "2023-06-01"),
          b -> b.at("/content/0/input").toString(), b -> b.path("stop_reason").asText());

      assertThat(seen).allSatisfy(s -> assertThat(s.finish()).isEqualTo("tool_use"));
      double rate = seen.stream().filter(s -> rawValid(s.text())).count() / (double) seen.size();
      assertThat(rate).isCloseTo(0.30, within(TOLERANCE));
    }
  }

  @Test
  void flakyFaultRatesOverManySeededRequestsAreNearTheirSettings() throws Exception {
    List<Seen> seen;
    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile("flaky").withSeed(21))) {
      seen = run(sim, N, h -> h.postRequest("/v1/chat/completions", SimHttp.openAi("m", "hi")),
          b -> b.at("/choices/0/message/content").asText(), b -> b.at("/choices/0/finish_reason").asText());
    }

    assertThat(share(seen, s -> s.status() == 429)).isCloseTo(0.10, within(0.05));
    assertThat(share(seen, s -> s.status() == 500)).isCloseTo(0.05, within(0.04));
    assertThat(share(seen, s -> s.status() == 503)).isCloseTo(0.10, within(0.05));
    assertThat(share(seen, Seen::cut)).isCloseTo(0.10, within(0.05));
    // Slow first tokens and slow drips arrive whole: with the clean answers they are the other 65%.
    assertThat(share(seen, s -> s.status() == 200)).isCloseTo(0.65, within(0.07));
  }

  @Test
  void downAnswersEveryChatWith503() throws Exception {
    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile("down"))) {
      List<Seen> seen = run(sim, 20, h -> h.postRequest("/api/chat", SimHttp.ollama("m", "hi", false)),
          b -> "", b -> "");
      assertThat(seen).allSatisfy(s -> assertThat(s.status()).isEqualTo(503));
    }
  }

  static double share(List<Seen> seen, java.util.function.Predicate<Seen> p) {
    return seen.stream().filter(p).count() / (double) seen.size();
  }
}
