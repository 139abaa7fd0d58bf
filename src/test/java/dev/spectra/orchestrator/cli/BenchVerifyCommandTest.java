package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchVerifyCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  @TempDir Path cwd;

  int run(String... args) {
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]), Map.of(), cwd);
    return Main.run(args, io);
  }

  @Test
  void missingContractIsAUsageErrorNamingTheFile() {
    int code = run("bench", "verify", "--openapi", "nope.yaml");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("nope.yaml").doesNotContain("Exception");
  }

  @Test
  void zeroRepetitionsIsAUsageError() {
    int code = run("bench", "verify", "--repetitions", "0");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--repetitions");
  }

  @Test
  void benchWithoutABenchmarkListsThemAsAUsageError() {
    int code = run("bench");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("verify");
  }
}
