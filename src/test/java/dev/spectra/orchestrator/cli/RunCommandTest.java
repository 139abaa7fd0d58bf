package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} and {@code resume} through the real entry point: exit codes and messages for bad input. */
class RunCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    env.put("ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db"));
    env.put("ORCHESTRATOR_LLM_URL", "http://127.0.0.1:" + closedPort());
    env.put("ORCHESTRATOR_LLM_KIND", "ollama");
    env.put("ORCHESTRATOR_LLM_MODEL", "qwen2.5-coder:32b");
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env,
        dir);
    return Main.run(args, io);
  }

  static int closedPort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void anEmptyRequestIsAUsageErrorThatSaysWhatIsMissing() {
    assertThat(run("run", "  ", "--quiet")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("the request is empty").doesNotContain("Exception");
  }

  @Test
  void aNonEmptyOutIsRefusedWithoutForceBeforeAnyModelCall() throws Exception {
    Files.createDirectories(dir.resolve("taken"));
    Files.writeString(dir.resolve("taken/file.txt"), "mine");
    assertThat(run("run", "Build a todo list service", "--out", "taken", "--quiet")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--out taken is not empty").contains("--force");
    assertThat(dir.resolve("taken/file.txt")).content().isEqualTo("mine");
  }

  @Test
  void anUnreachableModelNamesTheUrlAndTheModelFreeCommand() {
    int code = run("run", "Build a todo list service", "--quiet");
    assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(err.toString()).contains("127.0.0.1").contains("build --openapi").contains("orchestrator resume run-");
  }

  @Test
  void jsonOutputCarriesStatusAndExitCode() {
    int code = run("run", "Build a todo list service", "--json");
    assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
    assertThat(out.toString()).contains("\"status\" : \"unreachable\"").contains("\"exitCode\" : 3");
  }

  @Test
  void aBuildStoppedForWantOfTheNetworkExitsWithTheNeedsNetworkCodeAndSaysSo() throws Exception {
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]),
        Map.of(), dir);
    var stopped = new dev.spectra.orchestrator.run.RunOutcome.Stopped("run-1",
        dev.spectra.orchestrator.run.RunOutcome.Reason.NEEDS_NETWORK, dir,
        "the first build needs Maven Central once, to fill the dependency cache", "orchestrator resume run-1", null);
    assertThat(RunCommand.print(io, stopped, false)).isEqualTo(ExitCodes.NEEDS_NETWORK).isNotEqualTo(ExitCodes.NO_SANDBOX);
    assertThat(err.toString()).contains("needs Maven Central once").contains("orchestrator resume run-1");
    assertThat(RunCommand.print(io, stopped, true)).isEqualTo(ExitCodes.NEEDS_NETWORK);
    assertThat(out.toString()).contains("\"status\" : \"needs-network\"").contains("\"exitCode\" : 7");
  }

  @Test
  void resumingAnUnknownBuildIsAUsageError() {
    assertThat(run("resume", "run-nope", "--quiet")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("no stopped build 'run-nope'");
  }

  @Test
  void aRequestFileIsReadWholeNotSplitIntoArguments() throws Exception {
    Files.writeString(dir.resolve("request.txt"), "Build a service for a small library: a member's loans, at most 3.\n");
    int code = run("run", "@" + dir.resolve("request.txt"), "--quiet");
    assertThat(err.toString()).doesNotContain("Unmatched argument");
    assertThat(code).isEqualTo(ExitCodes.UNREACHABLE);
  }

  @Test
  void aMissingRequestFileIsAUsageError() {
    assertThat(run("run", "@missing.txt", "--quiet")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("missing.txt").contains("no such file");
  }
}
