package dev.spectra.orchestrator.structured;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A key written twice in one object: refused in the default mode, read with the last value and a guess leniently. */
class DuplicateKeyTest {
  static final ObjectMapper M = new ObjectMapper();
  final JsonRepair strict = new JsonRepair();
  final JsonRepair lenient = new JsonRepair(RepairMode.LENIENT);

  private RepairResult.Recovered lenient(String input) {
    RepairResult r = lenient.repair(input);
    assertThat(r).as(input).isInstanceOf(RepairResult.Recovered.class);
    return (RepairResult.Recovered) r;
  }

  @Test void theDefaultModeRefusesARepeatedKeyAndNamesIt() {
    assertThat(strict.repair("{\"a\": 1, \"a\": 2}")).isInstanceOfSatisfying(RepairResult.Unrecoverable.class,
        u -> assertThat(u.reason()).contains("duplicate key 'a'"));
  }

  @Test void lenientKeepsTheLastValueAndPointsAtTheRepeatedKeyInTheText() throws Exception {
    RepairResult.Recovered r = lenient("{\"a\": 1,\n \"b\": 0, \"a\": 2}");

    assertThat(r.value()).isEqualTo(M.readTree("{\"a\": 2, \"b\": 0}"));
    assertThat(r.guesses()).singleElement().satisfies(g -> {
      assertThat(g.kind()).isEqualTo("duplicate-key");
      assertThat(g.line()).isEqualTo(2);
      assertThat(g.column()).isEqualTo(10);
      assertThat(g.detail()).contains("'a'");
    });
  }

  @Test void positionsStayInTheOriginalTextAfterOtherRepairs() throws Exception {
    // Single quotes, an unquoted key and a fence change the output's offsets; the guess still points at "a: 2".
    String input = "Here:\n```json\n{'x': 'é', 'a': 1, a: 2,}\n```";
    RepairResult.Recovered r = lenient(input);

    assertThat(r.value()).isEqualTo(M.readTree("{\"x\": \"é\", \"a\": 2}"));
    assertThat(r.guesses()).extracting(Guess::kind).containsExactly("duplicate-key");
    assertThat(r.guesses().get(0).offset()).isEqualTo(input.indexOf("a: 2"));
  }

  @Test void everyRepeatInEveryObjectIsListed() throws Exception {
    RepairResult.Recovered r = lenient("[{\"id\": 1, \"id\": 2}, {\"id\": 3, \"n\": {\"k\": 1, \"k\": 2}}, {\"id\": 4, \"id\": 5}]");

    assertThat(r.value()).isEqualTo(M.readTree("[{\"id\": 2}, {\"id\": 3, \"n\": {\"k\": 2}}, {\"id\": 5}]"));
    List<Integer> columns = r.guesses().stream().map(Guess::column).toList();
    assertThat(r.guesses()).extracting(Guess::kind).containsOnly("duplicate-key").hasSize(3);
    assertThat(columns).containsExactly(12, 46, 66);
  }
}
