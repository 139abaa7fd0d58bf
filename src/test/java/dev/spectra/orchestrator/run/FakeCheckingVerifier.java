package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.verify.CheckOutcome;
import dev.spectra.orchestrator.verify.ServiceCheck;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The builder's verifier as the sandbox answers it: the tests always pass; the check finds a server error while
 * the handler contains {@code CRASH_ON_QUOTE}, else nothing. Records the check it was asked for.
 */
final class FakeCheckingVerifier implements Verifier {
  static final String SUMMARY = "a 500 answer to a request with a quote in the loan id";
  static final String CURL = "curl -sS -i -X POST 'http://127.0.0.1:41234/loans/%27%20OR%201=1/return'";
  final List<ServiceCheck> asked = new ArrayList<>();
  /** Whether each check's contract was a file when the check was asked for (the staging directory goes later). */
  final List<Boolean> contractExisted = new ArrayList<>();

  @Override public VerifyResult verify(Path projectDir, VerifyOptions options) {
    asked.add(options.check());
    contractExisted.add(options.check() != null && Files.isRegularFile(options.check().contract()));
    String handler;
    try {
      handler = Files.readString(projectDir.resolve(FakeScaffolder.HANDLER));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<CheckOutcome.Finding> findings = handler.contains("CRASH_ON_QUOTE")
        ? List.of(new CheckOutcome.Finding("security", false, "POST /loans/{id}/return (returnLoan)", SUMMARY, CURL,
            "no 5xx for any input", "HTTP 500 {\"error\":\"unterminated quoted string\"}", 7L, "CWE-89", "", 3))
        : List.of();
    CheckOutcome check = new CheckOutcome("", findings, List.of(), List.of(), List.of(), 1, 120, 900, "");
    return new VerifyResult(true, 3, 3, 0, List.of(), List.of(), "fake", false, Duration.ofSeconds(1), "")
        .withCheck(check);
  }
}
