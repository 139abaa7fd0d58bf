package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyResult;
import dev.spectra.orchestrator.verify.VerifySetupException;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BuildCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private Io io() {
    return new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
        Map.of("XDG_DATA_HOME", dir.resolve("data").toString(), "HOME", dir.toString()), Path.of("."));
  }

  private static Verifier verifier(int failed) {
    return (project, options) -> new VerifyResult(true, 4, 4 - failed, failed, failed == 0 ? List.of()
        : List.of(new VerifyResult.TestFailure("a.BTest", "c", "boom", "")), List.of(), VerifyResult.BUBBLEWRAP,
        false, Duration.ofMillis(5), "");
  }

  /** Runs one command the way Main does: ExitException becomes the exit code, its message goes to stderr. */
  private int run(Object command, String... args) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(io().out());
    cl.setErr(io().err());
    cl.setExecutionExceptionHandler((e, c, parsed) -> {
      if (e instanceof ExitException x) {
        err.write("error: " + x.getMessage() + "\n");
        return x.code();
      }
      throw e;
    });
    return cl.execute(args);
  }

  @Test
  void buildsAnExampleAndListsItInBuilds() throws Exception {
    Path target = dir.resolve("todo");
    int code = run(new BuildCommand(io(), () -> Optional.of(verifier(0))), "--openapi",
        Path.of("examples/todo-api.yaml").toAbsolutePath().toString(), "--out", target.toString());
    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("built todo-api").contains("6 implemented, 0 need a model")
        .contains("4 run, 4 passed");
    assertThat(err.toString()).contains("parse").contains("verify");
    assertThat(target.resolve("build-report.json")).exists();

    out.getBuffer().setLength(0);
    assertThat(run(new BuildsCommand(io()), "--json")).isEqualTo(ExitCodes.OK);
    JsonNode builds = new ObjectMapper().readTree(out.toString());
    // One build, from both the ledger (outcome "verified") and the index (tests and operations).
    assertThat(builds).singleElement().satisfies(b -> {
      assertThat(b.path("kind").asText()).isEqualTo("build");
      assertThat(b.path("outcome").asText()).isEqualTo("verified");
      assertThat(b.path("out").asText()).isEqualTo(target.toString());
      assertThat(b.path("tests").path("passed").asInt()).isEqualTo(4);
      assertThat(b.path("operations").path("implemented").asInt()).isEqualTo(6);
    });
  }

  @Test
  void withoutBubblewrapTheTemplateBuildSaysInOneLineThatItRanUnsandboxed() throws Exception {
    Verifier noSandbox = (project, options) -> {
      assertThat(options.templateOnly()).as("build --openapi runs template code only").isTrue();
      return new VerifyResult(true, 4, 4, 0, List.of(), List.of(), VerifyResult.NONE_TEMPLATE, false,
          Duration.ofMillis(5), "");
    };
    Path target = dir.resolve("todo");
    int code = run(new BuildCommand(io(), () -> Optional.of(noSandbox)), "--openapi",
        Path.of("examples/todo-api.yaml").toAbsolutePath().toString(), "--out", target.toString(), "--quiet");

    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(err.toString().lines().filter(l -> l.contains("bubblewrap"))).singleElement()
        .satisfies(l -> assertThat(l).contains("without a sandbox").contains("apt-get install bubblewrap"));
    assertThat(Files.readString(target.resolve("BUILD-REPORT.md"))).contains(VerifyResult.NONE_TEMPLATE)
        .contains("Verified without a sandbox");
  }

  @Test
  void aVerificationTimeoutIsCalledATimeoutNotACompileFailure() throws Exception {
    Verifier slow = (project, options) -> new VerifyResult(false, 0, 0, 0, List.of(), List.of(),
        VerifyResult.BUBBLEWRAP, true, Duration.ofSeconds(180), "[killed]");
    Path target = dir.resolve("slow");
    int code = run(new BuildCommand(io(), () -> Optional.of(slow)), "--openapi",
        Path.of("examples/todo-api.yaml").toAbsolutePath().toString(), "--out", target.toString(), "--quiet");

    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(out.toString()).contains("timed out").doesNotContain("compilation failed");
    assertThat(err.toString()).contains("verification timed out");
    assertThat(Files.readString(target.resolve("BUILD-REPORT.md"))).contains("timed out")
        .doesNotContain("compilation failed");
  }

  @Test
  void failingTestsExitWithOneAndStillPrintTheJsonReport() throws Exception {
    int code = run(new BuildCommand(io(), () -> Optional.of(verifier(1))), "--openapi",
        Path.of("examples/todo-api.yaml").toAbsolutePath().toString(), "--out", dir.resolve("o").toString(),
        "--json");
    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(new ObjectMapper().readTree(out.toString()).path("outcome").asText()).isEqualTo("failed");
    assertThat(err.toString()).contains("verification failed").doesNotContain("[ ");
  }

  @Test
  void openApi2IsBadInputWithTheFileAndNoStackTrace() throws Exception {
    Path f = dir.resolve("swagger.yaml");
    Files.writeString(f, "swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}\n");
    int code = run(new BuildCommand(io(), () -> Optional.of(verifier(0))), "--openapi", f.toString(), "--out",
        dir.resolve("o").toString());
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("swagger.yaml").contains("OpenAPI 2").doesNotContain("Exception");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void aVerificationThatCannotBeSetUpExitsOneNotNoSandbox() {
    Verifier broken = (project, options) -> {
      throw new VerifySetupException("could not resolve the project's dependencies (Maven exit 1)");
    };
    int code = run(new BuildCommand(io(), () -> Optional.of(broken)), "--openapi",
        Path.of("examples/todo-api.yaml").toAbsolutePath().toString(), "--out", dir.resolve("o").toString());
    assertThat(code).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("Maven exit 1").doesNotContain("unsafe");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void withoutAVerifierTheBuildExitsWithNoSandbox() {
    int code = run(new BuildCommand(io(), Optional::empty), "--openapi",
        Path.of("examples/todo-api.yaml").toAbsolutePath().toString(), "--out", dir.resolve("o").toString());
    assertThat(code).isEqualTo(ExitCodes.NO_SANDBOX);
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void aNonEmptyOutIsRefusedWithoutForce() throws Exception {
    Files.createDirectories(dir.resolve("o"));
    Files.writeString(dir.resolve("o/keep.txt"), "x");
    int code = run(new BuildCommand(io(), () -> Optional.of(verifier(0))), "--openapi",
        Path.of("examples/todo-api.yaml").toAbsolutePath().toString(), "--out", dir.resolve("o").toString());
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--force");
  }

  @Test
  void buildsWithNoHistorySaysHowToStart() {
    assertThat(run(new BuildsCommand(io()))).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("no builds yet").contains("build --openapi");
  }
}
