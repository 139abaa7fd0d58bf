package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTreeTest {
  @TempDir Path dir;
  final ProcessTree tree = new ProcessTree("##progress ");
  final Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");

  /** A unique argument to recognise this test's processes in the host's process table. */
  final String tag = "17" + Math.abs(UUID.randomUUID().getLeastSignificantBits() % 1000);

  long survivors() {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().orElse("").contains("sleep " + tag)).count();
  }

  @Test
  void forkBombInBubblewrapIsStoppedByTheThreadLimitOfTheWholeTreeAndEveryProcessIsKilled() throws Exception {
    // As root the kernel ignores RLIMIT_NPROC, so the watchdog is what stops this; the PID namespace makes the kill
    // complete even while the shell is still forking.
    Bubblewrap bwrap = Bubblewrap.create(ToolLookup.path(System.getenv()).find("bwrap").orElseThrow(), Optional.empty(),
        Environment.settings(System.getenv(), Path.of("unused-cache")).root(), dir.resolve("cache"));
    SandboxCommand command = new SandboxCommand(
        List.of("sh", "-c", "for i in $(seq 1 40); do sleep " + tag + " & done; wait"), dir, List.of(), env,
        Limits.forWallClock(Duration.ofMinutes(1)));

    ProcessTree.Outcome o = tree.run(bwrap.hostCommand(command), env, dir,
        Limits.forWallClock(Duration.ofMinutes(1)).withTree(Limits.GIB, 10), new TreeWatch.Polling(), true,
        line -> {});

    assertThat(o).isInstanceOfSatisfying(ProcessTree.Outcome.OverLimit.class,
        l -> assertThat(l.limit()).startsWith("threads"));
    assertThat(survivors()).isZero();
  }

  @Test
  void wallClockLimitKillsTheWholeTree() throws Exception {
    ProcessTree.Outcome o = tree.run(List.of("sh", "-c", "sleep " + tag + " & sleep " + tag + " & wait"),
        env, dir, Duration.ofSeconds(2), 100, line -> {});

    assertThat(o).isInstanceOf(ProcessTree.Outcome.TimedOut.class);
    assertThat(survivors()).isZero();
  }

  @Test
  void progressLinesGoToTheListenerAndTheRestToTheOutput() throws Exception {
    List<String> progress = new ArrayList<>();

    ProcessTree.Outcome o = tree.run(List.of("sh", "-c", "echo '##progress compile main'; echo hello; exit 3"),
        env, dir, Duration.ofMinutes(1), 100, progress::add);

    assertThat(o).isInstanceOfSatisfying(ProcessTree.Outcome.Exited.class, e -> assertThat(e.code()).isEqualTo(3));
    assertThat(progress).containsExactly("compile main");
    assertThat(o.output()).isEqualTo("hello\n");
  }

  @Test
  void hugeOutputKeepsItsBeginningAndEnd() {
    ProcessTree.BoundedOutput out = new ProcessTree.BoundedOutput();
    out.append("first line");
    for (int i = 0; i < 100_000; i++) out.append("noise " + i);
    out.append("last line");

    String text = out.text();
    assertThat(text).startsWith("first line").endsWith("last line\n").contains("left out");
    assertThat(text.length()).isLessThan(100_000);
  }
}
