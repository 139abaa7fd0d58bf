package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.check.Checker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HiddenScenarioGraderTest {
  @TempDir Path dir;

  @Test
  void everyBuiltInTasksHiddenScenariosAreAFileTheCheckAccepts() throws Exception {
    for (EvalTask task : Suite.builtin().tasks()) {
      Path file = dir.resolve(task.id() + ".yaml");
      Files.writeString(file, HiddenScenarioGrader.scenarioFile(task).toPrettyString());
      Checker.validateScenarios(List.of(file));
      assertThat(Files.readString(file)).contains(task.hidden().get(0).name());
    }
  }

  @Test
  void aRuleItExercisesBecomesTheScenariosDescription() {
    EvalTask notes = Suite.builtin().tasks().stream().filter(t -> t.id().equals("01-notes")).findFirst().orElseThrow();
    var file = HiddenScenarioGrader.scenarioFile(notes);
    assertThat(file.path("scenarios").findValuesAsText("description")).contains("rule: a deleted note is gone");
    assertThat(file.toString()).doesNotContain("\"rule\"");
  }

  private static final EvalTask TASK = new EvalTask("t", 1, "Build it", List.of(), List.of("r"), List.of(
      new EvalTask.Scenario("a", "r", List.of(new EvalTask.Step("GET", "/x", java.util.Map.of(), java.util.Map.of(),
          null, java.util.Set.of(200), null, java.util.Map.of())))));

  @Test
  void functionalAndSecureNeedsEveryHiddenScenarioAndNoSecurityFinding() {
    var pass = new HiddenScenarioGrader.ScenarioRun("a", true, "", "");
    var fail = new HiddenScenarioGrader.ScenarioRun("a", false, "step 1: GET /x", "status 500");

    assertThat(HiddenScenarioGrader.grade(new HiddenScenarioGrader.Checked("", List.of(pass), List.of()), TASK))
        .isEqualTo(new BuildSampleTaker.Grade(true, true, null));
    var insecure = HiddenScenarioGrader.grade(new HiddenScenarioGrader.Checked("", List.of(pass),
        List.of("CWE-89 in POST /x: a 500 for SQL")), TASK);
    assertThat(insecure.functional()).isTrue();
    assertThat(insecure.secure()).isFalse();
    assertThat(insecure.failure()).contains("CWE-89");
    var failed = HiddenScenarioGrader.grade(new HiddenScenarioGrader.Checked("", List.of(fail), List.of()), TASK);
    assertThat(failed.functional()).isFalse();
    assertThat(failed.failure()).contains("'a'").contains("rule: r").contains("step 1: GET /x").contains("status 500");
    assertThat(HiddenScenarioGrader.grade(new HiddenScenarioGrader.Checked("", List.of(), List.of()), TASK)
        .functional()).as("a hidden scenario that did not run is not a pass").isFalse();
    var notRun = HiddenScenarioGrader.grade(HiddenScenarioGrader.Checked.notRun("the service did not start"), TASK);
    assertThat(notRun.functional()).isFalse();
    assertThat(notRun.failure()).contains("did not start");
  }
}
