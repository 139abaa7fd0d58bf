package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.run.PlanProbe;
import dev.spectra.orchestrator.model.FinishReason;
import dev.spectra.orchestrator.model.FakeModel;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanFixturesTest {
  @Test
  void everyBuiltinTasksFixturePassesThePlannersChecksAndCoversItsTask(@TempDir Path scratch) throws Exception {
    PlanProbe probe = new PlanProbe();
    for (EvalTask task : Suite.builtin().tasks()) {
      JsonNode plan = probe.plan(answering(PlanFixtures.plan(task)), task.request(), scratch);
      assertThat(plan).as(task.id()).isNotNull();
      assertThat(PlanSampleTaker.coverageProblem(plan, task)).as(task.id()).isNull();
    }
  }

  static EvalTask task(String id) {
    return Suite.builtin().tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void theRequestsFieldRulesBecomeSchemaConstraintsSoTheServiceEnforcesThemOnCreateAndReplace() {
    JsonNode product = PlanFixtures.plan(task("05-products")).at("/openapi/components/schemas/Product/properties");
    assertThat(product.at("/priceCents/minimum").asInt()).isEqualTo(1);
    assertThat(product.at("/stock/minimum").asInt()).isZero();
    assertThat(product.at("/id/readOnly").asBoolean()).isTrue();
    JsonNode contact = PlanFixtures.plan(task("03-contacts")).at("/openapi/components/schemas/Contact");
    assertThat(contact.path("required").toString()).contains("\"email\"");
    // The plan says what CRUD answers, so the scaffold implements it without a model.
    JsonNode get = PlanFixtures.plan(task("01-notes")).at("/openapi/paths/~1notes~1{id}/get/responses/200/content");
    assertThat(get.at("/application~1json/schema/$ref").asText()).isEqualTo("#/components/schemas/Note");
  }

  @Test
  void thePlanFixtureAnswersOnlyThePlanningCallNotAnImplementPromptThatQuotesTheRequest(@TempDir Path dir)
      throws Exception {
    PlanFixtures.write(new Suite("one", List.of(task("01-notes")), List.of()), dir);
    String regex = new com.fasterxml.jackson.databind.ObjectMapper().readTree(dir.resolve("01-notes.json").toFile())
        .at("/match/regex").asText();
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
    assertThat(p.matcher("Request: " + task("01-notes").request()).find()).isTrue();
    assertThat(p.matcher("Operation: POST /notes/{id}/x (x)\nBehaviour: From the request: "
        + task("01-notes").request()).find()).isFalse();
  }

  @Test
  void aLiteralSegmentIsAnOperationOfItsOwnUnlessTheStepProbesAMissingItem() {
    JsonNode events = PlanFixtures.plan(task("06-events")).at("/openapi/paths");
    assertThat(events.at("/~1events~1upcoming/get/operationId").asText()).isEqualTo("getEventsUpcoming");
    // GET /r/doesnotexist -> 404 is the redirect of an unknown code, not an operation of its own.
    JsonNode links = PlanFixtures.plan(task("09-url-shortener")).at("/openapi/paths");
    assertThat(links.has("/r/doesnotexist")).isFalse();
  }

  @Test
  void theContractAcceptsWhatTheHiddenStepsSend() {
    // POST /carts with no body; hours sent as 8 and as 2.5; an url that must be http(s); a YYYY-MM-DD date.
    JsonNode carts = PlanFixtures.plan(task("15-shop-orders")).at("/openapi/paths/~1carts/post/requestBody");
    assertThat(carts.path("required").asBoolean(true)).isFalse();
    JsonNode entries = PlanFixtures.plan(task("24-timesheets")).at("/openapi/paths/~1employees~1{id}~1entries/post");
    assertThat(entries.toString()).contains("\"hours\":{\"type\":\"number\"");
    JsonNode link = PlanFixtures.plan(task("09-url-shortener")).at("/openapi/components/schemas/Link/properties/url");
    assertThat(link.path("format").asText()).isEqualTo("uri");
    JsonNode expense = PlanFixtures.plan(task("12-expenses")).at("/openapi/components/schemas/Expense/properties");
    assertThat(expense.at("/date/format").asText()).isEqualTo("date");
  }

  @Test
  void aBehaviourTheTaskGivesACrudOperationIsInThePlan() {
    JsonNode plan = PlanFixtures.plan(task("13-bank-accounts"));
    assertThat(plan.path("behaviours").findValuesAsText("operationId")).contains("createAccount");
    assertThat(plan.path("behaviours").toString()).contains("balance 0");
  }

  @Test
  void numericSegmentsOfScenarioPathsBecomeParameters() {
    assertThat(PlanFixtures.template("/posts/999999/comments?x=1")).isEqualTo("/posts/{id}/comments");
    assertThat(PlanFixtures.template("/r/doesnotexist")).isEqualTo("/r/doesnotexist");
    assertThat(PlanFixtures.kebab("MenuItem")).isEqualTo("menu-item");
  }

  /** {@return a model whose every answer is {@code answer}, as a model that understood the request would give} */
  static FakeModel answering(JsonNode answer) {
    return new FakeModel("fake", (r, l) -> new ModelReply(answer.toString(), answer, new Usage(1, 1, false),
        FinishReason.STOP, "fake", "fake", Duration.ZERO, Duration.ZERO, Money.ZERO, Money.ZERO, List.of()));
  }
}
