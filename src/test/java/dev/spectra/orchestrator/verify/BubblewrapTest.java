package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BubblewrapTest {
  @TempDir Path dir;

  SandboxCommand command(Path workspace, List<Path> readOnly) {
    return new SandboxCommand(List.of("java", "-version"), workspace, readOnly, Map.of("PATH", "/usr/bin"),
        Limits.forWallClock(Duration.ofMinutes(1)));
  }

  @Test
  void runsAsAnUnprivilegedUserInItsOwnNamespacesWithOnlyTheWorkspaceWritable() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Bubblewrap bwrap = new Bubblewrap(Path.of("/usr/bin/bwrap"), Optional.of(Path.of("/usr/bin/prlimit")), false,
        Bubblewrap.SYSTEM, Optional.empty());

    List<String> argv = bwrap.hostCommand(command(ws, List.of()));

    assertThat(argv).contains("--unshare-net", "--unshare-pid", "--unshare-user", "--die-with-parent",
        "--new-session");
    assertThat(Collections.indexOfSubList(argv, List.of("--uid", "65534", "--gid", "65534"))).isNotNegative();
    assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", "/", "/"))).as("no host root").isNegative();
    assertThat(Collections.indexOfSubList(argv, List.of("--bind", ws.toString(), ws.toString()))).isNotNegative();
    assertThat(argv).filteredOn("--bind"::equals).hasSize(1);
    assertThat(argv).doesNotContain("--cap-drop", "/etc/shadow", "/root", "/home", "/run", "/sys");
    assertThat(Collections.indexOfSubList(argv, List.of("--proc", "/proc"))).as("its own /proc").isNotNegative();
    // The lifeline shell runs first inside, then the limits, then the program.
    int separator = argv.indexOf("--");
    assertThat(argv.subList(separator + 1, argv.size())).startsWith("/bin/sh", "-c", Bubblewrap.LIFELINE)
        .contains("/usr/bin/prlimit", "--nproc=1024").endsWith("--", "java", "-version");
  }

  @Test
  void dropsCapabilitiesWhenRunAsRoot() {
    Bubblewrap bwrap = new Bubblewrap(Path.of("bwrap"), Optional.empty(), true, List.of(), Optional.empty());

    assertThat(Collections.indexOfSubList(bwrap.hostCommand(command(dir, List.of())), List.of("--cap-drop", "ALL")))
        .isNotNegative();
  }

  @Test
  void bindsTheJdkAndCachesReadOnlyAndRecreatesSystemLinksAsLinks() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path jdk = Files.createDirectories(home.resolve(".sdkman/java"));
    Path usr = Files.createDirectories(dir.resolve("usr"));
    Path bin = Files.createSymbolicLink(dir.resolve("bin"), Path.of("usr"));
    Path ws = Files.createDirectories(home.resolve("projects/todo"));
    Bubblewrap bwrap = new Bubblewrap(Path.of("bwrap"), Optional.empty(), false, List.of(usr, bin),
        Optional.of(dir.resolve("passwd")));

    List<String> argv = bwrap.hostCommand(command(ws, List.of(jdk, usr.resolve("lib"))));

    assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", jdk.toString(), jdk.toString())))
        .isNotNegative();
    assertThat(Collections.indexOfSubList(argv, List.of("--symlink", "usr", bin.toString()))).isNotNegative();
    assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", dir.resolve("passwd").toString(),
        "/etc/passwd"))).isNotNegative();
    assertThat(argv).as("the home directory itself is not there").doesNotContain(home.toString());
  }
}
