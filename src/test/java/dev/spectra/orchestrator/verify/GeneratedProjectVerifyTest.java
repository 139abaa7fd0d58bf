package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.scaffold.Scaffolder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real thing: a project scaffolded from the todo example, verified in bubblewrap from the offline cache. */
// Minutes of real sandboxed builds: part of ./test --all (and .ci/run), not of the quick ./test.
@Tag("e2e")
class GeneratedProjectVerifyTest {
  @TempDir Path dir;

  @Test
  void scaffoldedTodoExampleIsGreenInTheSandboxAndAnEscapingTestIsNot(@TempDir Path hostDir) throws Exception {
    Path project = dir.resolve("todo");
    new Scaffolder().scaffold(Path.of("examples/todo-api.yaml").toAbsolutePath(), null, project);
    SandboxVerifier verifier = SandboxVerifierTest.verifier();

    VerifyResult green = verifier.verify(project, SandboxVerifierTest.options());

    assertThat(green.compileErrors()).isEmpty();
    assertThat(green.failures()).isEmpty();
    assertThat(green.passed()).as(green.log()).isTrue();
    assertThat(green.testsRun()).isGreaterThan(5);
    assertThat(green.sandbox()).isEqualTo(VerifyResult.BUBBLEWRAP);

    // A generated test that reaches for the network or the host's files: fails, and nothing reaches the host.
    Path escaped = hostDir.resolve("escaped-" + UUID.randomUUID());
    try (ServerSocket host = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Path testDir;
      try (var s = Files.walk(project.resolve("src/test/java"))) {
        testDir = s.filter(p -> p.getFileName().toString().equals("ContractSupport.java")).findFirst()
            .orElseThrow().getParent();
      }
      String pkg = project.resolve("src/test/java").relativize(testDir).toString().replace('/', '.');
      Files.writeString(testDir.resolve("EscapeTest.java"), """
          package %s;

          import java.net.*;
          import java.nio.file.*;
          import org.junit.jupiter.api.Test;

          class EscapeTest {
            @Test void callsHome() throws Exception {
              try (Socket s = new Socket()) { s.connect(new InetSocketAddress("127.0.0.1", %d), 3000); }
            }
            @Test void leavesAFileOnTheHost() throws Exception { Files.writeString(Path.of("%s"), "x"); }
          }
          """.formatted(pkg, host.getLocalPort(), escaped));

      VerifyResult r = verifier.verify(project, SandboxVerifierTest.options());

      assertThat(r.failures()).extracting(VerifyResult.TestFailure::testName)
          .containsExactlyInAnyOrder("callsHome", "leavesAFileOnTheHost");
      assertThat(r.testsPassed()).isEqualTo(green.testsPassed());
      assertThat(escaped).doesNotExist();
      host.setSoTimeout(1);
      org.assertj.core.api.Assertions.assertThatThrownBy(host::accept).isInstanceOf(SocketTimeoutException.class);
    }
  }
}
