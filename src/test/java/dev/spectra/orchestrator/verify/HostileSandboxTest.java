package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-model suite, sandbox side: generated tests (what a hostile model would write) run in the real
 * bubblewrap sandbox and attack the host. Each test asserts the host is untouched and that what the sandbox left
 * behind is refused before the host reads it.
 */
@Tag("hostile")
class HostileSandboxTest {
  @TempDir Path dir;
  @TempDir Path host;

  static VerifyResult verify(Path project, Duration limit) throws Exception {
    return SandboxVerifierTest.verifier().verify(project, new VerifyOptions(limit, false, ProgressListener.NONE));
  }

  @Test
  void linksHardLinksAndFifosLeftInTheWorkspaceAreRemovedAndReported() throws Exception {
    Path profile = Files.writeString(host.resolve(".profile"), "untouched\n");
    TinyProject p = TinyProject.passing(dir).test("PlantTest", """
        @Test void plants() throws Exception {
          Files.createSymbolicLink(Path.of("BUILD-REPORT.md"), Path.of("%s"));
          Files.createSymbolicLink(Path.of("hostroot"), Path.of("/"));
          Files.writeString(Path.of("target/own.txt"), "x");
          Files.createLink(Path.of("target/second-name.txt"), Path.of("target/own.txt"));
          new ProcessBuilder("mkfifo", "target/fifo").start().waitFor();
        }
        """.formatted(profile));

    VerifyResult r = verify(p.dir(), Duration.ofMinutes(2));

    assertThat(r.passed()).as(r.log()).isTrue();
    assertThat(r.distrusted()).anySatisfy(d -> assertThat(d).contains("BUILD-REPORT.md").contains("symbolic link"))
        .anySatisfy(d -> assertThat(d).contains("hostroot"))
        .anySatisfy(d -> assertThat(d).contains("hard link"))
        .anySatisfy(d -> assertThat(d).contains("FIFO"));
    try (Stream<Path> all = Files.walk(p.dir())) {
      assertThat(all.filter(f -> !Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)
          && !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).toList()).isEmpty();
    }
    assertThat(profile).hasContent("untouched\n");
  }

  @Test
  void aForgedResultNamingHostFilesIsDroppedAndReported() throws Exception {
    // The test writes the result itself and ends the JVM before the runner can write the real one.
    TinyProject p = TinyProject.passing(dir).test("ForgeTest", """
        @Test void forges() throws Exception {
          Files.writeString(Path.of("target/spectra-verify/result.json"), \"""
              {"complete":true,"compiled":false,"testsRun":0,"compileErrors":[
               {"file":"/etc/passwd","line":1,"message":"forged"},
               {"file":"../../../../../../etc/passwd","line":1,"message":"forged"},
               {"file":"src/main/java/../../../../../etc/passwd","line":1,"message":"forged"}]}
              \""");
          Runtime.getRuntime().halt(0);
        }
        """);

    VerifyResult r = verify(p.dir(), Duration.ofMinutes(2));

    assertThat(r.compileErrors()).isNotEmpty().allSatisfy(e -> assertThat(e.file()).isEmpty());
    assertThat(r.distrusted()).filteredOn(d -> d.contains("outside the project's sources")).hasSize(3);
  }

  @Test
  void runsAsAnUnprivilegedUserAndSeesNoShadowNoHomeAndNoHostProcesses() throws Exception {
    String marker = "home-" + UUID.randomUUID();
    Path inHome = Path.of(System.getProperty("user.home")).resolve(marker);
    TinyProject p = TinyProject.passing(dir).test("SpyTest", """
        @Test void isNotRoot() throws Exception {
          String status = Files.readString(Path.of("/proc/self/status"));
          assertFalse(status.lines().anyMatch(l -> l.matches("Uid:\\\\s+0\\\\b.*")), status);
        }
        @Test void cannotReadShadow() { assertFalse(Files.exists(Path.of("/etc/shadow"))); }
        @Test void hasNoHome() { assertFalse(Files.exists(Path.of("%s"))); }
        @Test void seesNoRootDirectory() { assertFalse(Files.exists(Path.of("/root"))); }
        @Test void seesOnlyItsOwnProcesses() {
          assertTrue(ProcessHandle.allProcesses().count() < 20, "processes: " + ProcessHandle.allProcesses().count());
        }
        @Test void cannotWriteHome() throws Exception {
          assertThrows(Exception.class, () -> Files.writeString(Path.of("%s"), "x"));
        }
        """.formatted(System.getProperty("user.home"), inHome));

    VerifyResult r = verify(p.dir(), Duration.ofMinutes(2));

    assertThat(r.failures()).as(r.log()).isEmpty();
    assertThat(r.testsPassed()).isEqualTo(7);
    assertThat(inHome).doesNotExist();
    assertThat(r.limits()).contains("memory").contains("threads");
  }

  @Test
  void memorySpreadOverSeveralProcessesIsBoundedForTheWholeTree() throws Exception {
    // Each dd holds a 1 GiB buffer: under RLIMIT_AS each alone is allowed, three together pass the tree's 2 GiB.
    TinyProject p = TinyProject.passing(dir).test("HogTest", """
        @Test void hogs() throws Exception {
          for (int i = 0; i < 3; i++) {
            new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=1G", "count=1000").start();
          }
          Thread.sleep(60_000);
        }
        """);

    VerifyResult r = verify(p.dir(), Duration.ofMinutes(2));

    assertThat(r.passed()).isFalse();
    assertThat(r.failures()).anySatisfy(f -> assertThat(f.message()).contains("memory"));
    assertThat(survivors(p.dir())).isEmpty();
  }

  @Test
  void aThreadBombIsBoundedForTheWholeTree() throws Exception {
    TinyProject p = TinyProject.passing(dir).test("ThreadBombTest", """
        @Test void spawns() throws Exception {
          for (int i = 0; i < 5000; i++) {
            Thread t = new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } });
            t.setDaemon(true);
            t.start();
          }
          Thread.sleep(60_000);
        }
        """);

    VerifyResult r = verify(p.dir(), Duration.ofMinutes(2));

    assertThat(r.passed()).isFalse();
    assertThat(r.wallTime()).isLessThan(Duration.ofSeconds(60));
    assertThat(survivors(p.dir())).isEmpty();
  }

  @Test
  void sleepingPastTheWallClockIsKilled() throws Exception {
    TinyProject p = TinyProject.passing(dir).test("SleepTest", """
        @Test void sleeps() throws Exception { new ProcessBuilder("sleep", "600").start(); Thread.sleep(600_000); }
        """);

    VerifyResult r = verify(p.dir(), Duration.ofSeconds(15));

    assertThat(r.timedOut()).isTrue();
    assertThat(survivors(p.dir())).isEmpty();
  }

  @Test
  void theSandboxDiesWhenItsParentDiesWithoutCleaningUp() throws Exception {
    // The kernel closes the lifeline pipe when the orchestrator dies however it dies (kill -9 included); closing
    // it here is the same event as seen from the sandbox.
    String tag = "31" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 100000);
    Bubblewrap bwrap = Bubblewrap.create(ToolLookup.path(System.getenv()).find("bwrap").orElseThrow(),
        java.util.Optional.empty(), Environment.settings(System.getenv(), Path.of("unused-cache")).root(), dir.resolve("cache"));
    SandboxCommand command = new SandboxCommand(List.of("sh", "-c", "sleep " + tag + " & sleep " + tag), dir,
        List.of(), java.util.Map.of("PATH", "/usr/bin:/bin"), Limits.forWallClock(Duration.ofMinutes(1)));
    Process process = new ProcessBuilder(bwrap.hostCommand(command)).start();
    for (int i = 0; i < 100 && count("sleep " + tag) < 2; i++) Thread.sleep(50);
    assertThat(count("sleep " + tag)).as("the sandbox started").isGreaterThanOrEqualTo(2);

    process.getOutputStream().close();

    for (int i = 0; i < 100 && count("sleep " + tag) > 0; i++) Thread.sleep(50);
    assertThat(count("sleep " + tag)).isZero();
    assertThat(process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  static long count(String commandPart) {
    return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().orElse("").contains(commandPart))
        .filter(h -> !h.info().commandLine().orElse("").contains("bwrap")).count();
  }

  static List<ProcessHandle> survivors(Path project) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains(project.toString())).toList();
  }
}
