package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteTest {
  @Test
  void builtinSuiteHasTwentyTasksOfGradedComplexityEachWithScenarios() {
    Suite s = Suite.builtin();
    assertThat(s.tasks()).hasSizeGreaterThanOrEqualTo(20);
    assertThat(s.tasks()).extracting(EvalTask::complexity).contains(1, 2, 3, 4, 5);
    assertThat(s.tasks()).allSatisfy(t -> assertThat(t.scenarios()).isNotEmpty());
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
  void scenarioWithAnUnknownMethodIsRejected(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("t.yaml"), """
        request: Build x
        scenarios:
          - {method: FETCH, path: /x, expect: {status: 200}}
        """);
    assertThat(Suite.load(dir).problems()).singleElement().asString().contains("scenarios[0]").contains("FETCH");
  }
}
