package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  /** What a client can observe of one reply, minus ids and timestamps. */
  static String observed(HttpResponse<String> r) {
    if (r.statusCode() != 200) return r.statusCode() + " " + r.body();
    JsonNode b = SimHttp.json(r);
    return b.at("/choices/0/finish_reason").asText() + " " + b.at("/choices/0/message/content").asText();
  }

  static List<String> replies(long seed, String profile, List<String> models) {
    try (Simulator sim = Simulator.start(SimOptions.defaults().withProfile(profile).withSeed(seed))) {
      SimHttp http = new SimHttp(sim);
      List<String> out = new ArrayList<>();
      for (String model : models) {
        out.add(model + ": " + observed(http.post("/v1/chat/completions",
            ProfileRatesTest.schemaRequest(model))));
      }
      return out;
    }
  }

  static List<String> repeat(String model, int n) {
    List<String> l = new ArrayList<>();
    for (int i = 0; i < n; i++) l.add(model);
    return l;
  }

  @Test
  void sameSeedGivesTheSameAnswersAndCorruptions() {
    List<String> first = replies(7, "mistral-7b", repeat("m", 40));
    List<String> second = replies(7, "mistral-7b", repeat("m", 40));

    assertThat(second).isEqualTo(first);
    assertThat(first.stream().distinct().count()).as("replies vary within a run").isGreaterThan(10);
  }

  @Test
  void anotherSeedGivesOtherAnswers() {
    assertThat(replies(8, "mistral-7b", repeat("m", 40))).isNotEqualTo(replies(7, "mistral-7b", repeat("m", 40)));
  }

  @Test
  void eachModelsSequenceIsTheSameHoweverRequestsForOtherModelsInterleave() {
    List<String> grouped = new ArrayList<>(repeat("a", 15));
    grouped.addAll(repeat("b", 15));
    List<String> interleaved = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      interleaved.add("b");
      interleaved.add("a");
    }

    List<String> one = replies(9, "mistral-7b", grouped);
    List<String> two = replies(9, "mistral-7b", interleaved);

    assertThat(two.stream().filter(s -> s.startsWith("a:")).toList())
        .isEqualTo(one.stream().filter(s -> s.startsWith("a:")).toList());
    assertThat(two.stream().filter(s -> s.startsWith("b:")).toList())
        .isEqualTo(one.stream().filter(s -> s.startsWith("b:")).toList());
  }
}
