package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.structured.JsonRepair;
import dev.spectra.orchestrator.structured.RepairMode;
import dev.spectra.orchestrator.structured.RepairResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator bench repair}: throughput of the JSON extraction and repair path on a JSONL corpus. */
@Command(name = "repair", mixinStandardHelpOptions = true, description = {
    "Measure JSON repair throughput (cases/s and MB/s of model output) after a warm-up",
    "(at least 3 s and 30 passes, then until the JIT compiler is idle for 10 passes, at most 60 s).",
    "The corpus is JSONL with an \"input\" string per line, e.g. bench/repair-typical.jsonl.",
    "MB = 10^6 bytes of UTF-8 input; --threads N runs N copies in parallel.",
    "Also reports MB per CPU-second of the whole process (GC and JIT included):",
    "on a shared machine the wall-clock figure falls with other processes' load, CPU time does not."})
public final class BenchRepairCommand implements Callable<Integer> {
  private static final long WARM_UP_NANOS = 3_000_000_000L;
  private static final int WARM_UP_PASSES = 30;
  private static final long MAX_WARM_UP_NANOS = 60_000_000_000L;

  private final Io io;

  @Option(names = "--jsonl", required = true, paramLabel = "FILE", description = "Corpus: one {\"input\": ...} per line.")
  Path jsonl;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "20", description = "Measured passes (default 20).")
  int repeat;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "1",
      description = "Threads repairing in parallel, each over the whole corpus (default 1).")
  int threads;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  @Option(names = "--lenient", description = "Measure the lenient mode (best reading, guesses listed).")
  boolean lenient;

  public BenchRepairCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() {
    if (repeat <= 0) throw ExitException.usage("--repeat must be > 0, got " + repeat);
    if (threads <= 0 || threads > 64) throw ExitException.usage("--threads must be 1..64, got " + threads);
    JsonRepair repair = new JsonRepair(lenient ? RepairMode.LENIENT : RepairMode.DEFAULT);
    List<String> inputs = load(io.cwd().resolve(jsonl), repair);
    long bytes = 0;
    for (String s : inputs) bytes += s.getBytes(StandardCharsets.UTF_8).length;

    boolean progress = !quiet && !json;
    if (progress) io.err().printf("warming up on %d cases (%.1f KB)...%n", inputs.size(), bytes / 1000.0);
    long sink = 0;
    int warmPasses = 0;
    long warmStart = System.nanoTime();
    // Until the JIT has compiled the hot paths, so that its work does not count as the repairer's: at least 3 s
    // and 30 passes, then until 10 passes in a row compiled nothing new (at most 60 s on a loaded machine).
    var jit = ManagementFactory.getCompilationMXBean();
    boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
    long compiled = jitTimed ? jit.getTotalCompilationTime() : 0;
    int quietPasses = 0;
    while (warmPasses < WARM_UP_PASSES || System.nanoTime() - warmStart < WARM_UP_NANOS
        || (jitTimed && quietPasses < 10 && System.nanoTime() - warmStart < MAX_WARM_UP_NANOS)) {
      sink += pass(repair, inputs);
      warmPasses++;
      long now = jitTimed ? jit.getTotalCompilationTime() : 0;
      quietPasses = now == compiled ? quietPasses + 1 : 0;
      compiled = now;
    }
    if (progress) io.err().printf("measuring %d passes on %d thread(s)...%n", repeat, threads);
    long cpuStart = processCpuNanos();
    long start = System.nanoTime();
    int ok = measure(repair, inputs);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
    double mbPerCpuSecond = cpuSeconds <= 0 ? 0 : bytes * (double) repeat * threads / cpuSeconds / 1e6;
    double casesPerSecond = inputs.size() * (double) repeat * threads / seconds;
    double mbPerSecond = bytes * (double) repeat * threads / seconds / 1e6;

    if (json) {
      ObjectNode out = repair.mapper().createObjectNode();
      out.put("corpus", jsonl.toString());
      out.put("cases", inputs.size());
      out.put("bytes", bytes);
      out.put("recovered", ok);
      out.put("warmUpPasses", warmPasses);
      out.put("passes", repeat);
      out.put("seconds", round(seconds));
      out.put("casesPerSecond", round(casesPerSecond));
      out.put("mbPerSecond", round(mbPerSecond));
      out.put("cpuSeconds", round(cpuSeconds));
      out.put("mbPerCpuSecond", round(mbPerCpuSecond));
      out.put("workerCpuSeconds", round(workerCpuNanos.get() / 1e9));
      out.put("availableProcessors", Runtime.getRuntime().availableProcessors());
      out.put("threads", threads);
      out.put("mode", repair.mode().name().toLowerCase(Locale.ROOT));
      out.put("java", Runtime.version().toString());
      out.put("collector", collector());
      out.put("jit", jit());
      out.put("checksum", sink);
      io.out().println(out.toPrettyString());
    } else {
      io.out().printf(Locale.ROOT, "%d cases (%.1f KB), %d measured passes after %d warm-up passes%n", inputs.size(),
          bytes / 1000.0, repeat, warmPasses);
      io.out().printf(Locale.ROOT, "recovered %d/%d (%s mode)%n", ok, inputs.size(),
          repair.mode().name().toLowerCase(Locale.ROOT));
      io.out().printf(Locale.ROOT, "%.0f cases/s, %.1f MB/s wall clock (%d thread(s), Java %s, %s collector, %s)%n",
          casesPerSecond, mbPerSecond, threads, Runtime.version().feature(), collector(), jit());
      io.out().printf(Locale.ROOT, "%.1f MB per CPU-second of the process (%.2f CPU-s used in %.2f s; %.2f CPU-s by "
          + "the repairing thread(s), the rest is GC and JIT)%n", mbPerCpuSecond, cpuSeconds, seconds,
          workerCpuNanos.get() / 1e9);
    }
    return ExitCodes.OK;
  }

  /** Runs {@code repeat} passes on each of {@code threads} threads; returns the cases recovered in one pass. */
  /** {@return the garbage collector this JVM runs ({@code G1}, {@code Serial}, ...): it changes the figures} */
  private static String collector() {
    for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      String name = gc.getName();
      if (name.startsWith("G1")) return "G1";
      if (name.equals("Copy") || name.equals("MarkSweepCompact")) return "Serial";
      if (name.startsWith("PS ")) return "Parallel";
      if (name.startsWith("ZGC")) return "ZGC";
      if (name.startsWith("Shenandoah")) return "Shenandoah";
    }
    return "unknown";
  }

  /** {@return {@code C1 only} when the optimising compiler is off (as the launcher runs short commands), else C1+C2} */
  private static String jit() {
    if (ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class) instanceof
        com.sun.management.HotSpotDiagnosticMXBean hs) {
      try {
        return "1".equals(hs.getVMOption("TieredStopAtLevel").getValue()) ? "C1 only" : "C1+C2";
      } catch (IllegalArgumentException notHotSpot) {
        return "unknown";
      }
    }
    return "unknown";
  }

  /** {@return CPU time of the whole process (all threads: GC and JIT too), or 0 when the JVM cannot tell} */
  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return Math.max(0, os.getProcessCpuTime());
    }
    return 0;
  }

  /** CPU time of the measuring threads alone, summed: the rest of the process CPU is GC and JIT. */
  private final java.util.concurrent.atomic.AtomicLong workerCpuNanos = new java.util.concurrent.atomic.AtomicLong();

  private int measure(JsonRepair repair, List<String> inputs) {
    int[] recovered = new int[threads];
    List<Thread> workers = new ArrayList<>();
    var mx = ManagementFactory.getThreadMXBean();
    for (int t = 0; t < threads; t++) {
      int slot = t;
      workers.add(Thread.ofPlatform().start(() -> {
        long cpu0 = mx.getCurrentThreadCpuTime();
        for (int r = 0; r < repeat; r++) recovered[slot] = pass(repair, inputs);
        workerCpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpu0);
      }));
    }
    for (Thread w : workers) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExitException(ExitCodes.INTERRUPTED, "interrupted");
      }
    }
    return recovered[0];
  }

  private static int pass(JsonRepair repair, List<String> inputs) {
    int ok = 0;
    for (String input : inputs) {
      // The tree is built, as the caller of a repair library parses its output.
      if (repair.repair(input) instanceof RepairResult.Recovered r && r.value() != null) ok++;
    }
    return ok;
  }

  private static List<String> load(Path path, JsonRepair repair) {
    List<String> inputs = new ArrayList<>();
    try {
      int n = 0;
      for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
        n++;
        if (line.isBlank()) continue;
        JsonNode c;
        try {
          c = repair.mapper().readTree(line);
        } catch (IOException e) {
          throw ExitException.usage(path + ": line " + n + " is not valid JSON");
        }
        if (!c.path("input").isTextual()) throw ExitException.usage(path + ": line " + n + " has no \"input\" string");
        inputs.add(c.get("input").textValue());
      }
    } catch (NoSuchFileException e) {
      throw ExitException.usage("no such file: " + path);
    } catch (IOException e) {
      throw ExitException.usage("cannot read " + path + ": " + e.getMessage());
    }
    if (inputs.isEmpty()) throw ExitException.usage(path + " has no cases");
    return inputs;
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
