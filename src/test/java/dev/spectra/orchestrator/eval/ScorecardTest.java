package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScorecardTest {
  static Sample sample(String subject, boolean ok, long latencyMs, long localTokens, String cost) {
    return new Sample(subject, false, "t", 1, 0, "plan", true, ok, ok, ok ? "RAW_VALID" : "FAILED", ok, null, 0,
        latencyMs, 10, 100, 100, localTokens, new BigDecimal(cost), BigDecimal.ZERO, List.of(), subject, null);
  }

  @Test
  void freeLocalReliableFastModelScoresTen() {
    List<Sample> s = new ArrayList<>();
    for (int i = 0; i < 10; i++) s.add(sample("m", true, 500, 200, "0"));
    SubjectMetrics m = SubjectMetrics.of("m", false, s, 100, null);
    Scorecard.Score score = new Scorecard(Scorecard.Weights.SEED, false, 3).score(m);
    assertThat(score.total()).isEqualTo(10.0);
  }

  @Test
  void costEfficiencyFollowsTheDocumentedCurve() {
    // $0.03 per build x 100 builds = $3/month -> 10 / (1 + 3/10) = 7.7
    List<Sample> s = List.of(sample("cloud", true, 500, 0, "0.03"));
    Scorecard.Score score = new Scorecard(Scorecard.Weights.SEED, false, 3).score(SubjectMetrics.of("cloud", false, s, 100, null));
    assertThat(score.cost()).isEqualTo(7.7);
    assertThat(score.autonomy()).isEqualTo(0.0);
  }

  @Test
  void halfTheSamplesFailingHalvesReliability() {
    List<Sample> s = List.of(sample("m", true, 500, 200, "0"), sample("m", false, 500, 200, "0"));
    Scorecard.Score score = new Scorecard(Scorecard.Weights.SEED, false, 3).score(SubjectMetrics.of("m", false, s, 100, null));
    assertThat(score.reliability()).isEqualTo(5.0);
  }

  @Test
  void unreachableSubjectHasNoScore() {
    SubjectMetrics m = SubjectMetrics.of("gone", false, List.of(), 100, "connection refused");
    assertThat(new Scorecard(Scorecard.Weights.SEED, false, 3).score(m).available()).isFalse();
    assertThat(m.unavailableReason()).isEqualTo("connection refused");
  }

  @Test
  void weightsParseNamesAndRescale() {
    Scorecard.Weights w = Scorecard.Weights.parse("reliability=1,autonomy=0,cost=0,quality=0,performance=0");
    assertThat(w.reliability()).isEqualTo(1.0);
    assertThatThrownBy(() -> Scorecard.Weights.parse("speed=2")).hasMessageContaining("speed=2");
    assertThatThrownBy(() -> Scorecard.Weights.parse("cost=-1")).hasMessageContaining("cost=-1");
  }
}
