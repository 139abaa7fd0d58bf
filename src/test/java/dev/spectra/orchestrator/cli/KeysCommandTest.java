package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
  @TempDir Path dir;
  StringWriter out = new StringWriter();
  StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    Io io = new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
        Map.of("ORCHESTRATOR_GATEWAY_KEYS", dir.resolve("keys.json").toString()), dir);
    return Main.run(args, io);
  }

  @Test void createPrintsTheKeyOnceListNeverShowsItAndRevokeDisablesIt() throws Exception {
    assertThat(run("keys", "create", "--name", "ci", "--budget", "2.50", "--rate-limit", "60", "--json")).isZero();
    JsonNode created = new ObjectMapper().readTree(out.toString());
    String key = created.path("key").asText();
    String id = created.path("id").asText();
    assertThat(key).startsWith("sko_" + id + "_");
    assertThat(created.path("budget_usd").asText()).isEqualTo("2.50");

    assertThat(run("keys", "list")).isZero();
    assertThat(out.toString()).contains(id).contains("ci").contains("active").doesNotContain(key.substring(15));
    assertThat(Files.readString(dir.resolve("keys.json"))).doesNotContain(key.substring(15));

    assertThat(run("keys", "revoke", id)).isZero();
    assertThat(run("keys", "list", "--json")).isZero();
    JsonNode listed = new ObjectMapper().readTree(out.toString());
    assertThat(listed.get(0).path("active").asBoolean()).isFalse();
    assertThat(listed.get(0).has("key")).isFalse();
  }

  @Test void revokingAnUnknownIdIsAUsageErrorNamingTheId() {
    assertThat(run("keys", "revoke", "nope")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("nope").contains("keys list").doesNotContain("Exception");
  }

  @Test void negativeBudgetIsRefusedAndNothingIsWritten() {
    assertThat(run("keys", "create", "--budget", "-1")).isEqualTo(ExitCodes.USAGE);
    assertThat(dir.resolve("keys.json")).doesNotExist();
  }
}
