package dev.spectra.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.orchestrator.RecordingListener;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CascadeTest {
  final FakeClock clock = new FakeClock(Instant.parse("2026-03-10T12:00:00Z"));
  final FakeSleeper sleeper = new FakeSleeper(clock);
  final RecordingListener events = new RecordingListener();
  final ModelSpec small = TestCatalog.local("small", 8_192);
  final ModelSpec big = TestCatalog.local("big", 32_768);
  final ModelSpec mini = TestCatalog.cloud("gpt-4o-mini", "0.15", "0.60", 128_000);
  final Map<String, FakeModel> fakes = new HashMap<>();

  FakeModel fake(String name) { return fakes.computeIfAbsent(name, n -> new FakeModel(n).whenDone("ok")); }

  CascadeSettings settings() {
    return CascadeSettings.defaults(List.of(small, big, mini), "test-1", List.of("gpt-4o-mini"));
  }

  Cascade cascade(CascadeSettings settings) {
    return new CascadeBuilder(settings).providers(spec -> fake(spec.name())).clock(clock).sleeper(sleeper)
        .listener(events).build();
  }

  @Test
  void servesFromFirstRouteWithoutFallbackWhenItAnswers() throws Exception {
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("hi"));
    assertThat(reply.servedBy()).isEqualTo("small");
    assertThat(events.events()).containsExactly("small:ok:served");
    assertThat(fake("big").calls()).isZero();
  }

  @Test
  void fallsBackToNextModelWhenFirstReturnsInvalidOutputAndPricesByTheModelThatServed() throws Exception {
    fake("small").then(invalid("small"));
    fake("big").then(invalid("big"));
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("give me json"));

    assertThat(reply.servedBy()).isEqualTo("gpt-4o-mini");
    assertThat(events.events()).containsExactly("small:invalid_output:next-route", "big:invalid_output:next-route",
        "gpt-4o-mini:ok:served");
    // 100 in at $0.15/M + 50 out at $0.60/M, and nothing for the local attempts (no tokens reported by them).
    assertThat(reply.cost().usd()).isEqualByComparingTo("0.000045");
    assertThat(reply.attempts()).extracting(a -> a.model()).containsExactly("small", "big", "gpt-4o-mini");
    assertThat(reply.attempts().get(2).route()).isEqualTo("local-first#3");
  }

  @Test
  void everyAttemptIsStartedThenEndedWithItsDecisionInOrder() throws Exception {
    fake("small").then(invalid("small"));
    cascade(settings()).chat(ModelRequest.of("give me json"));

    List<RecordingListener.Event> log = events.log();
    assertThat(log).hasSize(4);
    assertThat(log.get(0)).isInstanceOfSatisfying(RecordingListener.Event.AttemptStarted.class,
        s -> assertThat(s.model().name()).isEqualTo("small"));
    assertThat(log.get(1)).isInstanceOfSatisfying(RecordingListener.Event.AttemptEnded.class,
        e -> assertThat(e.ended().decision()).isEqualTo("next-route"));
    assertThat(log.get(2)).isInstanceOfSatisfying(RecordingListener.Event.AttemptStarted.class,
        s -> assertThat(s.model().name()).isEqualTo("big"));
    assertThat(log.get(3)).isInstanceOfSatisfying(RecordingListener.Event.AttemptEnded.class,
        e -> assertThat(e.ended().decision()).isEqualTo("served"));
  }

  @Test
  void localAnswerCostsNothingAndRecordsWhatTheReferenceCloudModelWouldHaveCost() throws Exception {
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("hi"));
    assertThat(reply.cost()).isEqualTo(Money.ZERO);
    assertThat(reply.saved().usd()).isEqualByComparingTo("0.000045");
  }

  @Test
  void retriesServerErrorWithJitteredExponentialBackoffThenSucceeds() throws Exception {
    fake("small").then(new ModelError.ServerError(503, "busy", "e"), new ModelError.ServerError(502, "", "e"), "done");
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("hi"));
    assertThat(reply.text()).isEqualTo("done");
    List<Duration> sleeps = sleeper.sleeps();
    assertThat(sleeps).hasSize(2);
    // Equal jitter: between half and all of 250 ms, then of 500 ms.
    assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(125), Duration.ofMillis(250));
    assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(250), Duration.ofMillis(500));
    assertThat(events.events()).containsExactly("small:server_error:retry", "small:server_error:retry",
        "small:ok:served");
  }

  @Test
  void honoursRetryAfterExactlyOnRateLimit() throws Exception {
    fake("small").then(new ModelError.RateLimited(Duration.ofSeconds(7), "e"));
    cascade(settings()).chat(ModelRequest.of("hi"));
    assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(7));
    assertThat(fake("small").calls()).isEqualTo(2);
  }

  @Test
  void movesToNextRouteInsteadOfWaitingOutALongRetryAfter() throws Exception {
    fake("small").then(new ModelError.RateLimited(Duration.ofMinutes(10), "e"));
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("hi"));
    assertThat(sleeper.sleeps()).isEmpty();
    assertThat(reply.servedBy()).isEqualTo("big");
  }

  @Test
  void contextTooLongJumpsToARouteWithALargerWindow() throws Exception {
    ModelSpec alsoSmall = TestCatalog.local("also-small", 8_192);
    CascadeSettings s = CascadeSettings.defaults(List.of(small, alsoSmall, big, mini), "v", List.of("gpt-4o-mini"));
    fake("small").then(new ModelError.ContextTooLong(9000, 8192, "e"));
    ModelReply reply = cascade(s).chat(ModelRequest.of("long"));
    assertThat(reply.servedBy()).isEqualTo("big");
    assertThat(fake("also-small").calls()).isZero();
    assertThat(events.events()).containsExactly("small:context_too_long:larger-window", "big:ok:served");
  }

  @Test
  void streamingFallsBackWhenThePrimaryFailsBeforeItsFirstToken() throws Exception {
    fake("small").then(new FakeModel.Streamed(List.of(), new ModelError.Timeout(
        ModelError.Timeout.Phase.FIRST_TOKEN, Duration.ofSeconds(120), "e")));
    List<String> seen = new ArrayList<>();
    ModelReply reply = cascade(settings()).chat(ModelRequest.of("hi").withStream(true), seen::add);
    assertThat(reply.servedBy()).isEqualTo("big");
    assertThat(seen).containsExactly("ok");
  }

  @Test
  void doesNotFallBackOnceStreamedTextReachedTheCaller() {
    fake("small").then(new FakeModel.Streamed(List.of("Hel"), new ModelError.StreamCutOff("Hel", "e")));
    List<String> seen = new ArrayList<>();
    assertThatThrownBy(() -> cascade(settings()).chat(ModelRequest.of("hi").withStream(true), seen::add))
        .isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.error()).isInstanceOf(ModelError.StreamCutOff.class));
    assertThat(seen).containsExactly("Hel");
    assertThat(fake("big").calls()).isZero();
    assertThat(events.events()).containsExactly("small:stream_cut_off:give-up");
  }

  @Test
  void stopsEscalatingAtThePerRequestCapAndReportsEveryAttempt() {
    CascadeSettings s = settings().withCaps(new CascadeSettings.Caps(1, 10));
    fake("small").then(invalid("small"));
    fake("big").then(invalid("big"));
    assertThatThrownBy(() -> cascade(s).chat(ModelRequest.of("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.error()).isInstanceOf(ModelError.InvalidOutput.class);
          assertThat(e.attempts()).hasSize(2);
          assertThat(e.getCause()).hasMessageContaining("escalation cap per request (1)");
        });
    assertThat(fake("gpt-4o-mini").calls()).isZero();
  }

  @Test
  void failsWithTheLastErrorAndAllAttemptsWhenEveryRouteFails() {
    fake("small").then(new ModelError.ModelNotFound("small", "e", "ollama pull small"));
    fake("big").then(new ModelError.ModelNotFound("big", "e", "ollama pull big"));
    fake("gpt-4o-mini").then(new ModelError.AuthFailed(401, "e", "set OPENAI_API_KEY"));
    assertThatThrownBy(() -> cascade(settings()).chat(ModelRequest.of("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.error()).isInstanceOf(ModelError.AuthFailed.class);
          assertThat(e.attempts()).extracting(a -> a.model()).containsExactly("small", "big", "gpt-4o-mini");
        });
  }

  @Test
  void keepsTheFailuresOfEarlierRoutesSuppressedOnTheErrorItThrows() {
    fake("small").then(new ModelError.ModelNotFound("small", "e", "ollama pull small"));
    fake("big").then(new ModelError.ModelNotFound("big", "e", "ollama pull big"));
    fake("gpt-4o-mini").then(new ModelError.AuthFailed(401, "e", "set OPENAI_API_KEY"));
    assertThatThrownBy(() -> cascade(settings()).chat(ModelRequest.of("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.getSuppressed())
            .extracting(t -> ((ModelException) t).error().type())
            .containsExactly("model_not_found", "model_not_found"));
  }

  @Test
  void fixedPolicyRetriesButNeverFallsBack() {
    fake("small").then(new ModelError.ServerError(500, "", "e"), new ModelError.ServerError(500, "", "e"),
        new ModelError.ServerError(500, "", "e"));
    Cascade fixed = cascade(settings()).resolve("fixed");
    assertThatThrownBy(() -> fixed.chat(ModelRequest.of("x"))).isInstanceOf(ModelException.class);
    assertThat(fake("small").calls()).isEqualTo(3);
    assertThat(fake("big").calls()).isZero();
  }

  @Test
  void monthlyBudgetBlocksAPaidFallbackWithAClearMessageWhileLocalCallsProceed() throws Exception {
    CascadeSettings s = settings().withBudgets(new CascadeSettings.Budgets(Money.usd("0.0001"), null, false, 4096));
    fake("small").then(invalid("small"));
    fake("big").then(invalid("big"));
    Cascade c = cascade(s);
    assertThatThrownBy(() -> c.chat(ModelRequest.of("x")))
        .isInstanceOfSatisfying(ModelException.class, e -> {
          assertThat(e.error()).isInstanceOf(ModelError.BudgetExhausted.class);
          assertThat(e.getMessage()).contains("monthly", "$0.000100", "ORCHESTRATOR_BUDGET_MONTHLY", "budgets.monthly-usd");
        });
    assertThat(fake("gpt-4o-mini").calls()).isZero();
    assertThat(c.chat(ModelRequest.of("y")).servedBy()).isEqualTo("small");
  }

  @Test
  void reservesTheWorstCaseBeforeAPaidCallAndSettlesTheRealCostAfter() throws Exception {
    // Worst case for 300 chars + 1000 max tokens at 0.15/0.60: 100*0.15e-6 + 1000*0.6e-6 = $0.000615.
    CascadeSettings s = settings().withBudgets(new CascadeSettings.Budgets(Money.usd("0.0007"), null, false, 4096));
    Cascade cloud = cascade(s).resolve("gpt-4o-mini");
    ModelRequest req = ModelRequest.of("x".repeat(299)).withMaxTokens(1000);
    cloud.chat(req);  // real cost $0.000045: the reservation is released
    cloud.chat(req);
    assertThat(fake("gpt-4o-mini").calls()).isEqualTo(2);
    // Spent 0.00009; another worst case of 0.000615 would pass 0.0007.
    assertThatThrownBy(() -> cloud.chat(req)).isInstanceOfSatisfying(ModelException.class,
        e -> assertThat(e.error()).isInstanceOf(ModelError.BudgetExhausted.class));
    assertThat(fake("gpt-4o-mini").calls()).isEqualTo(2);
  }

  @Test
  void refusesAnUnpricedCloudModelUnderABudgetUnlessAllowed() throws Exception {
    ModelSpec unpriced = TestCatalog.cloud("mystery", null, null, 100_000);
    CascadeSettings s = CascadeSettings.defaults(List.of(small, unpriced), "v", List.of("mystery"))
        .withBudgets(new CascadeSettings.Budgets(Money.usd("10"), null, false, 4096));
    assertThatThrownBy(() -> cascade(s).resolve("mystery").chat(ModelRequest.of("x")))
        .hasMessageContaining("mystery has no price").hasMessageContaining("allow-unpriced");
    ModelReply reply = cascade(s.withBudgets(new CascadeSettings.Budgets(Money.usd("10"), null, true, 4096)))
        .resolve("mystery").chat(ModelRequest.of("x"));
    assertThat(reply.cost()).as("unknown, never shown as $0").isNull();
  }

  @Test
  void perBuildBudgetOfASessionStopsPaidCallsOfThatBuildOnly() throws Exception {
    Cascade c = cascade(settings()).resolve("gpt-4o-mini");
    CascadeSession build = c.session("b1", Money.usd("0.00001"));
    assertThatThrownBy(() -> build.chat(ModelRequest.of("x"))).hasMessageContaining("build b1")
        .hasMessageContaining("budgets.build-usd");
    assertThat(c.chat(ModelRequest.of("x")).servedBy()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void budgetsHoldUnderConcurrentPaidCalls() throws Exception {
    // Each call reserves $0.000615 and really costs $0.000045; a limit of $0.002 allows at most 44 real calls
    // and never lets the spend pass the limit whatever the interleaving.
    CascadeSettings s = settings().withBudgets(new CascadeSettings.Budgets(Money.usd("0.002"), null, false, 4096));
    Cascade cloud = cascade(s).resolve("gpt-4o-mini");
    ModelRequest req = ModelRequest.of("x".repeat(299)).withMaxTokens(1000);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      threads.add(Thread.ofVirtual().start(() -> {
        try {
          cloud.chat(req);
        } catch (ModelException e) {
          assertThat(e.error()).isInstanceOf(ModelError.BudgetExhausted.class);
        }
      }));
    }
    for (Thread t : threads) t.join();
    int calls = fake("gpt-4o-mini").calls();
    assertThat(calls).isGreaterThan(0);
    assertThat(Money.usd("0.000045").times(calls)).isLessThanOrEqualTo(Money.usd("0.002"));
  }

  @Test
  void sessionStartsLaterCallsAtTheNextRouteAfterAnArtifactFailure() throws Exception {
    CascadeSession build = cascade(settings()).session("b7", null);
    assertThat(build.chat(ModelRequest.of("code")).servedBy()).isEqualTo("small");
    assertThat(build.reportArtifactFailure(new ModelError.ArtifactFailed("compile", "3 errors"))).isTrue();
    assertThat(build.chat(ModelRequest.of("code")).servedBy()).isEqualTo("big");
    assertThat(build.reportArtifactFailure(new ModelError.ArtifactFailed("tests", "2 failed"))).isTrue();
    assertThat(build.chat(ModelRequest.of("code")).servedBy()).isEqualTo("gpt-4o-mini");
    assertThat(build.reportArtifactFailure(new ModelError.ArtifactFailed("tests", "1 failed")))
        .as("no route left").isFalse();
    assertThat(events.events()).contains("small:artifact_failed:next-route", "big:artifact_failed:next-route");
    assertThat(events.ended()).filteredOn(e -> e.context().buildId() != null).isNotEmpty()
        .allMatch(e -> e.context().buildId().equals("b7"));
  }

  @Test
  void sessionStopsAtThePerBuildEscalationCap() throws Exception {
    CascadeSession build = cascade(settings().withCaps(new CascadeSettings.Caps(3, 1))).session("b8", null);
    build.chat(ModelRequest.of("code"));
    assertThat(build.reportArtifactFailure(new ModelError.ArtifactFailed("compile", "x"))).isTrue();
    assertThat(build.reportArtifactFailure(new ModelError.ArtifactFailed("compile", "x"))).isFalse();
  }

  @Test
  void hybridSendsSimpleWorkToTheSmallModelAndComplexWorkToTheStrongOne() throws Exception {
    Cascade hybrid = cascade(settings()).resolve("hybrid");
    assertThat(hybrid.chat(ModelRequest.of("Build a to-do list service")).servedBy()).isEqualTo("small");
    String complex = "Build a shop with entities: Customer, Order, Product, Invoice, Shipment. Customers must have a "
        + "unique email. Orders cannot ship unless paid. Create, list, update, delete and search orders; export "
        + "invoices; upload product images; at least one item per order; validate stock before checkout.";
    assertThat(hybrid.plan(ModelRequest.of(complex)).get(0)).isEqualTo("gpt-4o-mini");
    assertThat(hybrid.chat(ModelRequest.of(complex)).servedBy()).isEqualTo("gpt-4o-mini");
  }

  @Test
  void cheapestPassingTriesFreeModelsFirstThenAscendingPriceAndDemotesOpenBreakers() throws Exception {
    ModelSpec sonnet = TestCatalog.cloud("claude-3-5-sonnet", "3", "15", 200_000);
    CascadeSettings s = CascadeSettings.defaults(List.of(sonnet, mini, small), "v", List.of("gpt-4o-mini"))
        .withBreaker(new CascadeSettings.BreakerPolicy(1, 10, 1.0, 10, Duration.ofMinutes(5)));
    Cascade c = cascade(s).resolve("cheapest-passing");
    assertThat(c.plan(ModelRequest.of("x"))).containsExactly("small", "gpt-4o-mini", "claude-3-5-sonnet");
    fake("small").then(new ModelError.ConnectionRefused("http://local-small:11434", null));
    // One refusal opens this breaker (threshold 1); the retry then finds it open and gives up on the route.
    assertThatThrownBy(() -> c.resolve("fixed:small").chat(ModelRequest.of("x")))
        .isInstanceOfSatisfying(ModelException.class,
            e -> assertThat(e.error()).isInstanceOf(ModelError.CircuitOpen.class));
    assertThat(fake("small").calls()).isEqualTo(1);
    assertThat(c.plan(ModelRequest.of("x"))).containsExactly("gpt-4o-mini", "claude-3-5-sonnet", "small");
  }

  @Test
  void jsonRequestsGoThroughTheStructuredOutputWrapperOfEachRoute() throws Exception {
    List<String> wrapped = new ArrayList<>();
    Cascade c = new CascadeBuilder(settings()).providers(spec -> fake(spec.name())).clock(clock).sleeper(sleeper)
        .structuredOutput((model, spec) -> {
          wrapped.add(spec.name());
          return model;
        }).build();
    ModelRequest json = new ModelRequest(List.of(Message.user("x")), null, null, false, ResponseFormat.JSON, null);
    c.chat(json);
    assertThat(wrapped).containsExactly("small");
  }

  @Test
  void warmUpSendsOneTinyRequestToEachLocalModelOfTheCascadeOnly() {
    fake("big").then(new ModelError.ConnectionRefused("http://local-big:11434", "start ollama"));
    List<Cascade.WarmUp> warm = cascade(settings()).warmUp();
    assertThat(warm).extracting(Cascade.WarmUp::model).containsExactly("small", "big");
    assertThat(warm).extracting(Cascade.WarmUp::ok).containsExactly(true, false);
    assertThat(warm.get(1).error()).contains("cannot connect");
    assertThat(fake("small").requests()).singleElement().satisfies(r -> assertThat(r.maxTokens()).isEqualTo(1));
    assertThat(fake("gpt-4o-mini").calls()).as("never warms a paid model").isZero();
  }

  static ModelError.InvalidOutput invalid(String model) {
    return new ModelError.InvalidOutput(ModelError.InvalidOutput.Kind.SCHEMA_INVALID, List.of("/id: required"), "{}",
        model);
  }
}
