package dev.spectra.orchestrator.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.spectra.orchestrator.cli.ExitCodes;
import dev.spectra.orchestrator.cli.Io;
import dev.spectra.orchestrator.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code orchestrator check} through the real entry point: exit codes, text, JSON, JUnit XML, bad input. */
class CheckCommandTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private int run(String... args) {
    return run(Map.of("HOME", dir.toString()), args);
  }

  private int run(Map<String, String> env, String... args) {
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]), env,
        Path.of("."));
    return Main.run(args, io);
  }

  @Test
  void progressIsPlainCountedLinesWhenStderrIsNotATerminal() throws Exception {
    try (JdkBank bank = new JdkBank(Set.of())) {
      int code = run("check", "--openapi", "examples/bank-api.yaml", "--url", bank.url(), "--scenarios",
          "examples/bank-scenarios.yaml", "--fuzz", "3", "--seed", "3");
      assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
    }
    assertThat(err.toString()).doesNotContain("\r").doesNotContain("\u001b")
        .containsPattern("scenarios +\\d+ of \\d+ scenarios \\(100%\\), \\d+:\\d\\d elapsed")
        .containsPattern("fuzz +\\d+ of \\d+ operations \\(100%\\)");
    assertThat(out.toString()).contains("PASSED");
  }

  @Test
  void onATerminalEachPhaseIsOneLineUpdatedInPlace() throws Exception {
    try (JdkBank bank = new JdkBank(Set.of())) {
      int code = run(Map.of("HOME", dir.toString(), "ORCHESTRATOR_TERMINAL_COLUMNS", "80"), "check", "--openapi",
          "examples/bank-api.yaml", "--url", bank.url(), "--scenarios", "examples/bank-scenarios.yaml", "--fuzz", "3",
          "--seed", "3");
      assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
    }
    String progress = err.toString();
    assertThat(progress).contains("\r").contains("\u001b[K");
    // One finished line per phase that ran (scenarios, stateful, fuzz): updates rewrite the line, never add one.
    long lines = progress.chars().filter(c -> c == '\n').count();
    assertThat(lines).isBetween(1L, 4L);
    for (String line : progress.split("\n")) {
      String shown = line.substring(line.lastIndexOf('\r') + 1).replace("\u001b[K", "");
      assertThat(shown.length()).isLessThan(80);
    }
  }

  @Test
  void withJsonStderrCarriesNoProgress() throws Exception {
    try (JdkBank bank = new JdkBank(Set.of())) {
      int code = run("check", "--openapi", "examples/bank-api.yaml", "--url", bank.url(), "--fuzz", "3", "--seed",
          "3", "--json");
      assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
    }
    assertThat(err.toString()).isEmpty();
    assertThat(new ObjectMapper().readTree(out.toString()).path("passed").asBoolean()).isTrue();
  }

  @Test
  void aCorrectServiceExitsZeroAndTheJunitReportHasNoFailure() throws Exception {
    Path junit = dir.resolve("reports/check.xml");
    try (JdkBank bank = new JdkBank(Set.of())) {
      int code = run("check", "--openapi", "examples/bank-api.yaml", "--url", bank.url(), "--scenarios",
          "examples/bank-scenarios.yaml", "--fuzz", "10", "--seed", "3", "--junit", junit.toString(), "--quiet");
      assertThat(code).as(out + "\n" + err).isEqualTo(ExitCodes.OK);
    }
    assertThat(out.toString()).contains("PASSED: 0 failures").contains("(seed 3)");
    assertThat(err.toString()).isEmpty();
    String xml = Files.readString(junit);
    assertThat(xml).contains("<testsuite name=\"orchestrator check\"").contains("failures=\"0\"")
        .contains("name=\"POST /accounts (openAccount)\"").doesNotContain("<failure");
  }

  @Test
  void findingsExitOneAndTheJsonCarriesKindCurlAndSeed() throws Exception {
    try (JdkBank bank = new JdkBank(Set.of(Defect.OVERDRAFT_ALLOWED, Defect.AUDIT_WITHOUT_AUTH))) {
      int code = run("check", "--openapi", "examples/bank-api.yaml", "--url", bank.url(), "--scenarios",
          "examples/bank-scenarios.yaml", "--fuzz", "5", "--seed", "11", "--security", "--json", "--quiet");
      assertThat(code).isEqualTo(ExitCodes.FAILED);
    }
    JsonNode report = new ObjectMapper().readTree(out.toString());
    assertThat(report.path("passed").asBoolean()).isFalse();
    assertThat(report.path("seed").asLong()).isEqualTo(11);
    JsonNode kinds = report.path("findings");
    assertThat(kinds.findValuesAsText("kind")).contains("scenario", "security");
    assertThat(kinds.findValuesAsText("cwe")).contains("CWE-306");
    assertThat(kinds.findValuesAsText("curl")).allMatch(c -> c.startsWith("curl "));
  }

  @Test
  void nothingListeningAtTheUrlExitsTwoAndSaysSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();   // free now, so nothing is listening there
    }
    int code = run("check", "--openapi", "examples/bank-api.yaml", "--url", "http://127.0.0.1:" + port, "--quiet");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("nothing is listening there");
  }

  @Test
  void aContractThatDoesNotParseExitsTwoNamingTheFile() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "openapi: 3.0.3\npaths: [\n");
    int code = run("check", "--openapi", bad.toString(), "--url", "http://127.0.0.1:9", "--quiet");
    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("bad.yaml").contains("not valid YAML");
  }

  @Test
  void aBadScenarioFileExitsTwoWithFileAndLineBeforeAnyRequest() throws Exception {
    Path scenarios = dir.resolve("s.yaml");
    Files.writeString(scenarios, """
        scenarios:
          - name: uses a variable nobody captured
            steps:
              - request: {method: GET, path: "/accounts/{{account}}"}
                expect: {status: 200}
              - request: {method: GET, path: /accounts}
                expct: {status: 200}
        """);
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", ex -> {
      requests.incrementAndGet();
      ex.sendResponseHeaders(404, -1);
      ex.close();
    });
    server.start();
    try {
      int code = run("check", "--openapi", "examples/bank-api.yaml", "--url",
          "http://127.0.0.1:" + server.getAddress().getPort(), "--scenarios", scenarios.toString(), "--quiet");
      assertThat(code).isEqualTo(ExitCodes.USAGE);
    } finally {
      server.stop(0);
    }
    assertThat(requests.get()).as("requests sent before refusing the scenarios").isZero();
    assertThat(err.toString())
        .contains("s.yaml:4").contains("variable '{{account}}' is not defined before this step")
        .contains("s.yaml:7").contains("unknown key 'expct'");
  }

  @Test
  void aHeaderValueIsNeverPrinted() throws Exception {
    try (JdkBank bank = new JdkBank(Set.of(Defect.ACCEPTS_ANY_CURRENCY))) {
      run("check", "--openapi", "examples/bank-api.yaml", "--url", bank.url(), "--fuzz", "40", "--seed", "2",
          "--header", "Authorization: Bearer bank-admin-token", "--quiet");
    }
    assertThat(out.toString()).contains("accepted-invalid-input").contains("<value from --header>")
        .doesNotContain("bank-admin-token");
  }
}
