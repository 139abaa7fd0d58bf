package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeWatchTest {
  @TempDir Path dir;

  Path cgroupTree(String controllers, String subtree) throws Exception {
    Path root = Files.createDirectories(dir.resolve("cgroup"));
    Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
    Path own = Files.createDirectories(root.resolve("user.slice/session"));
    Files.writeString(own.resolve("cgroup.controllers"), controllers);
    Files.writeString(own.resolve("cgroup.subtree_control"), subtree);
    Files.writeString(dir.resolve("self-cgroup"), "0::/user.slice/session\n");
    return root;
  }

  @Test
  void aDelegatedCgroupWithMemoryAndPidsIsUsed() throws Exception {
    Path root = cgroupTree("cpu memory pids\n", "memory pids\n");

    TreeWatch w = TreeWatch.detect(root, dir.resolve("self-cgroup"));

    assertThat(w).isInstanceOf(TreeWatch.Cgroup.class);
    assertThat(w.mechanism()).contains("cgroup v2");
    assertThat(w.wrap(java.util.List.of("bwrap"))).contains("bwrap").anyMatch(a -> a.endsWith("cgroup.procs"));
    w.close();
  }

  @Test
  void withoutThePidsControllerTheHostPollsTheTree() throws Exception {
    Path root = cgroupTree("cpu memory\n", "memory\n");

    assertThat(TreeWatch.detect(root, dir.resolve("self-cgroup"))).isInstanceOf(TreeWatch.Polling.class);
    assertThat(TreeWatch.describeAvailable(root, dir.resolve("self-cgroup"))).contains("polling");
  }

  @Test
  void withoutCgroupV2TheHostPollsTheTree() {
    assertThat(TreeWatch.detect(dir.resolve("none"), dir.resolve("none"))).isInstanceOf(TreeWatch.Polling.class);
  }

  @Test
  void pollingCountsThisProcesssMemoryThreadsAndCpu() {
    TreeWatch.Usage u = new TreeWatch.Polling().measure(ProcessHandle.current());

    assertThat(u.rssBytes()).isPositive();
    assertThat(u.threads()).isGreaterThan(1);
    assertThat(u.cpu()).isPositive();
  }

  @Test
  void pollingReportsWhichLimitWasPassed() {
    Limits tight = Limits.forWallClock(Duration.ofMinutes(1)).withTree(1024, 100_000);

    assertThat(new TreeWatch.Polling().breach(ProcessHandle.current(), tight)).hasValueSatisfying(
        s -> assertThat(s).startsWith("memory"));
  }
}
