package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.scaffold.Scaffolder;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service started inside the sandbox and checked there: no model-written code runs on the host. */
@Tag("e2e")   // A real service started and checked in the sandbox: end to end; runs with ./test --all.
class SandboxedCheckTest {
  @TempDir Path dir;

  private static final Path BOOKSHOP = Path.of("examples/bookshop-api.yaml").toAbsolutePath();

  private static VerifyOptions checkOnly() {
    return new VerifyOptions(Duration.ofMinutes(4), false, ProgressListener.NONE)
        .withCheck(new ServiceCheck(BOOKSHOP, List.of(), 10, 7, true, false));
  }

  @Test
  void scaffoldedBookshopStartedInTheSandboxHasNoFindingAndItsModelOperationIsPending() throws Exception {
    Path project = dir.resolve("bookshop");
    new Scaffolder().scaffold(BOOKSHOP, null, project);

    VerifyResult r = SandboxVerifierTest.verifier().verify(project, checkOnly());

    CheckOutcome check = r.check();
    assertThat(check).as(r.log()).isNotNull();
    assertThat(check.problem()).as(check.serviceLog()).isEmpty();
    assertThat(check.failures()).extracting(CheckOutcome.Finding::render).isEmpty();
    assertThat(check.pending()).extracting(CheckOutcome.Pending::operation).hasSize(1)
        .allMatch(op -> op.contains("checkout"));
    assertThat(check.requests()).isGreaterThan(50);
    assertThat(r.testsRun()).as("tests were not asked for").isZero();
  }
}
