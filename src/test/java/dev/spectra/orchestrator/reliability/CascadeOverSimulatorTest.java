package dev.spectra.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.RecordingListener;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.config.Secrets;
import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.Capability;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Price;
import dev.spectra.orchestrator.model.ProviderKind;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.Timeouts;
import dev.spectra.orchestrator.sim.Scripted;
import dev.spectra.orchestrator.sim.SimOptions;
import dev.spectra.orchestrator.sim.Simulator;
import dev.spectra.orchestrator.structured.StructuredOptions;
import dev.spectra.orchestrator.structured.StructuredOutput;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole chain over real HTTP: one simulator plays the local Ollama, another the paid cloud. */
class CascadeOverSimulatorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Price CLOUD_PRICE = Price.perMillion("0.15", "0.60");

  @TempDir Path dir;
  final FakeClock clock = new FakeClock(Instant.parse("2026-03-10T12:00:00Z"));
  final FakeSleeper sleeper = new FakeSleeper(clock);
  final RecordingListener events = new RecordingListener();
  Simulator localSim;
  Simulator cloudSim;
  Providers providers;
  Ledger ledger;
  ModelSpec local;
  ModelSpec cloud;

  @BeforeEach
  void start() {
    localSim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(1));
    cloudSim = Simulator.start(SimOptions.defaults().withPort(0).withProfile("perfect").withSeed(2));
    providers = new Providers(Secrets.none(), Providers.Options.DEFAULTS);
    ledger = Ledger.openFile(dir.resolve("ledger.db"), clock);
    local = new ModelSpec("local-7b", ProviderKind.OLLAMA, localSim.baseUrl(), "mistral:7b", true, Price.FREE, 8_192,
        EnumSet.of(Capability.JSON_MODE, Capability.STREAMING), Timeouts.LOCAL_DEFAULT, null, 4);
    cloud = new ModelSpec("cloud-mini", ProviderKind.OPENAI_COMPATIBLE, URI.create(cloudSim.baseUrl() + "/v1"),
        "gpt-4o-mini", false, CLOUD_PRICE, 128_000, EnumSet.of(Capability.JSON_SCHEMA, Capability.STREAMING),
        Timeouts.CLOUD_DEFAULT, null, 8);
  }

  @AfterEach
  void stop() {
    ledger.close();
    providers.close();
    localSim.close();
    cloudSim.close();
  }

  CascadeSettings settings() {
    return CascadeSettings.defaults(List.of(local, cloud), "sim-1", List.of("cloud-mini"))
        .withReferenceModel("cloud-mini")
        .withRetry(new CascadeSettings.RetryPolicy(2, Duration.ofMillis(100), Duration.ofSeconds(1),
            Duration.ofSeconds(30), 7));
  }

  Cascade cascade(CascadeSettings settings) {
    StructuredOptions options = StructuredOptions.defaults();
    return Cascades.recordingInto(new CascadeBuilder(settings).providers(providers::model)
        .structuredOutput((model, spec) -> new StructuredOutput(model, spec, options)), ledger)
        .listener(events).clock(clock).sleeper(sleeper).build();
  }

  static ModelRequest personRequest() throws Exception {
    JsonNode schema = JSON.readTree("""
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},
         "required":["name","age"],"additionalProperties":false}""");
    return new ModelRequest(List.of(Message.user("Describe a person as JSON.")), 200, null, false,
        new ResponseFormat.JsonSchema("person", schema, true), null);
  }

  @Test
  void brokenJsonFromThePrimaryIsRepairedWithoutFallback() throws Exception {
    localSim.enqueue("mistral:7b", Scripted.json("{\"name\": \"Ana\", \"age\": 31,}"));
    ModelReply reply = cascade(settings()).chat(personRequest());

    assertThat(reply.servedBy()).isEqualTo("local-7b");
    assertThat(reply.json().get("name").asText()).isEqualTo("Ana");
    assertThat(reply.attempts()).singleElement()
        .satisfies(a -> assertThat(a.json()).isEqualTo(Attempt.JsonStage.REPAIRED));
    assertThat(cloudSim.requests()).as("no fallback").isEmpty();
    assertThat(reply.cost()).isEqualTo(Money.ZERO);
  }

  @Test
  void schemaInvalidThroughEveryReaskFallsBackAndTheLedgerHoldsBothCallsWithTheirCosts() throws Exception {
    for (int i = 0; i < 3; i++) localSim.enqueue("mistral:7b", Scripted.json("{\"nom\": \"Ana\"}"));
    ModelReply reply = cascade(settings()).chat(personRequest());

    assertThat(reply.servedBy()).isEqualTo("cloud-mini");
    assertThat(reply.json().has("name")).isTrue();
    assertThat(localSim.requests()).as("first ask and two re-asks").hasSize(3);
    ledger.flush();
    List<CallRecord> rows = new ArrayList<>(ledger.calls(Ledger.CallFilter.latest(10)));
    Collections.reverse(rows);
    assertThat(rows).hasSize(2);
    CallRecord failed = rows.get(0);
    assertThat(failed.model()).isEqualTo("local-7b");
    assertThat(failed.outcome()).isEqualTo("failed");
    assertThat(failed.failureType()).isEqualTo("invalid_output");
    assertThat(failed.decision()).isEqualTo("next-route");
    assertThat(failed.reasks()).isEqualTo(2);
    assertThat(failed.cost()).isEqualTo(Money.ZERO);
    assertThat(failed.tokensIn()).isPositive();
    assertThat(failed.saved()).isEqualTo(CLOUD_PRICE.cost(failed.tokensIn(), failed.tokensOut()))
        .as("saved is priced on the reference model, here the cloud model");
    CallRecord served = rows.get(1);
    assertThat(served.model()).isEqualTo("cloud-mini");
    assertThat(served.outcome()).isEqualTo("ok");
    assertThat(served.tier()).isEqualTo(1);
    assertThat(served.cost()).isEqualTo(CLOUD_PRICE.cost(served.tokensIn(), served.tokensOut()));
    assertThat(served.cost().usd().signum()).isPositive();
    assertThat(served.catalogVersion()).isEqualTo("sim-1");
    assertThat(reply.cost()).isEqualTo(served.cost());
    assertThat(ledger.stats(Instant.parse("2026-03-01T00:00:00Z"), 100).fallbacksTaken()).isEqualTo(1);
  }

  @Test
  void rateLimitWithRetryAfterIsHonouredOnTheSameRoute() throws Exception {
    localSim.enqueue("mistral:7b", Scripted.rateLimited(Duration.ofSeconds(2)));
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("hello"));

    assertThat(reply.servedBy()).isEqualTo("local-7b");
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(2));
    assertThat(events.events()).containsExactly("local-7b:rate_limited:retry", "local-7b:ok:served");
  }

  @Test
  void deadEndpointOpensItsBreakerIsSkippedAndIsProbedAgainAfterTheCooldown() throws Exception {
    Simulator gone = Simulator.start(SimOptions.defaults().withPort(0));
    URI deadUrl = gone.baseUrl();
    gone.close();
    ModelSpec dead = new ModelSpec("dead-local", ProviderKind.OLLAMA, deadUrl, "mistral:7b", true, Price.FREE, 8_192,
        EnumSet.of(Capability.JSON_MODE), Timeouts.LOCAL_DEFAULT, null, 2);
    CascadeSettings s = CascadeSettings.defaults(List.of(dead, cloud), "v", List.of("cloud-mini"))
        .withRetry(new CascadeSettings.RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO, 1))
        .withBreaker(new CascadeSettings.BreakerPolicy(3, 20, 1.0, 20, Duration.ofSeconds(60)));
    Cascade c = cascade(s);
    for (int i = 0; i < 5; i++) assertThat(c.chat(ModelRequest.of("hi")).servedBy()).isEqualTo("cloud-mini");
    assertThat(events.events()).filteredOn(e -> e.startsWith("dead-local:")).containsExactly(
        "dead-local:connection_refused:next-route", "dead-local:connection_refused:next-route",
        "dead-local:connection_refused:next-route", "dead-local:circuit_open:next-route",
        "dead-local:circuit_open:next-route");

    clock.advance(Duration.ofSeconds(60));
    c.chat(ModelRequest.of("hi"));
    assertThat(events.events()).filteredOn(e -> e.startsWith("dead-local:")).last()
        .isEqualTo("dead-local:connection_refused:next-route");
    assertThat(events.events()).contains("breaker open->half_open", "breaker half_open->open");
  }

  @Test
  void monthlyBudgetBlocksAPaidFallbackWithAClearMessageWhileLocalCallsProceed() throws Exception {
    localSim.enqueue("mistral:7b", Scripted.status(500, "boom"), Scripted.status(500, "boom"));
    CascadeSettings s = settings().withBudgets(new CascadeSettings.Budgets(Money.usd("0.0001"), null, false, 4096));
    Cascade c = cascade(s);
    assertThatThrownBy(() -> c.chat(ModelRequest.of("hi").withMaxTokens(1000)))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.error()).isInstanceOf(ModelError.BudgetExhausted.class);
          assertThat(e.getMessage()).contains("monthly", "spent $0.000000 of $0.000100", "cloud-mini",
              "budgets.monthly-usd");
        });
    assertThat(cloudSim.requests()).isEmpty();
    assertThat(c.chat(ModelRequest.of("hi again")).servedBy()).isEqualTo("local-7b");
    ledger.flush();
    assertThat(ledger.calls(new Ledger.CallFilter("cloud-mini", null, null, true, null, 10)))
        .singleElement().satisfies(r -> {
          assertThat(r.outcome()).isEqualTo("skipped");
          assertThat(r.failureType()).isEqualTo("budget_exhausted");
        });
  }

  @Test
  void streamingFallsBackWhenThePrimaryFailsBeforeItsFirstToken() throws Exception {
    localSim.enqueue("mistral:7b", Scripted.status(503, "loading"), Scripted.status(503, "loading"));
    List<String> tokens = Collections.synchronizedList(new ArrayList<>());
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("tell me").withStream(true), tokens::add);

    assertThat(reply.servedBy()).isEqualTo("cloud-mini");
    assertThat(String.join("", tokens)).isEqualTo(reply.text()).isNotEmpty();
  }

  @Test
  void aThousandConcurrentRequestsLoseNoLedgerRow() throws Exception {
    Cascade c = cascade(settings());
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      int n = i;
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          attempts.addAndGet(c.chat(ModelRequest.of("request " + n)).attempts().size());
        } catch (ModelException e) {
          attempts.addAndGet(e.attempts().size());
          failures.incrementAndGet();
        }
      }));
    }
    for (Thread t : threads) t.join();
    ledger.flush();
    assertThat(attempts.get()).isGreaterThanOrEqualTo(1000);
    assertThat(ledger.calls(Ledger.CallFilter.latest(100_000))).hasSize(attempts.get());
  }
}
