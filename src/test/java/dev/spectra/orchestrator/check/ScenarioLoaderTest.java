package dev.spectra.orchestrator.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioLoaderTest {
  @TempDir Path dir;

  @Test
  void theDocumentedBankScenariosLoad() throws Exception {
    List<Scenario> scenarios = new ScenarioLoader().load(List.of(Path.of("examples/bank-scenarios.yaml")));
    assertThat(scenarios).extracting(Scenario::name).containsExactly(
        "a withdrawal past the balance is refused and changes nothing", "a closed account is gone from the list");
    assertThat(scenarios.get(0).steps()).hasSize(4);
    assertThat(scenarios.get(0).steps().get(2).expect().status()).containsExactly("422");
  }

  @Test
  void aPathToAnotherHostIsRefused() throws Exception {
    Path f = dir.resolve("s.yaml");
    Files.writeString(f, """
        scenarios:
          - name: escape
            steps:
              - request: {method: GET, path: "http://elsewhere.example/x"}
        """);
    assertThatThrownBy(() -> new ScenarioLoader().load(List.of(f)))
        .isInstanceOfSatisfying(CheckInputException.class, e -> assertThat(e.problems()).singleElement()
            .satisfies(p -> {
              assertThat(p.line()).isEqualTo(4);
              assertThat(p.message()).contains("relative to --url");
            }));
  }

  @Test
  void anUnknownAssertionOpAndABadRegexAreNamedWithTheirLines() throws Exception {
    Path f = dir.resolve("s.yaml");
    Files.writeString(f, """
        scenarios:
          - name: asserts
            steps:
              - request: {method: GET, path: /a}
                expect:
                  assert:
                    - path: $.x
                      equalz: 1
                    - path: $.y
                      matches: "(unclosed"
        """);
    assertThatThrownBy(() -> new ScenarioLoader().load(List.of(f)))
        .isInstanceOfSatisfying(CheckInputException.class, e -> assertThat(e.problems())
            .extracting(InputProblem::line).containsExactly(8, 7, 10));   // equalz; no op in the item; regex
  }

  @Test
  void assertionsCompareNumbersByValueAndMatchSubsets() {
    ObjectMapper m = new ObjectMapper();
    var body = m.createObjectNode().put("balance", 50.00).put("owner", "ann-1");
    assertThat(ScenarioRunner.holds("equals", JsonPathLite.parse("$.balance").read(body), m.getNodeFactory()
        .numberNode(50))).isTrue();
    assertThat(ScenarioRunner.holds("absent", JsonPathLite.parse("$.email").read(body), m.getNodeFactory()
        .booleanNode(true))).isTrue();
    assertThat(ScenarioRunner.holds("gt", JsonPathLite.parse("$.balance").read(body), m.getNodeFactory()
        .numberNode(50))).isFalse();
    assertThat(ScenarioRunner.contains(body, m.createObjectNode().put("balance", 50))).isTrue();
    assertThat(ScenarioRunner.contains(body, m.createObjectNode().put("balance", 49))).isFalse();
  }
}
