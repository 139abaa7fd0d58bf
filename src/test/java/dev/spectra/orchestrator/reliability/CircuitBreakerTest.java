package dev.spectra.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.RecordingListener;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
  final FakeClock clock = new FakeClock(Instant.parse("2026-03-10T12:00:00Z"));
  final FakeSleeper sleeper = new FakeSleeper(null);  // the clock moves only when a test says so
  final RecordingListener events = new RecordingListener();
  final ModelSpec dead = TestCatalog.local("dead", 8_192);
  final ModelSpec mini = TestCatalog.cloud("gpt-4o-mini", "0.15", "0.60", 128_000);
  final Map<String, FakeModel> fakes = new HashMap<>();

  FakeModel fake(String name) { return fakes.computeIfAbsent(name, n -> new FakeModel(n).whenDone("ok")); }

  Cascade cascade(CascadeSettings.BreakerPolicy breaker) {
    CascadeSettings s = CascadeSettings.defaults(List.of(dead, mini), "v", List.of("gpt-4o-mini"))
        .withRetry(new CascadeSettings.RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10),
            Duration.ofSeconds(1), 1))
        .withBreaker(breaker);
    return new CascadeBuilder(s).providers(spec -> fake(spec.name())).clock(clock).sleeper(sleeper)
        .listener(events).build();
  }

  static ModelError refused() { return new ModelError.ConnectionRefused("http://local-dead:11434", "start ollama"); }

  @Test
  void deadEndpointOpensItsBreakerAndIsSkippedWithoutBeingCalled() throws Exception {
    fake("dead").then(refused(), refused(), refused(), refused(), refused());
    Cascade c = cascade(new CascadeSettings.BreakerPolicy(3, 20, 1.0, 20, Duration.ofSeconds(30)));
    for (int i = 0; i < 6; i++) assertThat(c.chat(ModelRequest.of("x")).servedBy()).isEqualTo("gpt-4o-mini");
    // If this is more than 3, the breaker let calls through while open.
    assertThat(fake("dead").calls()).isEqualTo(3);
    assertThat(events.events()).contains("breaker closed->open", "dead:circuit_open:next-route");
  }

  @Test
  void probesOnceAfterTheCooldownAndClosesWhenTheEndpointIsBack() throws Exception {
    fake("dead").then(refused(), refused());
    Cascade c = cascade(new CascadeSettings.BreakerPolicy(2, 20, 1.0, 20, Duration.ofSeconds(30)));
    c.chat(ModelRequest.of("x"));
    c.chat(ModelRequest.of("x"));
    c.chat(ModelRequest.of("x"));
    assertThat(fake("dead").calls()).isEqualTo(2);

    clock.advance(Duration.ofSeconds(29));
    c.chat(ModelRequest.of("x"));
    assertThat(fake("dead").calls()).as("still cooling down").isEqualTo(2);

    clock.advance(Duration.ofSeconds(1));
    assertThat(c.chat(ModelRequest.of("x")).servedBy()).as("the probe succeeds").isEqualTo("dead");
    assertThat(c.chat(ModelRequest.of("x")).servedBy()).isEqualTo("dead");
    assertThat(events.events()).containsSubsequence("breaker closed->open", "breaker open->half_open",
        "breaker half_open->closed");
  }

  @Test
  void failedProbeReopensForAnotherCooldown() throws Exception {
    fake("dead").then(refused(), refused(), refused());
    Cascade c = cascade(new CascadeSettings.BreakerPolicy(2, 20, 1.0, 20, Duration.ofSeconds(30)));
    c.chat(ModelRequest.of("x"));
    c.chat(ModelRequest.of("x"));
    clock.advance(Duration.ofSeconds(30));
    c.chat(ModelRequest.of("x"));  // the probe, refused
    c.chat(ModelRequest.of("x"));
    assertThat(fake("dead").calls()).isEqualTo(3);
    assertThat(events.events()).containsSubsequence("breaker open->half_open", "breaker half_open->open");
  }

  @Test
  void opensOnFailureRatioOverTheWindowEvenWithoutConsecutiveFailures() throws Exception {
    // ok, fail, ok, fail, ok, fail: never 2 in a row, but half of the last 6.
    fake("dead").then("ok", refused(), "ok", refused(), "ok", refused());
    Cascade c = cascade(new CascadeSettings.BreakerPolicy(2, 6, 0.5, 6, Duration.ofSeconds(30)));
    for (int i = 0; i < 8; i++) c.chat(ModelRequest.of("x"));
    assertThat(fake("dead").calls()).isEqualTo(6);
  }

  @Test
  void invalidOutputDoesNotCountAgainstTheEndpoint() throws Exception {
    fake("dead").then(CascadeTest.invalid("dead"), CascadeTest.invalid("dead"), CascadeTest.invalid("dead"));
    Cascade c = cascade(new CascadeSettings.BreakerPolicy(2, 20, 1.0, 20, Duration.ofSeconds(30)));
    for (int i = 0; i < 4; i++) c.chat(ModelRequest.of("x"));
    assertThat(fake("dead").calls()).isEqualTo(4);
  }

  @Test
  void clockGoingBackwardsNeitherBreaksNorExtendsTheCooldownForever() throws Exception {
    fake("dead").then(refused(), refused());
    Cascade c = cascade(new CascadeSettings.BreakerPolicy(2, 20, 1.0, 20, Duration.ofSeconds(30)));
    c.chat(ModelRequest.of("x"));
    c.chat(ModelRequest.of("x"));
    clock.advance(Duration.ofSeconds(10));
    c.chat(ModelRequest.of("x"));
    clock.set(Instant.parse("2026-03-10T11:00:00Z"));  // an hour back
    c.chat(ModelRequest.of("x"));
    assertThat(fake("dead").calls()).as("still open: no negative or wrapped duration").isEqualTo(2);
    clock.advance(Duration.ofSeconds(20));  // 10 s before the step + 20 s after it = the cooldown
    assertThat(c.chat(ModelRequest.of("x")).servedBy()).isEqualTo("dead");
  }
}
