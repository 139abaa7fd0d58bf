package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildHistoryTest {
  @TempDir Path dir;

  private static BuildReport report(String id, String outcome) {
    return new BuildReport(id, "todo-api", "examples/todo-api.yaml", "javalin", "/tmp/out", "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:09Z", outcome,
        List.of(new BuildReport.OperationEntry("GET", "/todos", "listTodos", BuildReport.IMPLEMENTED, "list", "x", ""),
            new BuildReport.OperationEntry("POST", "/x", "x", BuildReport.NEEDS_MODEL, "", "y", "action")),
        List.of("pom.xml"), new BuildReport.Tests(true, 5, 4, 1, 0, false, "bubblewrap", List.of(), List.of()),
        List.of(new BuildReport.Step("parse", 100), new BuildReport.Step("verify", 900)), List.of(),
        new BuildReport.Start(List.of("/tmp/out/run"), "/tmp/out", "PORT", true));
  }

  @Test
  void listsAppendedBuildsOldestFirstAndSkipsATornLine() throws Exception {
    var h = new BuildHistory(dir.resolve("orchestrator/builds.jsonl"));
    assertThat(h.list()).isEmpty();
    h.append(report("b1", BuildReport.PASSED));
    Files.writeString(h.file(), "{\"id\":\"torn", StandardOpenOption.APPEND);
    Files.writeString(h.file(), "\n", StandardOpenOption.APPEND);
    h.append(report("b2", BuildReport.FAILED));
    assertThat(h.list()).extracting(BuildHistory.Entry::id).containsExactly("b1", "b2");
    var e = h.list().getFirst();
    assertThat(e.implemented()).isEqualTo(1);
    assertThat(e.needsModel()).isEqualTo(1);
    assertThat(e.testsFailed()).isEqualTo(1);
    assertThat(e.wallMillis()).isEqualTo(1000);
  }
}
