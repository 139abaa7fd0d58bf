package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReusingVerifierTest {
  @TempDir Path tmp;

  /** Records every project it is asked to verify and answers from a fixed result. */
  static final class RecordingVerifier implements Verifier {
    final List<Path> verified = new ArrayList<>();
    VerifyResult answer = new VerifyResult(true, 3, 3, 0, List.of(), List.of(), VerifyResult.BUBBLEWRAP, false,
        Duration.ofSeconds(2), "");

    @Override public VerifyResult verify(Path projectDir, VerifyOptions options) {
      verified.add(projectDir);
      return new VerifyResult(answer.compiled(), answer.testsRun(), answer.testsPassed(), answer.testsFailed(),
          answer.failures(), answer.compileErrors(), answer.sandbox(), answer.timedOut(), answer.wallTime(),
          "compiled " + projectDir.toAbsolutePath().normalize() + "/src/main/java/A.java");
    }
  }

  private Path project(String name, String code) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.resolve("src/main/java"));
    Files.writeString(p.resolve(ProjectDescriptor.FILE), "{\"javaRelease\":21,\"mainClass\":\"A\"}");
    Files.writeString(p.resolve("src/main/java/A.java"), code);
    return p;
  }

  @Test
  void identicalProjectsAreVerifiedOnceAndTheSecondGetsTheFirstResultUnderItsOwnPath() throws Exception {
    RecordingVerifier sandbox = new RecordingVerifier();
    ReusingVerifier.Memory memory = new ReusingVerifier.Memory();
    ReusingVerifier v = new ReusingVerifier(sandbox, memory);
    Path a = project("a", "class A {}");
    Path b = project("b", "class A {}");

    VerifyResult first = v.verify(a, VerifyOptions.defaults());
    VerifyResult second = v.verify(b, VerifyOptions.defaults());

    assertThat(sandbox.verified).containsExactly(a);
    assertThat(second.testsPassed()).isEqualTo(first.testsPassed());
    assertThat(second.log()).contains(b.toAbsolutePath().normalize().toString()).doesNotContain(a.toString() + "/");
    assertThat(memory.ran()).isEqualTo(1);
    assertThat(memory.reused()).isEqualTo(1);
  }

  @Test
  void aProjectDifferingInOneByteIsVerifiedAgain() throws Exception {
    RecordingVerifier sandbox = new RecordingVerifier();
    ReusingVerifier v = new ReusingVerifier(sandbox, new ReusingVerifier.Memory());
    Path a = project("a", "class A {}");
    Path b = project("b", "class A { }");

    v.verify(a, VerifyOptions.defaults());
    v.verify(b, VerifyOptions.defaults());

    assertThat(sandbox.verified).containsExactly(a, b);
  }

  @Test
  void theSameProjectCheckedWithOtherScenariosIsVerifiedAgain() throws Exception {
    RecordingVerifier sandbox = new RecordingVerifier();
    ReusingVerifier v = new ReusingVerifier(sandbox, new ReusingVerifier.Memory());
    Path a = project("a", "class A {}");
    Path contract = Files.writeString(tmp.resolve("openapi.yaml"), "openapi: 3.0.3\n");
    Path one = Files.writeString(tmp.resolve("one.yaml"), "scenarios: []\n");
    Path two = Files.writeString(tmp.resolve("two.yaml"), "scenarios: [{name: x}]\n");

    v.verify(a, VerifyOptions.defaults().withCheck(new ServiceCheck(contract, List.of(one), 10, 1, true, false)));
    v.verify(a, VerifyOptions.defaults().withCheck(new ServiceCheck(contract, List.of(two), 10, 1, true, false)));
    v.verify(a, VerifyOptions.defaults().withCheck(new ServiceCheck(contract, List.of(one), 10, 1, true, true)));

    assertThat(sandbox.verified).hasSize(3);
  }

  @Test
  void aProjectHoldingALinkIsNeverReused() throws Exception {
    RecordingVerifier sandbox = new RecordingVerifier();
    ReusingVerifier v = new ReusingVerifier(sandbox, new ReusingVerifier.Memory());
    Path a = project("a", "class A {}");
    Files.createSymbolicLink(a.resolve("src/main/java/B.java"), a.resolve("src/main/java/A.java"));

    v.verify(a, VerifyOptions.defaults());
    v.verify(a, VerifyOptions.defaults());

    assertThat(sandbox.verified).hasSize(2);
  }

  @Test
  void aTimedOutResultIsNotKept() throws Exception {
    RecordingVerifier sandbox = new RecordingVerifier();
    sandbox.answer = new VerifyResult(true, 0, 0, 0, List.of(), List.of(), VerifyResult.BUBBLEWRAP, true,
        Duration.ofMinutes(3), "");
    ReusingVerifier v = new ReusingVerifier(sandbox, new ReusingVerifier.Memory());
    Path a = project("a", "class A {}");

    v.verify(a, VerifyOptions.defaults());
    v.verify(a, VerifyOptions.defaults());

    assertThat(sandbox.verified).hasSize(2);
  }
}
