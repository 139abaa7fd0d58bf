package dev.spectra.orchestrator.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The check's result comes out of the sandbox where the service ran: it is read as hostile input. */
class CheckResultTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String FILE = "target/spectra-verify/check.json";

  @TempDir Path project;

  private CheckOutcome read(List<String> distrusted) {
    return CheckResult.read(new UntrustedTree(project), FILE, JSON, distrusted, "runner output");
  }

  private void write(String content) throws Exception {
    Files.createDirectories(project.resolve(FILE).getParent());
    Files.writeString(project.resolve(FILE), content);
  }

  @Test
  void aForgedResultIsBoundedAndItsTextsCannotSteerATerminalOrAPrompt() throws Exception {
    ObjectNode root = JSON.createObjectNode().put("complete", true).put("problem", "");
    ObjectNode report = root.putObject("report").put("seed", 3).put("requests", 10);
    ArrayNode findings = report.putArray("findings");
    for (int i = 0; i < 300; i++) {
      findings.addObject().put("kind", "server-error").put("severity", "failure").put("operation", "GET /x")
          .put("summary", "evil\u202Etxt.exe\u001B[2J " + "a".repeat(3_000)).put("curl", "curl x")
          .put("expected", "e").put("actual", "a").put("timesSeen", 99_999_999_999L);
    }
    write(JSON.writeValueAsString(root));

    CheckOutcome c = read(new ArrayList<>());

    assertThat(c.ran()).isTrue();
    assertThat(c.findings()).hasSize(CheckResult.MAX_ENTRIES);
    CheckOutcome.Finding f = c.findings().get(0);
    assertThat(f.summary()).contains("<U+202E>").contains("<U+001B>").doesNotContain("\u202E").hasSizeLessThan(2100);
    assertThat(f.timesSeen()).isEqualTo(1_000_000);
  }

  @Test
  void aResultOverTheSizeLimitIsNotRead() throws Exception {
    write("{\"complete\": true, \"problem\": \"\", \"report\": {\"notes\": [\"" + "x".repeat(CheckResult.MAX_BYTES)
        + "\"]}}");
    assertThat(read(new ArrayList<>()).ran()).isFalse();
  }

  @Test
  void aLinkInPlaceOfTheResultIsRefusedNotFollowed() throws Exception {
    Path secret = Files.writeString(project.getParent().resolve("secret-" + System.nanoTime()), "{\"complete\":true}");
    Files.createDirectories(project.resolve(FILE).getParent());
    Files.createSymbolicLink(project.resolve(FILE), secret);
    List<String> distrusted = new ArrayList<>();

    CheckOutcome c = read(distrusted);

    assertThat(c.ran()).isFalse();
    assertThat(distrusted).isNotEmpty();
    Files.deleteIfExists(secret);
  }

  @Test
  void aMissingOrIncompleteResultIsACheckThatDidNotRunNeverAPass() throws Exception {
    assertThat(read(new ArrayList<>()).ran()).isFalse();
    write("{\"complete\": false, \"report\": {\"findings\": []}}");
    assertThat(read(new ArrayList<>()).noFailures()).isFalse();
    write("{\"complete\": true, \"problem\": \"the service ended with exit code 1\", \"serviceLog\": \"boom\"}");
    CheckOutcome c = read(new ArrayList<>());
    assertThat(c.problem()).contains("exit code 1");
    assertThat(c.serviceLog()).isEqualTo("boom");
  }
}
