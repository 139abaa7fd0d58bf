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
  void isolatesNetworkAndProcessesAndMakesOnlyTheWorkspaceWritable() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Bubblewrap bwrap = new Bubblewrap(Path.of("/usr/bin/bwrap"), Optional.of(Path.of("/usr/bin/prlimit")),
        List.of(), false);

    List<String> argv = bwrap.hostCommand(command(ws, List.of()));

    assertThat(argv).contains("--unshare-net", "--unshare-pid", "--unshare-user", "--die-with-parent",
        "--new-session");
    assertThat(Collections.indexOfSubList(argv, List.of("--ro-bind", "/", "/"))).isNotNegative();
    assertThat(Collections.indexOfSubList(argv, List.of("--bind", ws.toString(), ws.toString()))).isNotNegative();
    assertThat(argv).filteredOn("--bind"::equals).hasSize(1);
    assertThat(argv).doesNotContain("--cap-drop");
    // The limits apply to the program, inside the sandbox.
    int separator = argv.indexOf("--");
    assertThat(argv.subList(separator + 1, argv.size())).startsWith("/usr/bin/prlimit").contains("--nproc=1024")
        .endsWith("--", "java", "-version");
  }

  @Test
  void dropsCapabilitiesWhenRunAsRoot() {
    Bubblewrap bwrap = new Bubblewrap(Path.of("bwrap"), Optional.empty(), List.of(), true);

    assertThat(Collections.indexOfSubList(bwrap.hostCommand(command(dir, List.of())), List.of("--cap-drop", "ALL")))
        .isNotNegative();
  }

  @Test
  void hidesDirectoriesButBindsBackWhatMustStayReadable() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Path jdk = Files.createDirectories(home.resolve(".sdkman/java"));
    Path elsewhere = Files.createDirectories(dir.resolve("opt"));
    Path ws = Files.createDirectories(home.resolve("projects/todo"));
    Bubblewrap bwrap = new Bubblewrap(Path.of("bwrap"), Optional.empty(), List.of(home), false);

    List<String> argv = bwrap.hostCommand(command(ws, List.of(jdk, elsewhere)));

    int tmpfs = Collections.indexOfSubList(argv, List.of("--tmpfs", home.toString()));
    int jdkBack = Collections.indexOfSubList(argv, List.of("--ro-bind", jdk.toString(), jdk.toString()));
    int wsBind = Collections.indexOfSubList(argv, List.of("--bind", ws.toString(), ws.toString()));
    assertThat(tmpfs).isNotNegative();
    assertThat(jdkBack).as("mounted after the tmpfs that hides it").isGreaterThan(tmpfs);
    assertThat(wsBind).isGreaterThan(tmpfs);
    assertThat(argv).as("not hidden, so already readable through the read-only root")
        .doesNotContain(elsewhere.toString());
    assertThat(argv).doesNotContain("/usr/bin/prlimit");
  }
}
