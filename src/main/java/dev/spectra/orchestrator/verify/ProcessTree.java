package dev.spectra.orchestrator.verify;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs a host command line and owns its whole process tree: a wall-clock limit, the whole-tree limits of a
 * {@link TreeWatch} (memory, threads, CPU time), and on any of them (or on interruption) every process of the tree
 * killed, not just the first.
 */
public final class ProcessTree {
  /** How a run ended. */
  sealed interface Outcome {
    Duration elapsed();

    String output();

    record Exited(int code, Duration elapsed, String output) implements Outcome {}

    record TimedOut(Duration elapsed, String output) implements Outcome {}

    /** A whole-tree limit (memory, threads, CPU time) was passed and the tree killed; {@code limit} says which. */
    record OverLimit(String limit, Duration elapsed, String output) implements Outcome {}
  }

  private static final int HEAD_CHARS = 16 * 1024;
  private static final int TAIL_CHARS = 48 * 1024;

  private final String progressPrefix;

  /** @param progressPrefix output lines starting with this are progress, handed to the listener and not logged */
  ProcessTree(String progressPrefix) {
    this.progressPrefix = progressPrefix;
  }

  /** Runs with only a wall clock and a thread bound, watched by polling (tests, probes). */
  Outcome run(List<String> argv, Map<String, String> env, Path workdir, Duration wallClock, int maxThreads,
      Consumer<String> progress) throws IOException, InterruptedException {
    Limits limits = Limits.forWallClock(wallClock).withTree(64 * Limits.GIB, maxThreads);
    return run(argv, env, workdir, limits, new TreeWatch.Polling(), false, progress);
  }

  /**
   * @param watch enforces the whole-tree limits; its {@link TreeWatch#wrap} is applied to {@code argv} here
   * @param lifeline keep the child's stdin a pipe that is never written: when this JVM dies, however it dies, the
   *     kernel closes it and the sandbox's lifeline (see {@link Bubblewrap}) kills everything inside
   */
  Outcome run(List<String> argv, Map<String, String> env, Path workdir, Limits limits, TreeWatch watch,
      boolean lifeline, Consumer<String> progress) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(watch.wrap(argv)).directory(workdir.toFile()).redirectErrorStream(true);
    if (!lifeline) pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().clear();
    pb.environment().putAll(env);
    long start = System.nanoTime();
    Process process = pb.start();
    BoundedOutput output = new BoundedOutput();
    Thread reader = Thread.ofVirtual().start(() -> pump(process.getInputStream(), output, progress));
    try {
      long deadline = start + limits.wallClock().toNanos();
      while (true) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          killTree(process);
          reader.join(1000);
          return new Outcome.TimedOut(since(start), output.text());
        }
        if (process.waitFor(Math.min(TreeWatch.POLL_MILLIS, Math.max(1, left / 1_000_000)),
            java.util.concurrent.TimeUnit.MILLISECONDS)) {
          reader.join(2000);
          // The kernel may have stopped the tree at a cgroup limit: say which, rather than "exit code 137".
          var limit = watch.breach(process.toHandle(), limits);
          if (limit.isPresent()) return new Outcome.OverLimit(limit.get(), since(start), output.text());
          return new Outcome.Exited(process.exitValue(), since(start), output.text());
        }
        var limit = watch.breach(process.toHandle(), limits);
        if (limit.isPresent()) {
          killTree(process);
          reader.join(1000);
          return new Outcome.OverLimit(limit.get(), since(start), output.text());
        }
      }
    } catch (InterruptedException e) {
      killTree(process);
      throw e;
    } finally {
      if (process.isAlive()) killTree(process);
      watch.close();
    }
  }

  /**
   * Kills the children first (they would otherwise be re-parented and live on), then the process itself. Under
   * bubblewrap killing the outer process is enough (the namespace's init dies with it and takes every process
   * along), but killing the visible descendants too costs nothing and covers the unsandboxed run.
   */
  public static void killTree(Process process) {
    // Rounds, because a process that is still forking adds children between one snapshot and the kill. Without a
    // PID namespace (the unsafe run) a child forked after the last round is orphaned and survives: best effort.
    for (int round = 0; round < 20; round++) {
      List<ProcessHandle> alive = process.descendants().toList();
      if (alive.isEmpty()) break;
      alive.forEach(ProcessHandle::destroyForcibly);
    }
    process.destroyForcibly();
    try {
      process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pump(InputStream in, BoundedOutput output, Consumer<String> progress) {
    try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith(progressPrefix)) {
          progress.accept(line.substring(progressPrefix.length()));
        } else {
          output.append(line);
        }
      }
    } catch (IOException e) {
      // The process was killed mid-line; what was read so far is kept.
    } catch (UncheckedIOException e) {
      // Same.
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  /** Keeps the beginning and the end of a possibly huge output: a runaway test cannot exhaust the host's memory. */
  static final class BoundedOutput {
    private final StringBuilder head = new StringBuilder();
    private final StringBuilder tail = new StringBuilder();
    private long dropped;

    synchronized void append(String line) {
      if (head.length() + line.length() + 1 <= HEAD_CHARS) {
        head.append(line).append('\n');
        return;
      }
      tail.append(line).append('\n');
      if (tail.length() > 2 * TAIL_CHARS) {
        int cut = tail.length() - TAIL_CHARS;
        dropped += cut;
        tail.delete(0, cut);
      }
    }

    synchronized String text() {
      if (tail.length() > TAIL_CHARS) {
        int cut = tail.length() - TAIL_CHARS;
        dropped += cut;
        tail.delete(0, cut);
      }
      if (dropped == 0) return head.toString() + tail;
      return head + "[... " + dropped + " characters of output left out ...]\n" + tail;
    }
  }
}
