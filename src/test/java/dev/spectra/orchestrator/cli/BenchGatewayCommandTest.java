package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.bench.PortkeyProcessTest;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench gateway} on tiny request counts: every target answers, rounds and ranges are reported. */
class BenchGatewayCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  @TempDir Path cwd;

  int run(String... args) {
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]), Map.of(), cwd);
    return Main.run(args, io);
  }

  @Test void measuresDirectRelayGatewayAndPortkeySideBySideInEveryRunWithRangesInJson() throws Exception {
    assumeTrue(PortkeyProcessTest.nodeInstalled(), "node is not installed");
    PortkeyProcessTest.installFake(cwd.resolve("portkey"));

    int code = run("bench", "gateway", "--portkey-dir", "portkey", "--requests", "20", "--throughput-requests", "40",
        "--clients", "4", "--warmup", "5", "--runs", "2", "--json");

    assertThat(code).as(err.toString()).isZero();
    JsonNode root = new ObjectMapper().readTree(out.toString());
    assertThat(root.path("runs")).hasSize(2);
    for (JsonNode run : root.path("runs")) {
      List<String> timed = new ArrayList<>();
      run.path("latency").forEach(l -> timed.add(l.path("target").asText()));
      assertThat(timed).containsExactly("direct", "relay", "orchestrator", "portkey", "gateway-alone");
      List<String> loaded = new ArrayList<>();
      run.path("throughput").forEach(t -> loaded.add(t.path("target").asText()));
      assertThat(loaded).containsExactly("direct", "relay", "orchestrator", "portkey");
      run.path("latency").forEach(l -> assertThat(l.path("errors").asInt()).isZero());
      run.path("throughput").forEach(t -> {
        assertThat(t.path("errors").asInt()).isZero();
        assertThat(t.path("requests").asInt()).isEqualTo(40);
      });
      assertThat(run.path("throughput_vs_portkey").isNumber()).isTrue();
    }
    assertThat(root.at("/ranges/throughput_vs_portkey/min").asDouble())
        .isLessThanOrEqualTo(root.at("/ranges/throughput_vs_portkey/max").asDouble());
    assertThat(root.at("/goals/added_p50_vs_relay_max").asDouble()).isEqualTo(1.2);
    assertThat(root.at("/goals/throughput_vs_portkey_min").asDouble()).isEqualTo(2.0);
    assertThat(root.path("portkey_note").isNull()).isTrue();
    assertThat(root.path("command").asText()).contains("--runs 2");
  }

  @Test void withoutPortkeyTheTextReportNamesEveryTargetAndSaysPortkeyWasSkipped() {
    int code = run("bench", "gateway", "--no-portkey", "--requests", "10", "--throughput-requests", "20",
        "--clients", "2", "--warmup", "2", "--quiet");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("direct", "relay", "orchestrator", "gateway-alone",
        "orchestrator added p50 / relay added p50", "portkey: skipped (--no-portkey)");
  }

  @Test void zeroRunsIsAUsageError() {
    int code = run("bench", "gateway", "--runs", "0");

    assertThat(code).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--runs");
  }
}
