package dev.spectra.orchestrator.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.model.Money;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
  @TempDir Path dir;

  @Test void storesOnlyASaltedHashInAnOwnerOnlyFile() throws Exception {
    Path file = dir.resolve("cfg/keys.json");
    ApiKeys keys = ApiKeys.open(file);

    ApiKeys.Created created = keys.create("ci", Money.usd("5"), 60);

    String stored = Files.readString(file);
    // The secret is base64url and may itself hold '_': it is everything after "sko_<id>_".
    String secretPart = created.secret().substring(("sko_" + created.info().id() + "_").length());
    assertThat(created.secret()).startsWith("sko_" + created.info().id() + "_");
    assertThat(stored).doesNotContain(secretPart).contains("\"sha256\"").contains("\"salt\"");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(created.toString()).doesNotContain(secretPart);
    assertThat(Files.list(file.getParent()).map(p -> p.getFileName().toString())).doesNotContain("keys.json.tmp");
  }

  @Test void authenticatesTheExactKeyOnlyAndNotAfterRevocation() {
    ApiKeys keys = ApiKeys.open(dir.resolve("keys.json"));
    ApiKeys.Created a = keys.create("a", null, null);
    ApiKeys.Created b = keys.create("b", null, null);

    assertThat(keys.authenticate(a.secret())).hasValueSatisfying(k -> assertThat(k.name()).isEqualTo("a"));
    assertThat(keys.authenticate(b.secret())).hasValueSatisfying(k -> assertThat(k.name()).isEqualTo("b"));
    assertThat(keys.authenticate(a.secret().substring(0, a.secret().length() - 1) + "A")).isEmpty();
    assertThat(keys.authenticate("sko_" + b.info().id() + "_" + a.secret().substring(("sko_" + a.info().id() + "_").length()))).isEmpty();
    assertThat(keys.authenticate("sk-whatever")).isEmpty();

    assertThat(keys.revoke(a.info().id())).isTrue();
    assertThat(keys.revoke("nope")).isFalse();
    assertThat(keys.authenticate(a.secret())).isEmpty();
    assertThat(keys.list()).hasSize(2).filteredOn(ApiKeys.KeyInfo::active).singleElement()
        .satisfies(k -> assertThat(k.name()).isEqualTo("b"));
  }

  @Test void aKeyCreatedByAnotherProcessIsSeenWithoutRestartAndPendingSpendSurvivesIt() {
    Path file = dir.resolve("keys.json");
    ApiKeys server = ApiKeys.open(file);
    ApiKeys.Created first = server.create("first", Money.usd("1"), null);
    server.authenticate(first.secret());

    ApiKeys cli = ApiKeys.open(file);
    ApiKeys.Created second = cli.create("second", null, null);
    server.addSpend(first.info().id(), Money.usd("0.25"));
    server.flush();

    assertThat(server.authenticate(second.secret())).isPresent();
    assertThat(ApiKeys.open(file).list()).extracting(ApiKeys.KeyInfo::name).containsExactly("first", "second");
    assertThat(ApiKeys.open(file).list().getFirst().spent()).isEqualTo(Money.usd("0.25"));
  }

  @Test void aKeyRevokedOnDiskIsRefusedOnTheNextRequestEvenWhenTheModificationTimeIsUnchanged() throws Exception {
    Path file = dir.resolve("keys.json");
    ApiKeys server = ApiKeys.open(file);
    ApiKeys.Created key = server.create("a", null, null);
    assertThat(server.authenticate(key.secret())).isPresent();
    FileTime before = Files.getLastModifiedTime(file);

    assertThat(ApiKeys.open(file).revoke(key.info().id())).isTrue();
    // A rewrite within the file system's timestamp granularity looks unchanged by modification time alone.
    Files.setLastModifiedTime(file, before);

    assertThat(server.authenticate(key.secret())).isEmpty();
  }

  @Test void aKeyCreatedOnDiskIsAcceptedOnTheNextRequest() {
    Path file = dir.resolve("keys.json");
    ApiKeys server = ApiKeys.open(file);
    server.create("first", null, null);
    assertThat(server.authenticate("sko_0000000000_nothing")).isEmpty();

    ApiKeys.Created created = ApiKeys.open(file).create("second", null, null);

    assertThat(server.authenticate(created.secret())).hasValueSatisfying(k -> assertThat(k.name()).isEqualTo("second"));
  }

  @Test void writersOnTheSameFileInOneProcessNeverCollideOnTheFileLock() throws Exception {
    Path file = dir.resolve("keys.json");
    List<ApiKeys> instances = List.of(ApiKeys.open(file), ApiKeys.open(file),
        ApiKeys.open(dir.resolve(".").resolve("keys.json")));
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      ApiKeys keys = instances.get(t % instances.size());
      int n = t;
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          for (int i = 0; i < 5; i++) keys.create("k" + n + "-" + i, null, null);
        } catch (Throwable e) {
          failures.add(e);
        }
      }));
    }
    for (Thread th : threads) th.join();

    assertThat(failures).isEmpty();
    assertThat(ApiKeys.open(file).list()).hasSize(30);
  }

  @Test void spendAddedByConcurrentCallsIsAllWritten() throws Exception {
    Path file = dir.resolve("keys.json");
    ApiKeys keys = ApiKeys.open(file);
    ApiKeys.Created key = keys.create("a", Money.usd("100"), null);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      threads.add(Thread.ofPlatform().start(() -> {
        for (int i = 0; i < 5; i++) {
          keys.addSpend(key.info().id(), Money.usd("0.01"));
          keys.flush();
        }
      }));
    }
    for (Thread th : threads) th.join();
    keys.flushAll();

    assertThat(ApiKeys.open(file).list().getFirst().spent()).isEqualTo(Money.usd("0.40"));
  }
}
