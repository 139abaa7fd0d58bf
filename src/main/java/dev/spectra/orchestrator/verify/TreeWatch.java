package dev.spectra.orchestrator.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Enforces the whole-tree limits of {@link Limits} (memory, threads, CPU time of every process of a sandbox
 * together), which per-process rlimits cannot: two children may each fill RLIMIT_AS, and RLIMIT_NPROC does not apply
 * to root. Two mechanisms, chosen by {@link #detect}:
 *
 * <ul>
 *   <li>{@link Cgroup}: a cgroup v2 of our own with {@code memory.max} and {@code pids.max}; the kernel enforces
 *       them (no allocation or fork gets past), and the host reads the cgroup's counters to report which one fired.
 *       Needs a cgroup v2 hierarchy whose memory and pids controllers are delegated to this user.
 *   <li>{@link Polling}: the host reads {@code /proc} for every process of the tree each poll (resident memory,
 *       threads, CPU time) and kills the whole tree when a sum passes its limit. Works everywhere, but a test can
 *       overshoot between two polls (by what it allocates in {@value #POLL_MILLIS} ms); per-process RLIMIT_AS bounds
 *       each process meanwhile.
 * </ul>
 */
sealed interface TreeWatch permits TreeWatch.Cgroup, TreeWatch.Polling {
  long POLL_MILLIS = 100;

  /** {@return the mechanism, for {@code doctor} and the build report} */
  String mechanism();

  /** {@return the command line to start so that the whole tree is watched (the cgroup enters it before exec)} */
  List<String> wrap(List<String> argv);

  /** Called every poll: {@return the limit that was passed, if any; then the caller kills the tree} */
  Optional<String> breach(ProcessHandle root, Limits limits);

  /** Removes what the watch created. */
  void close();

  /** What is measured of a tree. */
  record Usage(long rssBytes, int threads, Duration cpu) {}

  /** Picks a delegated cgroup v2 when there is one, else polling. */
  static TreeWatch detect(Path cgroupRoot, Path procSelfCgroup) {
    return Cgroup.create(cgroupRoot, procSelfCgroup).map(c -> (TreeWatch) c).orElseGet(Polling::new);
  }

  /** {@return the mechanism {@link #detect} would choose here, without creating anything} */
  static String describeAvailable(Path cgroupRoot, Path procSelfCgroup) {
    return Cgroup.delegable(cgroupRoot, procSelfCgroup).isPresent() ? Cgroup.NAME : Polling.NAME
        + " (no cgroup v2 with memory and pids controllers delegated to this user)";
  }

  /** The kernel enforces the limits of a cgroup v2 created for this run. */
  record Cgroup(Path dir) implements TreeWatch {
    static final String NAME = "cgroup v2 (memory.max, pids.max; CPU time polled)";

    /** {@return the directory under which this user may create cgroups with memory and pids, if any} */
    static Optional<Path> delegable(Path cgroupRoot, Path procSelfCgroup) {
      try {
        if (!Files.isRegularFile(cgroupRoot.resolve("cgroup.controllers"))) return Optional.empty();
        // "0::/path" is the process's cgroup in the unified hierarchy.
        String own = Files.readAllLines(procSelfCgroup).stream().filter(l -> l.startsWith("0::")).findFirst()
            .map(l -> l.substring(3)).orElse(null);
        if (own == null) return Optional.empty();
        Path parent = cgroupRoot.resolve(own.replaceFirst("^/", "")).normalize();
        if (!parent.startsWith(cgroupRoot)) return Optional.empty();
        String controllers = Files.readString(parent.resolve("cgroup.controllers"));
        if (!List.of(controllers.strip().split("\\s+")).containsAll(List.of("memory", "pids"))) return Optional.empty();
        // A process may only live in a leaf: our own cgroup must allow children with these controllers.
        String enabled = Files.readString(parent.resolve("cgroup.subtree_control"));
        if (!List.of(enabled.strip().split("\\s+")).containsAll(List.of("memory", "pids"))) return Optional.empty();
        if (!Files.isWritable(parent)) return Optional.empty();
        return Optional.of(parent);
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    static Optional<Cgroup> create(Path cgroupRoot, Path procSelfCgroup) {
      Optional<Path> parent = delegable(cgroupRoot, procSelfCgroup);
      if (parent.isEmpty()) return Optional.empty();
      try {
        Path dir = Files.createTempDirectory(parent.get(), "spectra-verify-");
        return Optional.of(new Cgroup(dir));
      } catch (IOException e) {
        return Optional.empty();
      }
    }

    /** Writes the limits; {@return false when the kernel refused them (then polling takes over)} */
    boolean apply(Limits limits) {
      try {
        Files.writeString(dir.resolve("memory.max"), Long.toString(limits.treeMemoryBytes()));
        Files.writeString(dir.resolve("memory.swap.max"), "0");
      } catch (IOException e) {
        if (!Files.exists(dir.resolve("memory.max"))) return false;
      }
      try {
        Files.writeString(dir.resolve("pids.max"), Integer.toString(limits.treeThreads()));
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    @Override public String mechanism() {
      return NAME;
    }

    @Override public List<String> wrap(List<String> argv) {
      // The shell moves itself into the cgroup and then becomes the sandbox: nothing runs outside it.
      List<String> out = new ArrayList<>(List.of("/bin/sh", "-c",
          "echo $$ > \"$0\" && exec \"$@\"", dir.resolve("cgroup.procs").toString()));
      out.addAll(argv);
      return out;
    }

    @Override public Optional<String> breach(ProcessHandle root, Limits limits) {
      try {
        if (counter(dir.resolve("memory.events"), "oom_kill") > 0) {
          return Optional.of("memory: the sandbox reached " + limits.treeMemoryBytes() / Limits.MIB + " MiB");
        }
        if (counter(dir.resolve("pids.events"), "max") > 0) {
          return Optional.of("threads: the sandbox tried to run more than " + limits.treeThreads()
              + " processes and threads");
        }
        long usec = counter(dir.resolve("cpu.stat"), "usage_usec");
        if (usec > limits.cpu().toNanos() / 1000) {
          return Optional.of("CPU time: the sandbox used more than " + limits.cpu().toSeconds() + " s");
        }
      } catch (IOException e) {
        // The cgroup went away with the run.
      }
      return Optional.empty();
    }

    private static long counter(Path file, String key) throws IOException {
      if (!Files.exists(file)) return 0;
      for (String line : Files.readAllLines(file)) {
        String[] kv = line.strip().split("\\s+");
        if (kv.length == 2 && kv[0].equals(key)) return Long.parseLong(kv[1]);
      }
      return 0;
    }

    @Override public void close() {
      try {
        // Killed processes leave the cgroup a moment after they die.
        for (int i = 0; i < 50 && Files.exists(dir); i++) {
          try {
            Files.delete(dir);
          } catch (IOException e) {
            Thread.sleep(20);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The host sums the tree's resident memory, threads and CPU time from {@code /proc} each poll. */
  record Polling(Path proc) implements TreeWatch {
    static final String NAME = "polling /proc every " + POLL_MILLIS + " ms: resident memory, threads and CPU time"
        + " of the process tree, killed past a limit";
    /** Linux reports CPU time in clock ticks of USER_HZ, which is 100 on every architecture the JDK runs on. */
    private static final long TICK_NANOS = 10_000_000L;

    Polling() {
      this(Path.of("/proc"));
    }

    @Override public String mechanism() {
      return NAME;
    }

    @Override public List<String> wrap(List<String> argv) {
      return argv;
    }

    @Override public Optional<String> breach(ProcessHandle root, Limits limits) {
      Usage u = measure(root);
      if (u.rssBytes() > limits.treeMemoryBytes()) {
        return Optional.of("memory: the sandbox's processes held " + u.rssBytes() / Limits.MIB + " MiB, more than "
            + limits.treeMemoryBytes() / Limits.MIB + " MiB");
      }
      if (u.threads() > limits.treeThreads()) {
        return Optional.of("threads: the sandbox ran " + u.threads() + " processes and threads, more than "
            + limits.treeThreads());
      }
      if (u.cpu().compareTo(limits.cpu()) > 0) {
        return Optional.of("CPU time: the sandbox used " + u.cpu().toSeconds() + " s, more than "
            + limits.cpu().toSeconds() + " s");
      }
      return Optional.empty();
    }

    /** {@return the tree's usage; processes that vanish while being read are skipped} */
    Usage measure(ProcessHandle root) {
      long rss = 0;
      int threads = 0;
      long ticks = 0;
      List<ProcessHandle> all = new ArrayList<>();
      all.add(root);
      try (Stream<ProcessHandle> d = root.descendants()) {
        d.forEach(all::add);
      }
      for (ProcessHandle h : all) {
        Path dir = proc.resolve(Long.toString(h.pid()));
        try {
          for (String line : Files.readAllLines(dir.resolve("status"), StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("VmRSS:")) rss += kib(line) * 1024;
            else if (line.startsWith("Threads:")) threads += (int) kib(line);
          }
          String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
          // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          // utime, stime, cutime, cstime are fields 14-17, i.e. 11-14 after the name and state.
          for (int i = 11; i <= 14 && i < f.length; i++) ticks += Long.parseLong(f[i]);
        } catch (IOException | RuntimeException e) {
          // The process ended between the listing and the read.
        }
      }
      return new Usage(rss, threads, Duration.ofNanos(ticks * TICK_NANOS));
    }

    private static long kib(String line) {
      String[] parts = line.substring(line.indexOf(':') + 1).strip().split("\\s+");
      return Long.parseLong(parts[0]);
    }

    @Override public void close() {}
  }
}
