package dev.spectra.orchestrator.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The Portkey gateway as a Node process the benchmark owns. Three things stop it, so that no run leaves a node
 * process behind: {@link #close} (the normal end, an exception or Ctrl-C, which interrupts the benchmark and
 * closes the rig), a JVM shutdown hook (an exit that skips the rig's close), and a watch inside Node itself that
 * exits when its standard input closes, which the operating system does whenever the JVM ends, even by
 * {@code kill -9}.
 */
final class PortkeyProcess implements AutoCloseable {
  /** Loaded before Portkey's own script with {@code node --require}. */
  private static final String PARENT_WATCH = """
      // Exits when the benchmark that started this process is gone: its end of stdin closes, however it ended.
      process.stdin.on('end', () => process.exit(0));
      process.stdin.on('error', () => process.exit(0));
      process.stdin.resume();
      """;

  private final Process process;
  private final int port;
  private final Thread hook;

  private PortkeyProcess(Process process, int port) {
    this.process = process;
    this.port = port;
    this.hook = new Thread(this::stop, "portkey-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** What {@link #start} found: a running Portkey, or why it is not measured. */
  sealed interface Outcome {
    record Started(PortkeyProcess portkey) implements Outcome {}

    record Skipped(String why) implements Outcome {}
  }

  /**
   * Starts {@code start-server.js} of the package installed in {@code cacheDir} (installing {@code packageSpec}
   * there with npm first when it is missing) on a free port, and waits until it listens.
   *
   * @param logDir where Portkey's output goes ({@code portkey.log})
   */
  static Outcome start(Path cacheDir, String packageSpec, Path logDir, Consumer<String> progress)
      throws InterruptedException {
    Optional<Path> node = onPath("node");
    if (node.isEmpty()) return new Outcome.Skipped("node is not installed; Portkey skipped");
    Path script = cacheDir.resolve("node_modules/@portkey-ai/gateway/build/start-server.js");
    try {
      if (!Files.exists(script)) {
        Optional<String> failed = install(cacheDir, packageSpec, script, progress);
        if (failed.isPresent()) return new Outcome.Skipped(failed.get());
      }
      Path watch = logDir.resolve("parent-watch.js");
      Files.writeString(watch, PARENT_WATCH);
      int port = freePort();
      Path log = logDir.resolve("portkey.log");
      ProcessBuilder pb = new ProcessBuilder(node.get().toString(), "--require", watch.toString(), script.toString(),
          "--port=" + port, "--headless").redirectErrorStream(true).redirectOutput(log.toFile());
      // Production mode: no console UI, no log streaming, as Portkey is deployed.
      pb.environment().put("NODE_ENV", "production");
      PortkeyProcess portkey = new PortkeyProcess(pb.start(), port);
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline && portkey.process.isAlive()) {
          try (Socket s = new Socket("127.0.0.1", port)) {
            return new Outcome.Started(portkey);
          } catch (IOException notYet) {
            Thread.sleep(100);
          }
        }
      } catch (InterruptedException | RuntimeException e) {
        portkey.close();
        throw e;
      }
      portkey.close();
      return new Outcome.Skipped("Portkey did not start listening within 30 s (see " + log + "); skipped");
    } catch (IOException e) {
      return new Outcome.Skipped("cannot run Portkey: " + e.getMessage() + "; skipped");
    }
  }

  /** {@return why the install failed, or empty once the script is there} */
  private static Optional<String> install(Path cacheDir, String packageSpec, Path script, Consumer<String> progress)
      throws IOException, InterruptedException {
    Optional<Path> npm = onPath("npm");
    if (npm.isEmpty()) return Optional.of("npm is not installed; Portkey skipped");
    progress.accept("installing " + packageSpec + " into " + cacheDir + " (once)");
    Files.createDirectories(cacheDir);
    Process p = new ProcessBuilder(npm.get().toString(), "install", "--no-audit", "--no-fund", "--prefix",
        cacheDir.toString(), packageSpec).redirectErrorStream(true)
        .redirectOutput(cacheDir.resolve("npm-install.log").toFile()).start();
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(script)) {
        return Optional.of("npm install " + packageSpec + " failed (see " + cacheDir.resolve("npm-install.log")
            + "); Portkey skipped");
      }
      return Optional.empty();
    } finally {
      if (p.isAlive()) kill(p.toHandle());
    }
  }

  int port() { return port; }

  /** {@return the node process, for tests that check it is gone} */
  ProcessHandle handle() { return process.toHandle(); }

  /** Stops Node (and anything it started) and removes the shutdown hook; safe to call twice. */
  @Override public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or about to: it stops the same process.
    }
  }

  private void stop() {
    if (!process.isAlive()) return;
    kill(process.toHandle());
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM to the process and its descendants, then SIGKILL to whatever is still there after five seconds. */
  private static void kill(ProcessHandle root) {
    var all = new java.util.ArrayList<ProcessHandle>(root.descendants().toList());
    all.addFirst(root);
    all.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    for (ProcessHandle h : all) {
      while (h.isAlive() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      if (h.isAlive()) h.destroyForcibly();
    }
  }

  private static Optional<Path> onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) return Optional.empty();
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path p = Path.of(dir, exe);
      if (Files.isExecutable(p)) return Optional.of(p);
    }
    return Optional.empty();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
