package dev.spectra.orchestrator.scaffold;

import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A verifier for the builder's own tests: runs nothing, answers a scripted outcome, and records what it was asked.
 * Production never uses it (builds get theirs from {@link VerifierProvider}).
 */
final class FakeVerifier implements Verifier {
  enum Behaviour { PASS, FAIL_TESTS, INTERRUPT, NO_SANDBOX }

  private final Behaviour behaviour;
  final List<Path> verified = new ArrayList<>();
  final List<VerifyOptions> options = new ArrayList<>();
  /** Whether the project had its contract and pom when the verifier looked. */
  final List<Boolean> sawCompleteProject = new ArrayList<>();

  FakeVerifier(Behaviour behaviour) {
    this.behaviour = behaviour;
  }

  @Override public VerifyResult verify(Path projectDir, VerifyOptions options)
      throws SandboxUnavailableException, InterruptedException {
    verified.add(projectDir);
    this.options.add(options);
    sawCompleteProject.add(Files.exists(projectDir.resolve("pom.xml"))
        && Files.exists(projectDir.resolve("src/main/resources/openapi.yaml")));
    return switch (behaviour) {
      case PASS -> new VerifyResult(true, 3, 3, 0, List.of(), List.of(), VerifyResult.BUBBLEWRAP, false,
          Duration.ofMillis(10), "3 tests passed");
      case FAIL_TESTS -> new VerifyResult(true, 3, 2, 1,
          List.of(new VerifyResult.TestFailure("com.example.FooTest", "createsFoo", "expected 201 but was 500", "")),
          List.of(), VerifyResult.BUBBLEWRAP, false, Duration.ofMillis(10), "1 test failed");
      case INTERRUPT -> throw new InterruptedException("interrupted by the test");
      case NO_SANDBOX -> throw new SandboxUnavailableException("no sandbox here");
    };
  }
}
