package dev.spectra.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathGuardTest {
  static final String HANDLER = "src/main/java/com/example/lib/ops/ReturnLoanHandler.java";
  @TempDir Path root;
  @TempDir Path elsewhere;
  PathGuard guard;

  @BeforeEach
  void setUp() throws Exception {
    Files.createDirectories(root.resolve("src/main/java/com/example/lib/ops"));
    Files.writeString(root.resolve(HANDLER), "x");
    Files.writeString(root.resolve("src/main/java/com/example/lib/App.java"), "x");
    guard = new PathGuard(root, "com.example.lib");
  }

  String refusal(String path) {
    return guard.check(path, Set.of(HANDLER)) instanceof PathGuard.Decision.Refused r ? r.reason() : "allowed";
  }

  @Test
  void allowsTheHandlerNewFilesInThePackageAndScenarioTests() {
    assertThat(refusal(HANDLER)).isEqualTo("allowed");
    assertThat(refusal("./src/main/java/com/example/lib/LoanRules.java")).isEqualTo("allowed");
    assertThat(refusal("src/test/java/com/example/lib/scenario/LoanScenarioTest.java")).isEqualTo("allowed");
  }

  @Test
  void refusesEscapesAbsolutePathsAndOtherFolders() {
    assertThat(refusal("src/main/java/com/example/lib/../../../../../../etc/x.java")).contains("..");
    assertThat(refusal("/etc/passwd")).contains("absolute");
    assertThat(refusal("C:/x.java")).contains("absolute");
    assertThat(refusal("~/x.java")).contains("absolute");
    assertThat(refusal("src\\main\\java\\x.java")).contains("backslash");
    assertThat(refusal("pom.xml")).contains("only .java");
    assertThat(refusal("src/main/java/org/other/X.java")).contains("outside the allowed folders");
  }

  @Test
  void refusesContractTestsAndScaffoldedFiles() {
    assertThat(refusal("src/test/java/com/example/lib/contract/LoansContractTest.java")).contains("read-only");
    assertThat(refusal("src/main/java/com/example/lib/App.java")).contains("read-only");
  }

  @Test
  void refusesAPathThroughASymlinkEvenWhenItStaysInsideTheFolder() throws Exception {
    Files.createSymbolicLink(root.resolve("src/main/java/com/example/lib/evil"), elsewhere);
    assertThat(refusal("src/main/java/com/example/lib/evil/Planted.java")).contains("symlink");
    Files.createSymbolicLink(root.resolve("src/main/java/com/example/lib/Linked.java"),
        elsewhere.resolve("Linked.java"));
    assertThat(refusal("src/main/java/com/example/lib/Linked.java")).contains("symlink");
    assertThat(elsewhere.resolve("Planted.java")).doesNotExist();
  }
}
