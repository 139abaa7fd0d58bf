package dev.spectra.orchestrator.verify;

import java.time.Duration;
import java.util.List;

/**
 * Resource limits for one sandboxed run. Each one stops a different way generated code can hurt the host; none of
 * them needs cgroups, so they work for any user on any Linux.
 *
 * @param wallClock the whole run (compile and tests) must end within this; then every process of it is killed
 * @param cpu RLIMIT_CPU: CPU seconds the process may burn. A backstop for the wall clock: the kernel kills a spinning
 *     process even if the orchestrator itself was stopped
 * @param addressSpaceBytes RLIMIT_AS: virtual memory. Generous, because a JVM reserves far more address space than
 *     it touches (heap, class space, code cache, one stack per thread); the real memory bound is {@code heap}
 * @param heap the JVM's {@code -Xmx}: the memory the tests can actually fill
 * @param processes RLIMIT_NPROC (threads count too), and the host-side watchdog's bound on the process tree: stops a
 *     fork bomb
 * @param fileSizeBytes RLIMIT_FSIZE: the largest file a test may write, so a runaway writer cannot fill the disk
 * @param openFiles RLIMIT_NOFILE
 */
record Limits(Duration wallClock, Duration cpu, long addressSpaceBytes, String heap, int processes,
    long fileSizeBytes, int openFiles) {

  static final long GIB = 1024L * 1024 * 1024;

  /** Defaults sized for a generated service's test run: seconds of work, a few hundred MB of heap. */
  static Limits forWallClock(Duration wallClock) {
    // CPU time may exceed wall time on several cores; twice the wall clock per core never fires first.
    long cpuSeconds = Math.max(60, wallClock.toSeconds() * 2 * Runtime.getRuntime().availableProcessors());
    return new Limits(wallClock, Duration.ofSeconds(cpuSeconds), 8 * GIB, "768m", 1024, GIB, 4096);
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
}
