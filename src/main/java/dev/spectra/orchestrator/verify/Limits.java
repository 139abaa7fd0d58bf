package dev.spectra.orchestrator.verify;

import java.time.Duration;
import java.util.List;

/**
 * Resource limits for one sandboxed run. Each one stops a different way generated code can hurt the host. The
 * per-process limits ({@code prlimit}) need nothing special; the whole-tree limits are enforced by a {@link TreeWatch}:
 * a cgroup v2 where one can be delegated, else the host polling the process tree.
 *
 * @param wallClock the whole run (compile and tests) must end within this; then every process of it is killed
 * @param cpu RLIMIT_CPU per process, and the CPU time of the whole tree. A backstop for the wall clock: the kernel
 *     kills a spinning process even if the orchestrator itself was stopped
 * @param addressSpaceBytes RLIMIT_AS: virtual memory per process. Generous, because a JVM reserves far more address
 *     space than it touches (heap, class space, code cache, one stack per thread)
 * @param heap the JVM's {@code -Xmx}: the memory the tests can actually fill
 * @param processes RLIMIT_NPROC (per user; the kernel ignores it for root)
 * @param fileSizeBytes RLIMIT_FSIZE: the largest file a test may write, so a runaway writer cannot fill the disk
 * @param openFiles RLIMIT_NOFILE
 * @param treeMemoryBytes resident memory of all processes of the sandbox together (RLIMIT_AS is per process: two
 *     children could each fill it)
 * @param treeThreads threads (tasks) of all processes together: stops fork and thread bombs alike
 */
record Limits(Duration wallClock, Duration cpu, long addressSpaceBytes, String heap, int processes,
    long fileSizeBytes, int openFiles, long treeMemoryBytes, int treeThreads) {

  static final long MIB = 1024L * 1024;
  static final long GIB = 1024L * MIB;

  /** Defaults sized for a generated service's test run: seconds of work, a few hundred MB of heap. */
  static Limits forWallClock(Duration wallClock) {
    // CPU time may exceed wall time on several cores; twice the wall clock per core never fires first.
    long cpuSeconds = Math.max(60, wallClock.toSeconds() * 2 * Runtime.getRuntime().availableProcessors());
    return new Limits(wallClock, Duration.ofSeconds(cpuSeconds), 8 * GIB, "768m", 1024, GIB, 4096, 2 * GIB, 1024);
  }

  Limits withTree(long memoryBytes, int threads) {
    return new Limits(wallClock, cpu, addressSpaceBytes, heap, processes, fileSizeBytes, openFiles, memoryBytes,
        threads);
  }

  /** {@return the {@code prlimit} options that set these limits, soft and hard alike} */
  List<String> prlimitOptions() {
    return List.of(
        "--as=" + addressSpaceBytes,
        "--cpu=" + cpu.toSeconds(),
        "--nproc=" + processes,
        "--fsize=" + fileSizeBytes,
        "--nofile=" + openFiles,
        "--core=0");
  }

  /** {@return one line for reports and {@code doctor}} */
  String describe(TreeWatch watch) {
    return "whole sandbox: memory " + treeMemoryBytes / MIB + " MiB, " + treeThreads + " threads, CPU "
        + cpu.toSeconds() + " s, wall clock " + wallClock.toSeconds() + " s (" + watch.mechanism()
        + "); per process: heap " + heap + ", address space " + addressSpaceBytes / GIB + " GiB, file size "
        + fileSizeBytes / GIB + " GiB, " + openFiles + " open files, no core dumps";
  }
}
