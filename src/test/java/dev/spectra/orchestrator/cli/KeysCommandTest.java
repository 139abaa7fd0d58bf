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
        Map.of("HOME", dir.toString(), "ORCHESTRATOR_DB_URL", "jdbc:sqlite:" + dir.resolve("ledger.db"),
            "ORCHESTRATOR_GATEWAY_KEYS", dir.resolve("old-keys.json").toString()), dir);
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
    for (String f : new String[] {"ledger.db", "ledger.db-wal"}) {
      if (Files.exists(dir.resolve(f))) {
        assertThat(new String(Files.readAllBytes(dir.resolve(f)), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f).doesNotContain(key.substring(15));
      }
    }

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
    assertThat(dir.resolve("ledger.db")).doesNotExist();
  }

  @Test void importCopiesKeysOfTheOldFileSoTheKeysClientsHoldKeepWorking() throws Exception {
    // The format earlier versions wrote: salt, SHA-256(salt || secret), spend and revocation per key.
    String secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I";
    byte[] salt = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    var sha = java.security.MessageDigest.getInstance("SHA-256");
    sha.update(salt);
    String hash = java.util.HexFormat.of().formatHex(sha.digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Files.writeString(dir.resolve("old-keys.json"), "{\"version\":1,\"keys\":[{\"id\":\"a1b2c3d4e5\",\"name\":\"ci\","
        + "\"created\":\"2026-01-01T00:00:00Z\",\"budget_usd\":\"5\",\"spent_usd\":\"1.25\",\"rate_limit_rpm\":null,"
        + "\"revoked\":null,\"salt\":\"" + java.util.Base64.getEncoder().encodeToString(salt) + "\",\"sha256\":\""
        + hash + "\"}]}");

    assertThat(run("keys", "import")).isZero();
    assertThat(out.toString()).contains("Imported 1 key");
    assertThat(run("keys", "list", "--json")).isZero();
    JsonNode listed = new ObjectMapper().readTree(out.toString());
    assertThat(listed.get(0).path("id").asText()).isEqualTo("a1b2c3d4e5");
    assertThat(listed.get(0).path("spent_usd").asText()).isEqualTo("1.25");
    try (var db = dev.spectra.orchestrator.ledger.Database.open("jdbc:sqlite:" + dir.resolve("ledger.db"))) {
      assertThat(new dev.spectra.orchestrator.ledger.GatewayKeys(db, java.time.Clock.systemUTC())
          .authenticate("sko_a1b2c3d4e5_" + secret)).isPresent();
    }
    assertThat(run("keys", "import")).isZero();
    assertThat(out.toString()).contains("Imported 0 key").contains("1 already in the database");
  }
}
