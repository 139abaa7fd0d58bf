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
