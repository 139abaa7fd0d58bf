package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorecardTest {
  static Sample sample(String subject, boolean ok, long latencyMs, long localTokens, String cost) {
    return new Sample(subject, false, "t", 1, 0, "plan", true, ok, ok, ok ? "RAW_VALID" : "FAILED", ok, null, null, 0,
        latencyMs, 10, 100, 100, localTokens, new BigDecimal(cost), BigDecimal.ZERO, List.of(), subject, null);
  }

  @Test
  void freeLocalReliableFastModelScoresTen() {
    List<Sample> s = new ArrayList<>();
    for (int i = 0; i < 10; i++) s.add(sample("m", true, 500, 200, "0"));
    SubjectMetrics m = SubjectMetrics.of("m", false, "plan", s, 100, BuildProjection.seedEstimate(), null);
    Scorecard.Score score = new Scorecard(Scorecard.Weights.SEED, false, 3).score(m);
    assertThat(score.total()).isEqualTo(10.0);
  }

  @Test
  void costEfficiencyFollowsTheDocumentedCurve() {
    // $0.03 per build x 100 builds = $3/month -> 10 / (1 + 3/10) = 7.7
    List<Sample> s = List.of(sample("cloud", true, 500, 0, "0.03"));
    Scorecard.Score score = new Scorecard(Scorecard.Weights.SEED, false, 3).score(SubjectMetrics.of("cloud", false, "build", s, 100, BuildProjection.seedEstimate(), null));
    assertThat(score.cost()).isEqualTo(7.7);
    assertThat(score.autonomy()).isEqualTo(0.0);
  }

  @Test
  void halfTheSamplesFailingHalvesReliability() {
    List<Sample> s = List.of(sample("m", true, 500, 200, "0"), sample("m", false, 500, 200, "0"));
    Scorecard.Score score = new Scorecard(Scorecard.Weights.SEED, false, 3).score(SubjectMetrics.of("m", false, "plan", s, 100, BuildProjection.seedEstimate(), null));
    assertThat(score.reliability()).isEqualTo(5.0);
  }

  @Test
  void unreachableSubjectHasNoScore() {
    SubjectMetrics m = SubjectMetrics.of("gone", false, "plan", List.of(), 100, BuildProjection.seedEstimate(), "connection refused");
    assertThat(new Scorecard(Scorecard.Weights.SEED, false, 3).score(m).available()).isFalse();
    assertThat(m.unavailableReason()).isEqualTo("connection refused");
  }

  /**
   * The seed's comparison table fed into the formula: reliability 30/85/95/85/95/92%, its monthly costs, its
   * autonomy (hybrid: simple services local, complex ones on GPT-4o-mini, taken as half the tokens) and its speed
   * words as build times (very fast 30 s, fast 60 s, medium 3 min). Code quality is taken equal to reliability: the
   * seed gives no separate figure.
   */
  @Test
  void theSeedsOwnFiguresRankAsTheSeedRanksThem() {
    Scorecard card = new Scorecard(Scorecard.Weights.SEED, true, 3);
    record Row(String name, double reliability, double monthly, double local, double p50Ms) {}
    List<Row> seed = List.of(
        new Row("Mistral-7B", 0.30, 0, 1, 60_000),
        new Row("Qwen2.5-Coder-32B", 0.85, 0, 1, 180_000),
        new Row("Hybrid (Qwen + GPT-4o-mini)", 0.95, 4, 0.5, 60_000),
        new Row("GPT-4o-mini", 0.85, 3, 0, 30_000),
        new Row("Claude 3.5 Sonnet", 0.95, 75, 0, 60_000),
        new Row("GPT-4 Turbo", 0.92, 75, 0, 60_000));
    java.util.Map<String, Double> total = new java.util.LinkedHashMap<>();
    for (Row r : seed) {
      total.put(r.name(), card.score(new Scorecard.Inputs(r.reliability(), r.reliability(), r.monthly(), r.local(),
          r.p50Ms())).total());
    }
    List<String> order = total.entrySet().stream()
        .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed()).map(java.util.Map.Entry::getKey)
        .toList();
    // The seed: Qwen 9/10 and Hybrid 9/10 at the top, the cloud models 8 and 7, Mistral-7B 6/10 at the bottom.
    assertThat(order.subList(0, 2)).containsExactlyInAnyOrder("Qwen2.5-Coder-32B", "Hybrid (Qwen + GPT-4o-mini)");
    assertThat(order.get(order.size() - 1)).isEqualTo("Mistral-7B");
    assertThat(total.get("GPT-4o-mini")).isGreaterThan(total.get("GPT-4 Turbo"));
    assertThat(total.get("Claude 3.5 Sonnet")).isGreaterThan(total.get("GPT-4 Turbo"));
  }

  @Test
  void aSubjectThatNeverSucceedsScoresZeroWhateverItsCostAndAutonomy() {
    Scorecard card = new Scorecard(Scorecard.Weights.SEED, false, 3);
    Scorecard.Score free = card.score(new Scorecard.Inputs(0, 1, 0, 1, 500));
    Scorecard.Score reliableCloud = card.score(new Scorecard.Inputs(1, 1, 75, 0, 500));
    Scorecard.Score barely = card.score(new Scorecard.Inputs(0.2, 0.2, 75, 0, 200_000));
    assertThat(free.total()).isZero();
    assertThat(reliableCloud.total()).isGreaterThan(free.total());
    assertThat(barely.total()).isGreaterThan(free.total());
  }

  @Test
  void atOrAboveTheAcceptableRateTheSeedWeightingAppliesUnreduced() {
    Scorecard card = new Scorecard(Scorecard.Weights.SEED, false, 3);
    assertThat(card.score(new Scorecard.Inputs(0.85, 1, 0, 1, 500)).gate()).isEqualTo(1.0);
    assertThat(card.score(new Scorecard.Inputs(0.425, 1, 0, 1, 500)).gate()).isEqualTo(0.5);
  }

  @Test
  void weightsParseNamesAndRescale() {
    Scorecard.Weights w = Scorecard.Weights.parse("reliability=1,autonomy=0,cost=0,quality=0,performance=0");
    assertThat(w.reliability()).isEqualTo(1.0);
    assertThatThrownBy(() -> Scorecard.Weights.parse("speed=2")).hasMessageContaining("speed=2");
    assertThatThrownBy(() -> Scorecard.Weights.parse("cost=-1")).hasMessageContaining("cost=-1");
  }
}
