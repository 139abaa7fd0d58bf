package dev.spectra.orchestrator.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges the project by the handler's text, like a compiler would by its content: {@code BROKEN} does not compile,
 * {@code WRONG} fails a test, anything else passes. Counts its runs.
 */
final class FakeVerifier implements Ports.ProjectVerifier {
  final List<String> seen = new ArrayList<>();
  boolean noSandbox;
  boolean noNetwork;
  boolean setupFails;

  @Override public Verification verify(Path projectDir, Path contract) throws IOException, Ports.CannotVerify {
    if (noSandbox) throw new Ports.SandboxMissing("no sandbox tool found: install bubblewrap or pass --unsafe-no-sandbox");
    if (setupFails) throw new Ports.SetupFailed("could not resolve the project's dependencies (Maven exit 1)");
    if (noNetwork) {
      throw new Ports.NetworkNeeded("the first build needs Maven Central once, to fill the dependency cache");
    }
    String handler = Files.readString(projectDir.resolve(FakeScaffolder.HANDLER));
    seen.add(handler);
    if (handler.contains("BROKEN")) {
      return new Verification(false, 0, 0, List.of(new Verification.Problem(Verification.Problem.Kind.COMPILE,
          FakeScaffolder.HANDLER, 3 + seen.size(), "cannot find symbol: variable BROKEN")), "fake", "");
    }
    if (handler.contains("WRONG")) {
      return new Verification(true, 3, 1, List.of(new Verification.Problem(Verification.Problem.Kind.TEST,
          null, 0, "returning an unknown loan: expected 404 but was 500")), "fake", "");
    }
    if (handler.contains("501")) {
      return new Verification(true, 3, 1, List.of(new Verification.Problem(Verification.Problem.Kind.TEST,
          null, 0, "still 501")), "fake", "");
    }
    return new Verification(true, 3, 0, List.of(), "fake", "");
  }
}
