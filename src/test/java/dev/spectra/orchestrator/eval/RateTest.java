package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateTest {
  @Test
  void wilsonIntervalMatchesTheTextbookValues() {
    // 17 of 20: Wilson 95% interval 0.640 .. 0.948 (Newcombe 1998, method 3).
    Rate r = Rate.of(17, 20);
    assertThat(r.value()).isEqualTo(0.85);
    assertThat(r.low()).isCloseTo(0.6396, within(1e-3));
    assertThat(r.high()).isCloseTo(0.9476, within(1e-3));
  }

  @Test
  void allSuccessesStillHaveAnUpperUncertainty() {
    Rate r = Rate.of(3, 3);
    assertThat(r.high()).isEqualTo(1.0);
    assertThat(r.low()).isLessThan(0.5);
    assertThat(r.toString()).contains("3/3");
  }

  @Test
  void noTrialsIsShownAsNotApplicableWithItsCount() {
    assertThat(Rate.of(0, 0).toString()).isEqualTo("n/a (0 trials)");
    assertThat(Rate.of(0, 0).value()).isNaN();
  }
}
