package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The decision layer under the protocols: what is planned, before anything is sent or slept. */
class ResponderTest {
  final ObjectMapper mapper = new ObjectMapper();
  final Tokenizer tokenizer = new Tokenizer();

  Responder responder(SimOptions options, String profile) {
    return new Responder(options, Profile.resolve(profile), tokenizer, Fixtures.load(null), mapper);
  }

  static SimRequest plain(String model, String prompt) {
    return new SimRequest(SimRequest.Protocol.OPENAI, model, prompt, prompt, 5, true, null, null, false, null,
        false);
  }

  @Test
  void realisticLatencyPlansTheProfilesFirstTokenDelayAndTokenPace() {
    Responder r = responder(SimOptions.defaults().withRealisticLatency(true), "qwen2.5-coder-32b");

    Outcome.Answer a = (Outcome.Answer) r.respond(plain("m", "hello"));

    assertThat(a.firstToken()).isGreaterThan(Duration.ZERO);
    // ~18 tokens/s on this profile: tens of milliseconds per token.
    assertThat(a.perChunk()).isBetween(Duration.ofMillis(10), Duration.ofMillis(1000));
  }

  @Test
  void withoutRealisticLatencyNothingWaits() {
    Responder r = responder(SimOptions.defaults(), "qwen2.5-coder-32b");

    Outcome.Answer a = (Outcome.Answer) r.respond(plain("m", "hello"));

    assertThat(a.firstToken()).isZero();
    assertThat(a.perChunk()).isZero();
  }

  @Test
  void aPromptThatAsksForJsonGetsJsonEvenWithoutAProtocolField() throws Exception {
    Responder r = responder(SimOptions.defaults(), "perfect");

    Outcome.Answer a = (Outcome.Answer) r.respond(plain("m", "Answer with JSON only: what is up?"));

    assertThat(mapper.readTree(a.text()).path("reply").asText()).startsWith("Simulated reply to: Answer with JSON");
  }

  @Test
  void theDefaultReplyQuotesTheFirstSixtyCharactersOfThePrompt() {
    String reply = Responder.defaultReply("x".repeat(100));

    assertThat(reply).isEqualTo("Simulated reply to: " + "x".repeat(60));
  }
}
