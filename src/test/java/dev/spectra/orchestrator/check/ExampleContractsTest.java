package dev.spectra.orchestrator.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The shipped example contracts against a generic in-memory service that follows them: no failure, and the
 * operations it leaves unimplemented are pending, not passing.
 */
class ExampleContractsTest {
  @ParameterizedTest(name = "{0} at seed {1}")
  @CsvSource({"examples/bookshop-api.yaml, 1", "examples/bookshop-api.yaml, 2", "examples/todo-api.yaml, 1",
      "examples/library-loans.openapi.yaml, 1"})
  void aServiceThatFollowsAnExampleContractHasNoFailures(String contract, long seed) throws Exception {
    try (ContractService service = new ContractService(Path.of(contract), 0)) {
      CheckReport report = new Checker().check(CheckRequest.of(Path.of(contract), URI.create(service.url()))
          .withFuzz(20).withSeed(seed).withSecurity(true));
      assertThat(report.failures()).as(new ReportWriter().text(report)).isEmpty();
      assertThat(report.requests()).isGreaterThan(report.operations().size() * 20);
    }
  }
}
