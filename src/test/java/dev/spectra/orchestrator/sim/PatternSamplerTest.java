package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatternSamplerTest {

  @ParameterizedTest
  @ValueSource(strings = {"^[a-z]+$", "^\\d{3}-\\d{4}$", "^[A-Z][a-z]{2,5}( [A-Z][a-z]+)?$", "^(GET|POST|PUT)$",
      "^[^\\s@]+@[^\\s@]+\\.[a-z]{2,}$", "^/api/v[0-9]+/[a-z_]+$", "^#[0-9a-fA-F]{6}$", "abc", "^\\w+\\.\\w{2,3}$",
      "^(?:[a-z0-9]+-)*[a-z0-9]+$", "^.{5}$"})
  void samplesMatchTheirPattern(String pattern) {
    for (long seed = 0; seed < 30; seed++) {
      String s = PatternSampler.sample(pattern, 0, Integer.MAX_VALUE, new SplittableRandom(seed));
      assertThat(s).isNotNull();
      assertThat(Pattern.compile(pattern).matcher(s).find()).as("%s for %s", s, pattern).isTrue();
    }
  }

  @Test
  void lookaroundsAndBackreferencesAreDeclinedRatherThanFaked() {
    assertThat(PatternSampler.sample("^(?=.*\\d)[a-z\\d]{8}$", 0, 100, new SplittableRandom(1))).isNull();
    assertThat(PatternSampler.sample("^(a)\\1$", 0, 100, new SplittableRandom(1))).isNull();
  }

  @Test
  void lengthLimitsAreRespected() {
    String s = PatternSampler.sample("^[a-z]{1,8}$", 3, 4, new SplittableRandom(2));

    assertThat(s).hasSizeBetween(3, 4);
  }
}
