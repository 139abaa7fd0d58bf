package dev.spectra.orchestrator.verify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A record of the sandboxes running now, one small file per sandbox under the cache ({@code sandboxes/<pid>}:
 * the process's start time and its workspace), so that a later orchestrator can find and kill a sandbox that
 * outlived the one that started it. The lifeline and {@code --die-with-parent} normally make this unnecessary; this
 * is the check that they did their job, including after a reboot of the orchestrator only (not of the machine).
 */
final class Leftovers {
  private final Path dir;

  Leftovers(Path dir) {
    this.dir = dir;
  }

  /** The record of one running sandbox; closing it removes the record. */
  interface Entry extends AutoCloseable {
    @Override void close();
  }

  /**
   * Notes that the process started next (a child of this JVM) works in {@code workspace}. The pid is only known after
   * start, so the record names this JVM and the workspace: a leftover is a process whose command line names the
   * workspace and whose parent JVM is gone.
   */
  Entry register(Path workspace) {
    long self = ProcessHandle.current().pid();
    Path file = dir.resolve(self + "-" + Long.toHexString(System.nanoTime()));
    try {
      Files.createDirectories(dir);
      Files.writeString(file, startOf(ProcessHandle.current()).map(Instant::toString).orElse("") + "\n"
          + workspace.toAbsolutePath().normalize() + "\n");
    } catch (IOException e) {
      // Without a record the sandbox still dies with us through its lifeline; only the later check is lost.
    }
    return () -> {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        // A stale record is harmless: its owner is checked before anything is killed.
      }
    };
  }

  /** Kills the processes of sandboxes whose orchestrator is gone; {@return what was killed} */
  List<String> killAll() {
    List<String> killed = new ArrayList<>();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return killed;
    List<Path> records;
    try (Stream<Path> s = Files.list(dir)) {
      records = s.toList();
    } catch (IOException e) {
      return killed;
    }
    for (Path record : records) {
      try {
        String name = record.getFileName().toString();
        long owner = Long.parseLong(name.substring(0, name.indexOf('-')));
        List<String> lines = Files.readAllLines(record);
        String started = lines.isEmpty() ? "" : lines.get(0);
        String workspace = lines.size() > 1 ? lines.get(1) : "";
        Optional<ProcessHandle> ownerNow = ProcessHandle.of(owner);
        boolean ownerAlive = ownerNow.isPresent()
            && startOf(ownerNow.get()).map(Instant::toString).orElse("").equals(started);
        if (ownerAlive) continue;
        if (!workspace.isEmpty()) killed.addAll(killWorkingIn(workspace));
        Files.deleteIfExists(record);
      } catch (IOException | RuntimeException e) {
        // A record we cannot read names nothing we could safely kill.
      }
    }
    return killed;
  }

  /** Kills every process whose command line names {@code workspace} as the sandbox's bind (and its tree). */
  static List<String> killWorkingIn(String workspace) {
    List<String> killed = new ArrayList<>();
    String marker = "--bind " + workspace + " " + workspace;
    ProcessHandle.allProcesses()
        .filter(h -> h.pid() != ProcessHandle.current().pid())
        .filter(h -> h.info().commandLine().orElse("").contains(marker))
        .forEach(h -> {
          h.descendants().forEach(ProcessHandle::destroyForcibly);
          h.destroyForcibly();
          killed.add("killed sandbox process " + h.pid() + " left over in " + workspace);
        });
    return killed;
  }

  private static Optional<Instant> startOf(ProcessHandle h) {
    return h.info().startInstant();
  }
}
