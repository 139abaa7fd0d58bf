package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("e2e")   // Real compiles and test runs in the bubblewrap sandbox: minutes; runs with ./test --all.
class SandboxVerifierTest {
  /** Shared by every test run: the first fill needs the network, later runs reuse it like users do. */
  static final Path CACHE = Path.of("target", "sandbox-test-cache").toAbsolutePath();

  @TempDir Path dir;

  static SandboxVerifier.Settings settings(ToolLookup tools) {
    Map<String, String> mavenEnv = new HashMap<>(System.getenv());
    mavenEnv.put("JAVA_HOME", System.getProperty("java.home"));
    Path home = Path.of(System.getProperty("user.home"));
    return new SandboxVerifier.Settings(CACHE, Optional.of(List.of(Path.of("mvnw").toAbsolutePath().toString())),
        mavenEnv, tools, Path.of(System.getProperty("java.home")), home,
        Environment.settings(System.getenv(), Path.of("unused-cache")).root(), Path.of("/sys/fs/cgroup"));
  }

  static SandboxVerifier verifier() {
    return new SandboxVerifier(settings(ToolLookup.path(System.getenv())));
  }

  static VerifyOptions options() {
    return new VerifyOptions(Duration.ofMinutes(2), false, ProgressListener.NONE);
  }

  @Test
  void passingTestIsCountedAndRunsInBubblewrap() throws Exception {
    TinyProject p = TinyProject.passing(dir);
    List<String> steps = new ArrayList<>();

    VerifyResult r = verifier().verify(p.dir(), new VerifyOptions(Duration.ofMinutes(2), false,
        (step, detail) -> steps.add(step)));

    assertThat(r.compileErrors()).isEmpty();
    assertThat(r.passed()).as(r.log()).isTrue();
    assertThat(r.testsRun()).isEqualTo(1);
    assertThat(r.testsPassed()).isEqualTo(1);
    assertThat(r.sandbox()).isEqualTo(VerifyResult.BUBBLEWRAP);
    assertThat(steps).contains("compile", "test");
  }

  @Test
  void failingTestIsReportedWithItsMessage() throws Exception {
    TinyProject p = TinyProject.passing(dir).test("FailingTest", """
        @Test void greetsPolitely() {
          assertEquals("Good day, Ada.", Greeter.greet("Ada"), "the greeting is too casual");
        }
        """);

    VerifyResult r = verifier().verify(p.dir(), options());

    assertThat(r.passed()).isFalse();
    assertThat(r.testsRun()).isEqualTo(2);
    assertThat(r.testsFailed()).isEqualTo(1);
    VerifyResult.TestFailure f = r.failures().getFirst();
    assertThat(f.testClass()).isEqualTo("demo.FailingTest");
    assertThat(f.testName()).isEqualTo("greetsPolitely");
    assertThat(f.message()).contains("the greeting is too casual").contains("Good day, Ada.");
    assertThat(f.trace()).contains("demo.FailingTest.greetsPolitely");
  }

  @Test
  void compileErrorIsReportedWithFileAndLine() throws Exception {
    TinyProject p = TinyProject.passing(dir).write("src/main/java/demo/Broken.java", """
        package demo;

        final class Broken {
          int value() { return "not a number"; }
        }
        """);

    VerifyResult r = verifier().verify(p.dir(), options());

    assertThat(r.compiled()).isFalse();
    assertThat(r.passed()).isFalse();
    assertThat(r.testsRun()).isZero();
    assertThat(r.compileErrors()).singleElement().satisfies(e -> {
      assertThat(e.file()).isEqualTo("src/main/java/demo/Broken.java");
      assertThat(e.line()).isEqualTo(4);
      assertThat(e.message()).contains("incompatible types");
    });
  }

  @Test
  void testsCannotReachTheHostsLoopbackNorTheInternet() throws Exception {
    try (ServerSocket host = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      TinyProject p = TinyProject.passing(dir).test("NetworkTest", """
          @Test void reachesTheHostsLoopback() throws Exception {
            try (Socket s = new Socket()) { s.connect(new InetSocketAddress("127.0.0.1", %d), 3000); }
          }
          @Test void reachesTheInternet() throws Exception {
            try (Socket s = new Socket()) { s.connect(new InetSocketAddress("1.1.1.1", 53), 3000); }
          }
          @Test void bindsItsOwnLoopback() throws Exception {
            try (ServerSocket own = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                 Socket s = new Socket("127.0.0.1", own.getLocalPort())) {
              assertTrue(s.isConnected());
            }
          }
          """.formatted(host.getLocalPort()));

      VerifyResult r = verifier().verify(p.dir(), options());

      assertThat(r.failures()).extracting(VerifyResult.TestFailure::testName)
          .containsExactlyInAnyOrder("reachesTheHostsLoopback", "reachesTheInternet");
      assertThat(r.testsPassed()).isEqualTo(2);
      host.setSoTimeout(1);
      assertThatThrownBy(host::accept).as("nothing from the sandbox reached the host's socket")
          .isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void writesOutsideTheWorkspaceFailOrStayInsideTheSandbox(@TempDir Path hostDir) throws Exception {
    Path workspace = dir.resolve("ws");
    Files.createDirectories(workspace);
    String marker = "escape-" + UUID.randomUUID();
    Path inHostTmp = hostDir.resolve(marker);
    Path inHome = Path.of(System.getProperty("user.home")).resolve(marker);
    Path inRepo = Path.of("target").toAbsolutePath().resolve(marker);
    Path inTmp = Path.of("/tmp").resolve(marker);
    TinyProject p = TinyProject.passing(workspace).test("EscapeTest", """
        @Test void writesToHostTemp() throws Exception { Files.writeString(Path.of("%s"), "x"); }
        @Test void writesToTheOrchestratorsDirectory() throws Exception { Files.writeString(Path.of("%s"), "x"); }
        @Test void writesToHome() throws Exception { Files.writeString(Path.of("%s"), "x"); }
        @Test void writesToTmp() throws Exception { Files.writeString(Path.of("%s"), "x"); }
        @Test void writesToItsWorkspace() throws Exception { Files.writeString(Path.of("target/tmp/inside.txt"), "x"); }
        """.formatted(inHostTmp, inRepo, inHome, inTmp));

    VerifyResult r = verifier().verify(p.dir(), options());

    // A write outside the workspace either fails or lands in the sandbox's private tmpfs (when the checkout itself
    // lies under /tmp, its mount point's parents exist only there); either way nothing reaches the host.
    assertThat(r.failures()).extracting(VerifyResult.TestFailure::testName).contains("writesToHostTemp");
    assertThat(inHostTmp).doesNotExist();
    assertThat(inRepo).doesNotExist();
    assertThat(inHome).doesNotExist();
    assertThat(inTmp).doesNotExist();
    assertThat(workspace.resolve("target/tmp/inside.txt")).exists();
  }

  @Test
  void infiniteLoopIsKilledAtTheWallClockLimitWithItsWholeProcessTree() throws Exception {
    TinyProject p = TinyProject.passing(dir).test("LoopTest", """
        @Test void spins() throws Exception {
          new ProcessBuilder("sleep", "1000").start();
          while (true) { Thread.onSpinWait(); }
        }
        """);

    VerifyResult r = verifier().verify(p.dir(), new VerifyOptions(Duration.ofSeconds(20), false,
        ProgressListener.NONE));

    assertThat(r.timedOut()).isTrue();
    assertThat(r.passed()).isFalse();
    assertThat(r.compiled()).isTrue();
    assertThat(r.log()).contains("wall-clock limit");
    assertThat(ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains(p.dir().toString())))
        .as("no process of the sandboxed run survives").isEmpty();
  }

  @Test
  void refusesToRunWithoutASandboxToolUnlessUnsafeIsAllowed() throws Exception {
    ToolLookup real = ToolLookup.path(System.getenv());
    ToolLookup noBwrap = program -> program.equals("bwrap") ? Optional.empty() : real.find(program);
    SandboxVerifier verifier = new SandboxVerifier(settings(noBwrap));
    TinyProject p = TinyProject.passing(dir);

    assertThatThrownBy(() -> verifier.verify(p.dir(), options()))
        .isInstanceOf(SandboxUnavailableException.class)
        .hasMessageContaining("bwrap").hasMessageContaining("--unsafe-no-sandbox");
    assertThat(p.dir().resolve("target/spectra-verify/result.json")).as("nothing ran").doesNotExist();

    VerifyResult unsafe = verifier.verify(p.dir(), new VerifyOptions(Duration.ofMinutes(2), true,
        ProgressListener.NONE));
    assertThat(unsafe.sandbox()).isEqualTo(VerifyResult.NONE_UNSAFE);
    assertThat(unsafe.passed()).as(unsafe.log()).isTrue();
  }

  @Test
  void templateOnlyProjectIsVerifiedWithoutASandboxWhenNoneExistsAndSaysSo() throws Exception {
    ToolLookup real = ToolLookup.path(System.getenv());
    ToolLookup noBwrap = program -> program.equals("bwrap") ? Optional.empty() : real.find(program);
    SandboxVerifier verifier = new SandboxVerifier(settings(noBwrap));
    TinyProject p = TinyProject.passing(dir);

    VerifyResult r = verifier.verify(p.dir(), new VerifyOptions(Duration.ofMinutes(2), false, ProgressListener.NONE,
        true));

    assertThat(r.sandbox()).isEqualTo(VerifyResult.NONE_TEMPLATE);
    assertThat(r.sandboxed()).isFalse();
    assertThat(r.passed()).as(r.log()).isTrue();
  }

  @Test
  void secondVerifyOfAnUnchangedProjectDoesNotRecompile() throws Exception {
    TinyProject p = TinyProject.passing(dir);
    SandboxVerifier verifier = verifier();
    verifier.verify(p.dir(), options());
    Path greeterClass = p.dir().resolve("target/classes/demo/Greeter.class");
    var compiledAt = Files.getLastModifiedTime(greeterClass);
    Files.setLastModifiedTime(greeterClass, java.nio.file.attribute.FileTime.fromMillis(0));

    VerifyResult again = verifier.verify(p.dir(), options());

    assertThat(again.passed()).isTrue();
    assertThat(compiledAt.toMillis()).isNotZero();
    assertThat(Files.getLastModifiedTime(greeterClass).toMillis()).as("Greeter.class was not rewritten").isZero();

    p.write("src/main/java/demo/Greeter.java", TinyProject.GREETER.replace("Hello, ", "Hi, "));
    VerifyResult changed = verifier.verify(p.dir(), options());
    assertThat(changed.testsFailed()).as("a changed source is compiled again").isEqualTo(1);
  }

  @Test
  void generatedCodeSeesNoneOfTheCallersEnvironment() throws Exception {
    TinyProject p = TinyProject.passing(dir).test("EnvTest", """
        @Test void seesOnlyTheSandboxEnvironment() {
          assertEquals(java.util.Set.of("PATH", "LANG", "TZ", "MALLOC_ARENA_MAX", "HOME", "TMPDIR", "PWD"),
              System.getenv().keySet());
        }
        """);

    VerifyResult r = verifier().verify(p.dir(), options());

    assertThat(r.passed()).as(r.failures().toString()).isTrue();
  }

  @Test
  void missingDescriptorIsReportedNotThrown() throws Exception {
    TinyProject p = TinyProject.passing(dir);
    Files.delete(p.dir().resolve("spectra-project.json"));

    VerifyResult r = verifier().verify(p.dir(), options());

    assertThat(r.passed()).isFalse();
    assertThat(r.compileErrors()).singleElement()
        .satisfies(e -> assertThat(e.message()).contains("spectra-project.json is missing"));
  }

  @Test
  void dependencyCacheKeyIgnoresOrder() throws IOException {
    var a = new ProjectDescriptor.Dependency("g", "a", "1", "compile");
    var b = new ProjectDescriptor.Dependency("g", "b", "2", "test");
    assertThat(DependencyCache.key(List.of(a, b))).isEqualTo(DependencyCache.key(List.of(b, a)));
    assertThat(DependencyCache.key(List.of(a))).isNotEqualTo(DependencyCache.key(List.of(a, b)));
  }
}
