package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.cli.ExitCodes;
import dev.spectra.orchestrator.cli.Io;
import dev.spectra.orchestrator.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code orchestrator sim} through the real CLI entry point. */
class SimCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  Io io(Map<String, String> env) {
    return new Io(new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(new byte[0]), env,
        Path.of("."));
  }

  @Test
  void unknownProfileIsAUsageErrorListingTheBuiltInProfiles() {
    int code = Main.run(new String[] {"sim", "--profile", "gpt-7", "--port", "0"}, io(Map.of()));

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("gpt-7").contains("built-in profiles:").contains("mistral-7b")
        .contains("claude-3-5-sonnet").doesNotContain("Exception");
  }

  @Test
  void aPortInUseIsAUsageErrorThatSuggestsAnother() {
    try (Simulator taken = Simulator.start(SimOptions.defaults())) {
      int code = Main.run(new String[] {"sim", "--port", String.valueOf(taken.baseUrl().getPort())}, io(Map.of()));

      assertThat(code).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).contains("cannot listen").contains("--port 0").doesNotContain("Exception");
    }
  }

  @Test
  void missingKeyVariableIsAUsageError() {
    int code = Main.run(new String[] {"sim", "--api-key-env", "SIM_KEY", "--port", "0"}, io(Map.of()));

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("SIM_KEY");
  }

  @Test
  void servesInTheForegroundPrintsTheEnvLineAndStopsCleanlyWhenInterrupted() throws Exception {
    AtomicInteger code = new AtomicInteger(-1);
    Thread server = new Thread(() -> code.set(Main.run(new String[] {"sim", "--port", "0", "--seed", "3"},
        io(Map.of()))));
    server.start();
    String url = awaitLine("ORCHESTRATOR_LLM_URL=");

    SimHttp http = new SimHttp(URI.create(url.replace("/v1/chat/completions", "")));
    String reply = SimHttp.json(http.post("/v1/chat/completions", SimHttp.openAi("any", "ping")))
        .at("/choices/0/message/content").asText();
    server.interrupt();
    server.join(60_000);

    assertThat(reply).isEqualTo("pong");
    assertThat(err.toString()).contains("POST /v1/chat/completions model=any -> 200 (profile perfect: fixture ping)");
    assertThat(out.toString()).contains("Simulator listening on http://127.0.0.1:").contains("profile perfect");
    assertThat(code.get()).isEqualTo(ExitCodes.OK);
    assertThat(err.toString()).contains("simulator stopped");
    assertThat(http.failureOf(http.postRequest("/v1/chat/completions", SimHttp.openAi("any", "x"))))
        .as("the port is closed after the stop").isNotNull();
  }

  @Test
  void jsonOutputCarriesTheBaseUrlAndEnv() throws Exception {
    Thread server = new Thread(() -> Main.run(new String[] {"sim", "--port", "0", "--json", "--profile", "flaky"},
        io(Map.of())));
    server.start();
    awaitLine("baseUrl");
    server.interrupt();
    server.join(60_000);

    var json = SimHttp.json(out.toString().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
    assertThat(json.path("baseUrl").asText()).startsWith("http://127.0.0.1:");
    assertThat(json.path("profile").asText()).isEqualTo("flaky");
    assertThat(json.at("/env/ORCHESTRATOR_LLM_URL").asText()).endsWith("/v1/chat/completions");
  }

  /** Waits for the server to print a line containing {@code marker}; returns what follows the marker. */
  private String awaitLine(String marker) throws InterruptedException {
    for (int i = 0; i < 1200; i++) {
      for (String line : out.toString().lines().toList()) {
        int at = line.indexOf(marker);
        if (at >= 0) return line.substring(at + marker.length()).strip();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the simulator never printed " + marker + "; stderr: " + err);
  }
}
