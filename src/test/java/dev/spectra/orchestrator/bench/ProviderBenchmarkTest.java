package dev.spectra.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProviderBenchmarkTest {
  @Test
  void measuresBareAndProviderCallsForBothModesOfEachProtocol() throws Exception {
    List<String> progress = new ArrayList<>();
    List<ProviderBenchmark.Result> results = ProviderBenchmark.run(
        new ProviderBenchmark.Settings(List.of("ollama", "anthropic"), 10, 2), progress::add);
    assertThat(results).extracting(r -> r.protocol() + "/" + r.streaming())
        .containsExactly("ollama/false", "ollama/true", "anthropic/false", "anthropic/true");
    assertThat(results).allSatisfy(r -> {
      assertThat(r.requests()).isEqualTo(10);
      assertThat(r.bareP50Micros()).isPositive();
      assertThat(r.providerP50Micros()).isPositive();
      assertThat(r.bareP99Micros()).isGreaterThanOrEqualTo(r.bareP50Micros());
    });
    assertThat(progress).first().asString().startsWith("warming up");
  }

  @Test
  void percentilesUseTheNearestRank() {
    long[] nanos = {5_000, 1_000, 3_000, 2_000, 4_000};
    assertThat(ProviderBenchmark.percentile(nanos, 50)).isEqualTo(3.0);
    assertThat(ProviderBenchmark.percentile(nanos, 99)).isEqualTo(5.0);
  }
}
