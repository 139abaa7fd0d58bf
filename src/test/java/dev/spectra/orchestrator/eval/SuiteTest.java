package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteTest {
  @Test
  void builtinSuiteHasTasksAtEveryLevelEachWithHiddenScenarios() {
    Suite s = Suite.builtin();
    assertThat(s.tasks()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(s.tasks()).extracting(EvalTask::complexity).contains(1, 2, 3, 4, 5);
    assertThat(s.tasks()).allSatisfy(t -> assertThat(t.hidden()).isNotEmpty());
    assertThat(s.tasks()).extracting(EvalTask::id).doesNotHaveDuplicates();
  }

  @Test
  void aTaskFileThatDoesNotParseIsReportedWithPathAndLineAndTheOthersStillLoad(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a-good.yaml"), "request: Build a notes service\nentities: [Note]\n");
    Files.writeString(dir.resolve("b-bad.yaml"), "request: fine\nentities: [Note\nrules: x\n");
    Suite s = Suite.load(dir);
    assertThat(s.tasks()).extracting(EvalTask::id).containsExactly("a-good");
    assertThat(s.problems()).singleElement().asString().contains("b-bad.yaml:").contains("not valid YAML");
  }

  @Test
  void aTaskWithoutRequestNamesTheMissingField(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.yaml"), "complexity: 2\n");
    Suite s = Suite.load(dir);
    assertThat(s.problems()).singleElement().asString().contains("t.yaml").contains("'request'");
  }

  @Test
  void behavioursOfCrudShapedOperationsAreReadAndAnythingButSentencesIsRefused(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a.yaml"), """
        request: Build accounts
        behaviours: {createAccount: "Opens with balance 0."}
        """);
    Files.writeString(dir.resolve("b.yaml"), """
        request: Build accounts
        behaviours: {createAccount: [1, 2]}
        """);
    Suite s = Suite.load(dir);
    assertThat(s.tasks()).singleElement().satisfies(t ->
        assertThat(t.behaviours()).containsEntry("createAccount", "Opens with balance 0."));
    assertThat(s.problems()).singleElement().asString().contains("b.yaml").contains("behaviours.createAccount");
  }

  @Test
  void scenarioWithAnUnknownMethodIsRejected(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.yaml"), """
        request: Build x
        scenarios:
          - {method: FETCH, path: /x, expect: {status: 200}}
        """);
    assertThat(Suite.load(dir).problems()).singleElement().asString().contains("scenarios[0]").contains("FETCH");
  }

  @Test
  void aHiddenStepUsingAVariableNoEarlierStepCapturesIsRejected(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.yaml"), """
        request: Build accounts
        hidden:
          - name: deposit
            steps:
              - {request: {method: POST, path: /accounts, json: {owner: Ana}}, expect: {status: 201}, capture: {acct: $.id}}
              - {request: {method: POST, path: "/accounts/{{acount}}/deposits", json: {amount: 5}}, expect: {status: 201}}
        """);
    assertThat(Suite.load(dir).problems()).singleElement().asString().contains("hidden[0]").contains("steps[1]")
        .contains("{{acount}}");
  }

  @Test
  void hiddenScenariosReadMultiStepFlowsWithCapturesAndStatusSets(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.yaml"), """
        request: Build accounts
        rules: [no negative balance]
        hidden:
          - name: overdraw leaves the balance unchanged
            rule: no negative balance
            steps:
              - {request: {method: POST, path: /accounts, json: {owner: Ana}}, expect: {status: 201}, capture: {acct: $.id}}
              - {request: {method: POST, path: "/accounts/{{acct}}/withdrawals", json: {amount: 100}}, expect: {status: [409, 422]}}
              - {request: {method: GET, path: "/accounts/{{acct}}"}, expect: {status: 200, body: {balance: 0}}}
        """);
    Suite s = Suite.load(dir);
    assertThat(s.problems()).isEmpty();
    EvalTask.Scenario sc = s.tasks().get(0).hidden().get(0);
    assertThat(sc.rule()).isEqualTo("no negative balance");
    assertThat(sc.steps()).hasSize(3);
    assertThat(sc.steps().get(0).captures()).containsEntry("acct", "$.id");
    assertThat(sc.steps().get(1).status()).containsExactlyInAnyOrder(409, 422);
    assertThat(sc.steps().get(2).expectBody().path("balance").asInt()).isZero();
  }

  @Test
  void everyRuleOfEveryBuiltinTaskIsExercisedByAHiddenScenario() {
    for (EvalTask t : Suite.builtin().tasks()) {
      java.util.Set<String> exercised = new java.util.HashSet<>();
      for (EvalTask.Scenario sc : t.hidden()) if (sc.rule() != null) exercised.add(sc.rule());
      assertThat(exercised).as(t.id() + ": rules without a hidden scenario").containsAll(t.rules());
      assertThat(t.hidden()).as(t.id() + ": hidden scenarios").anySatisfy(sc -> assertThat(sc.steps()).hasSizeGreaterThan(1));
    }
  }
}
