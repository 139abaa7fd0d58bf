package dev.spectra.orchestrator.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No false positives: services that follow the contract get no failure, whatever the seed. */
class CheckerCorrectServicesTest {
  static final Path CONTRACT = Path.of("examples/bank-api.yaml");
  static final Path SCENARIOS = Path.of("examples/bank-scenarios.yaml");

  static CheckRequest request(String url, long seed) {
    return CheckRequest.of(CONTRACT, URI.create(url))
        .withScenarios(List.of(SCENARIOS))
        .withFuzz(30)
        .withSeed(seed)
        .withSecurity(true)
        .withTimeout(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42})
  void handWrittenJavalinServiceThatFollowsTheContractHasNoFailures(long seed) throws Exception {
    try (JavalinBank bank = new JavalinBank(Set.of())) {
      CheckReport report = new Checker().check(request(bank.url(), seed));
      assertThat(report.failures()).as(new ReportWriter().text(report)).isEmpty();
      assertThat(report.pending()).isEmpty();
      assertThat(report.scenarios()).allMatch(CheckReport.ScenarioResult::passed).hasSize(2);
      assertThat(report.passed()).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 42})
  void handWrittenJdkServerServiceThatFollowsTheContractHasNoFailures(long seed) throws Exception {
    try (JdkBank bank = new JdkBank(Set.of())) {
      CheckReport report = new Checker().check(request(bank.url(), seed));
      assertThat(report.failures()).as(new ReportWriter().text(report)).isEmpty();
      assertThat(report.pending()).isEmpty();
      assertThat(report.scenarios()).allMatch(CheckReport.ScenarioResult::passed).hasSize(2);
    }
  }
}
