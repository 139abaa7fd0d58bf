package dev.spectra.orchestrator.verify.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UntrustedTreeTest {
  @TempDir Path dir;
  @TempDir Path host;

  @Test
  void sweepRemovesLinksHardLinksAndFifosAndKeepsFilesAndDirectories() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws/src"));
    Files.writeString(ws.resolve("A.java"), "class A {}");
    Path secret = Files.writeString(host.resolve("secret"), "s");
    Files.createSymbolicLink(ws.resolve("link"), secret);
    Files.createSymbolicLink(ws.resolve("root"), Path.of("/"));
    Files.createLink(ws.resolve("second"), secret);
    new ProcessBuilder("mkfifo", ws.resolve("fifo").toString()).start().waitFor();

    var removed = new UntrustedTree(dir.resolve("ws")).sweep();

    assertThat(removed).extracting(UntrustedTree.Removed::path)
        .containsExactlyInAnyOrder("src/link", "src/root", "src/second", "src/fifo");
    assertThat(ws.resolve("A.java")).hasContent("class A {}");
    assertThat(secret).hasContent("s");
  }

  @Test
  void readRefusesALinkAnywhereOnTheWayAndTooLargeFiles() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path hostDir = Files.createDirectories(host.resolve("d"));
    Files.writeString(hostDir.resolve("f.txt"), "host");
    Files.createSymbolicLink(ws.resolve("d"), hostDir);
    Files.createSymbolicLink(ws.resolve("f.txt"), hostDir.resolve("f.txt"));
    Files.writeString(ws.resolve("big.txt"), "x".repeat(100));
    UntrustedTree tree = new UntrustedTree(ws);

    assertThatThrownBy(() -> tree.read("d/f.txt", 1000)).isInstanceOf(java.io.IOException.class);
    assertThatThrownBy(() -> tree.read("f.txt", 1000)).isInstanceOf(UntrustedTree.Refused.class);
    assertThatThrownBy(() -> tree.read("../ws/big.txt", 1000)).isInstanceOf(UntrustedTree.Refused.class);
    assertThatThrownBy(() -> tree.read("big.txt", 10)).isInstanceOf(UntrustedTree.Refused.class);
    assertThat(new String(tree.read("big.txt", 1000), StandardCharsets.UTF_8)).hasSize(100);
  }

  @Test
  void replaceRenamesOverALinkInsteadOfWritingThroughIt() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws"));
    Path profile = Files.writeString(host.resolve(".profile"), "mine");
    Files.createSymbolicLink(ws.resolve("BUILD-REPORT.md"), profile);
    Files.createDirectories(ws.resolve("build-report.json/inner"));

    UntrustedTree tree = new UntrustedTree(ws);
    tree.replace("BUILD-REPORT.md", "report".getBytes(StandardCharsets.UTF_8));
    tree.replace("build-report.json", "{}".getBytes(StandardCharsets.UTF_8));

    assertThat(profile).hasContent("mine");
    assertThat(Files.isSymbolicLink(ws.resolve("BUILD-REPORT.md"))).isFalse();
    assertThat(ws.resolve("BUILD-REPORT.md")).hasContent("report");
    assertThat(ws.resolve("build-report.json")).isRegularFile().hasContent("{}");
  }

  @Test
  void deleteAllRemovesLinksWithoutFollowingThem() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws/a"));
    Path keep = Files.writeString(Files.createDirectories(host.resolve("keep")).resolve("f"), "keep");
    Files.createSymbolicLink(ws.resolve("to-host"), host.resolve("keep"));

    new UntrustedTree(dir.resolve("ws")).deleteAll();

    assertThat(dir.resolve("ws")).doesNotExist();
    assertThat(keep).hasContent("keep");
  }

  @Test
  void aDirectoryWithoutPermissionsIsStillSweptAndDeleted() throws Exception {
    Path ws = Files.createDirectories(dir.resolve("ws/locked"));
    Files.createSymbolicLink(ws.resolve("link"), Path.of("/"));
    Files.setPosixFilePermissions(ws, java.nio.file.attribute.PosixFilePermissions.fromString("---------"));

    var removed = new UntrustedTree(dir.resolve("ws")).sweep();
    new UntrustedTree(dir.resolve("ws")).deleteAll();

    assertThat(removed).extracting(UntrustedTree.Removed::path).containsExactly("locked/link");
    assertThat(dir.resolve("ws")).doesNotExist();
  }

  @Test
  void printableNamesShowControlAndBidiCharacters() {
    assertThat(Names.printable("a\nb\u202Ec\0")).isEqualTo("a<U+000A>b<U+202E>c<U+0000>");
    assertThat(Names.clean("line 1\nline\u001B[31m 2")).isEqualTo("line 1\nline<U+001B>[31m 2");
  }
}
