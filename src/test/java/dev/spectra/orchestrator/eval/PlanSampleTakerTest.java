package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanSampleTakerTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Entity Note; hidden: create a note then read it back, and a missing note is 404. */
  final EvalTask notes = notesTask();

  static EvalTask notesTask() {
    try {
      return Suite.parse("test", "01-notes", """
          request: Build a notes service
          entities: [Note]
          hidden:
            - name: a created note can be read back
              steps:
                - {request: {method: POST, path: /notes, json: {title: t}}, expect: {status: 201}, capture: {id: $.id}}
                - {request: {method: GET, path: "/notes/{{id}}"}, expect: {status: 200, body: {title: t}}}
                - {request: {method: GET, path: /notes/999999}, expect: {status: 404}}
          """);
    } catch (Suite.TaskFileException e) {
      throw new AssertionError(e);
    }
  }

  static final String COVERING = "{\"/notes\":{\"post\":{\"requestBody\":{},\"responses\":{\"201\":{}}}},"
      + "\"/notes/{id}\":{\"get\":{\"responses\":{\"200\":{},\"404\":{}}}}}";

  /** Answers every call with the given attempts, or fails with the given error. */
  /** {@return a model that fails with {@code error} after {@code attempts}, or answers "{}" after them} */
  static Model fake(List<Attempt> attempts, ModelError error) {
    return new FakeModel("fake", (r, l) -> {
      if (error != null) throw new ModelException(error, attempts, null);
      Attempt last = attempts.get(attempts.size() - 1);
      return new ModelReply("{}", JSON.createObjectNode(), new Usage(10, 10, false), FinishReason.STOP, last.model(),
          last.model(), Duration.ofMillis(5), Duration.ofMillis(9), Money.ZERO, Money.ZERO, attempts);
    });
  }

  static Attempt attempt(String model, Attempt.JsonStage stage, ModelError error, String cost) {
    return new Attempt(model, model, null, new Usage(100, 50, false), Duration.ofMillis(5), Duration.ofMillis(9), error,
        stage, List.of(), 0, Money.usd(cost), Money.ZERO);
  }

  static JsonNode plan(String paths) throws Exception {
    return JSON.readTree("{\"entities\":[{\"name\":\"Note\"}],\"openapi\":{\"paths\":" + paths + "}}");
  }

  PlanSampleTaker taker(JsonNode plan) {
    return new PlanSampleTaker((m, req) -> {
      m.chat(ModelRequest.of(req));
      return plan;
    }, name -> name.startsWith("local"), Clock.systemUTC());
  }

  @Test
  void aRepairedPlanThatCoversTheTaskIsEngineValidButNotRawValid() throws Exception {
    JsonNode p = plan(COVERING);
    Model m = fake(List.of(attempt("local-7b", Attempt.JsonStage.REPAIRED, null, "0")), null);
    Sample s = taker(p).take(new Subject("local-7b", m, true, true, 1), notes, 0);
    assertThat(s.rawValid()).isFalse();
    assertThat(s.engineValid()).isTrue();
    assertThat(s.planOk()).isTrue();
    assertThat(s.jsonStage()).isEqualTo("REPAIRED");
    assertThat(s.localTokens()).isEqualTo(150);
  }

  @Test
  void aPlanWithoutAnOperationForAScenarioFailsWithWhatIsMissing() throws Exception {
    JsonNode p = plan("{\"/notes\":{\"post\":{\"requestBody\":{},\"responses\":{\"201\":{}}}}}");
    Model m = fake(List.of(attempt("local-7b", Attempt.JsonStage.RAW_VALID, null, "0")), null);
    Sample s = taker(p).take(new Subject("local-7b", m, false, true, 1), notes, 0);
    assertThat(s.rawValid()).isTrue();
    assertThat(s.planOk()).isFalse();
    assertThat(s.error()).contains("operation GET /notes/{p}");
  }

  @Test
  void aPlanThatDoesNotDeclareAStatusAHiddenScenarioExpectsCannotCarryIt() throws Exception {
    JsonNode p = plan("{\"/notes\":{\"post\":{\"requestBody\":{},\"responses\":{\"201\":{}}}},"
        + "\"/notes/{id}\":{\"get\":{\"responses\":{\"200\":{}}}}}");
    Model m = fake(List.of(attempt("local-7b", Attempt.JsonStage.RAW_VALID, null, "0")), null);
    Sample s = taker(p).take(new Subject("local-7b", m, false, true, 1), notes, 0);
    assertThat(s.planOk()).isFalse();
    assertThat(s.error()).contains("status 404 on GET /notes/{p}");
  }

  @Test
  void anEscalationIsCountedWithItsReasonAndTheCloudTokensAreNotLocal() throws Exception {
    JsonNode p = plan(COVERING);
    var invalid = new ModelError.InvalidOutput(ModelError.InvalidOutput.Kind.SCHEMA_INVALID, List.of("/x: missing"), "{}", "local-7b");
    Model m = fake(List.of(attempt("local-7b", Attempt.JsonStage.FAILED, invalid, "0"),
        attempt("gpt-4o-mini", Attempt.JsonStage.RAW_VALID, null, "0.0001")), null);
    Sample s = taker(p).take(new Subject("local-first", m, false, false, 1), notes, 0);
    assertThat(s.escalations()).containsExactly("invalid_output");
    assertThat(s.localTokens()).isEqualTo(150);
    assertThat(s.totalTokens()).isEqualTo(300);
    assertThat(s.costUsd()).isEqualByComparingTo("0.0001");
    assertThat(s.rawValid()).isFalse();
  }

  @Test
  void anUnreachableEndpointMakesTheSampleUnavailable() throws Exception {
    Model m = fake(List.of(), new ModelError.ConnectionRefused("http://127.0.0.1:9", "start it"));
    Sample s = taker(null).take(new Subject("gone", m, false, true, 1), notes, 0);
    assertThat(s.available()).isFalse();
    assertThat(s.error()).contains("127.0.0.1:9");
  }
}
