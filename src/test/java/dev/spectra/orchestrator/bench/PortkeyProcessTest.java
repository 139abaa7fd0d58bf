package dev.spectra.orchestrator.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark's Node process never outlives the benchmark: not after a normal end, not after Ctrl-C or SIGTERM,
 * not after {@code kill -9} of the JVM. A stand-in for Portkey's start script (a few lines of Node answering every
 * POST with a completion) takes the installed package's place, so no network install is needed.
 */
public class PortkeyProcessTest {
  /** Puts the stand-in where {@code bench gateway --portkey-dir cache} looks for Portkey's start script. */
  public static void installFake(Path cache) throws java.io.IOException {
    Path build = Files.createDirectories(cache.resolve("node_modules/@portkey-ai/gateway/build"));
    try (var in = PortkeyProcessTest.class.getResourceAsStream("/fake-portkey/start-server.js")) {
      Files.copy(java.util.Objects.requireNonNull(in, "fake-portkey/start-server.js"), build.resolve("start-server.js"));
    }
  }

  @TempDir Path dir;
  private Path cache;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach void fakePortkey() throws Exception {
    assumeTrue(nodeInstalled(), "node is not installed");
    cache = dir.resolve("portkey");
    installFake(cache);
  }

  @AfterEach void stopWhatIsLeft() {
    for (Process p : started) p.destroyForcibly();
    readPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
  }

  @Test void closingStopsTheNodeProcess() throws Exception {
    Path logs = Files.createDirectories(dir.resolve("logs"));
    PortkeyProcess.Outcome outcome = PortkeyProcess.start(cache, "unused", logs, line -> {});
    assertThat(outcome).isInstanceOf(PortkeyProcess.Outcome.Started.class);
    PortkeyProcess portkey = ((PortkeyProcess.Outcome.Started) outcome).portkey();
    ProcessHandle node = portkey.handle();
    assertThat(node.isAlive()).isTrue();

    portkey.close();
    portkey.close();

    assertThat(node.isAlive()).isFalse();
  }

  @Tag("e2e") // starts a JVM of its own: runs with ./test --all
  @Test void sigtermToARunningBenchmarkStopsItsNodeProcess() throws Exception {
    Process bench = benchmark();
    ProcessHandle node = awaitNode(bench);

    bench.destroy(); // SIGTERM, as Ctrl-C or a CI timeout sends it

    assertThat(bench.waitFor(60, TimeUnit.SECONDS)).as("the benchmark exits").isTrue();
    assertThat(awaitGone(node)).as("node process " + node.pid() + " is gone").isTrue();
  }

  @Tag("e2e")
  @Test void killMinus9OfTheBenchmarkStillEndsItsNodeProcess() throws Exception {
    Process bench = benchmark();
    ProcessHandle node = awaitNode(bench);

    bench.destroyForcibly(); // SIGKILL: no shutdown hook runs, only the closed stdin pipe tells node
    bench.waitFor(30, TimeUnit.SECONDS);

    assertThat(awaitGone(node)).as("node process " + node.pid() + " is gone").isTrue();
  }

  /** {@code orchestrator bench gateway} in its own JVM, sized to run far longer than the test waits. */
  private Process benchmark() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
        System.getProperty("java.class.path"), "dev.spectra.orchestrator.cli.Main", "bench", "gateway",
        "--portkey-dir", cache.toString(), "--requests", "1000000", "--throughput-requests", "1000000")
        .redirectErrorStream(true).redirectOutput(dir.resolve("bench.log").toFile());
    pb.environment().put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    pb.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
    pb.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private ProcessHandle awaitNode(Process bench) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline && bench.isAlive()) {
      var pid = readPid().flatMap(ProcessHandle::of);
      if (pid.isPresent()) return pid.get();
      Thread.sleep(50);
    }
    throw new AssertionError("the benchmark never started node; its output:\n"
        + Files.readString(dir.resolve("bench.log")));
  }

  private static boolean awaitGone(ProcessHandle node) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (node.isAlive() && System.nanoTime() < deadline) Thread.sleep(50);
    return !node.isAlive();
  }

  private java.util.Optional<Long> readPid() {
    if (cache == null) return java.util.Optional.empty();
    Path pid = cache.resolve("node_modules/@portkey-ai/gateway/build/node.pid");
    try {
      return Files.exists(pid) ? java.util.Optional.of(Long.parseLong(Files.readString(pid).strip()))
          : java.util.Optional.empty();
    } catch (java.io.IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  public static boolean nodeInstalled() {
    String path = System.getenv("PATH");
    if (path == null) return false;
    for (String d : path.split(File.pathSeparator)) if (Files.isExecutable(Path.of(d, "node"))) return true;
    return false;
  }
}
