package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MainTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]), Map.of(),
      Path.of("."));

  @Test
  void versionPrintsProjectVersionAndExitsZero() {
    int code = Main.run(new String[] {"--version"}, io);
    assertThat(code).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).startsWith("orchestrator ");
  }

  @Test
  void unknownFlagIsAUsageErrorWithoutStackTrace() {
    int code = Main.run(new String[] {"--no-such-flag"}, io);
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--no-such-flag").doesNotContain("Exception");
  }

  @Test
  void aMisspeltOptionIsNamedEvenWhenARequiredOptionIsMissing() {
    int code = Main.run(new String[] {"build", "--opneapi", "api.yaml"}, io);
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Unknown option: '--opneapi'").doesNotContain("Missing required");
  }

  @Test
  void aMissingRequiredOptionIsStillReported() {
    int code = Main.run(new String[] {"build", "--force"}, io);
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Missing required option: '--openapi=FILE'");
  }

  @Test
  void everyCommandBelongsToAHelpGroup() {
    Set<String> grouped = Main.GROUPS.values().stream().flatMap(java.util.List::stream).collect(Collectors.toSet());
    // A command outside every group would be listed at the bottom of --help without a heading.
    assertThat(grouped).containsAll(Main.commandLine(io).getSubcommands().keySet());
  }
}
