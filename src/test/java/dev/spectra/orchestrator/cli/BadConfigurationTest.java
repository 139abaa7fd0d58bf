package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mistake in any section of orchestrator.yaml stops every command before it does anything, with exit 2. */
class BadConfigurationTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
        Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString(),
            "XDG_DATA_HOME", dir.resolve("data").toString()), dir);
    return Main.run(args, io);
  }

  @Test
  void aTypoInASectionOnlyTheCascadeReadsStopsCommandsThatNeverRoute() throws Exception {
    Files.writeString(dir.resolve("orchestrator.yaml"), "routing:\n  retry:\n    max-atempts: 2\n");
    for (String[] args : List.of(new String[] {"builds"}, new String[] {"stats"}, new String[] {"keys", "list"},
        new String[] {"models"}, new String[] {"repair", "-"}, new String[] {"ledger"})) {
      err.getBuffer().setLength(0);
      assertThat(run(args)).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).as(String.join(" ", args))
          .contains("orchestrator.yaml:3: routing.retry.max-atempts: unknown key; did you mean 'max-attempts'?")
          .doesNotContain("Exception");
    }
  }

  @Test
  void anUnreadSectionIsAnErrorAlsoInJson() throws Exception {
    Files.writeString(dir.resolve("orchestrator.yaml"), "sandbox:\n  memory: 2g\n");
    assertThat(run("builds", "--json")).isEqualTo(ExitCodes.USAGE);
    JsonNode error = new ObjectMapper().readTree(out.toString()).path("error");
    assertThat(error.path("exitCode").asInt()).isEqualTo(ExitCodes.USAGE);
    assertThat(error.path("message").asText()).contains("orchestrator.yaml:1: sandbox: unknown key");
  }
}
