package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Verifiers;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds every public OpenAPI document of {@code src/test/resources/corpus} (listed with its source and licence in
 * {@code sources.json}) through the production verifier: each one either builds and passes its own generated tests
 * in the sandbox, or is refused with problems that name the file and a line. Nothing else is acceptable: no crash,
 * no failing generated test, no refusal without a location. Each document's manifest entry states which of the two
 * it is expected to be, so a document that silently flips from built to refused fails the run.
 *
 * <p>Slow (a sandboxed compile and test run per document), so tagged {@code corpus} and left out of the default
 * suite; run it with {@code ./mvnw -B test -Dtest=CorpusBuildTest -Dtest.excludedGroups=none} (add
 * {@code -Dcorpus.only=museum} to build the documents whose file name contains a word). The counts are written to
 * {@code target/corpus-summary.json}.
 */
@Tag("e2e")
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorpusBuildTest {
  private static final Path CORPUS = Path.of("src", "test", "resources", "corpus").toAbsolutePath();
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final long MAX_BYTES = 300 * 1024;

  @TempDir Path dir;
  private final List<ObjectNode> outcomes = new ArrayList<>();

  private static JsonNode manifest() throws IOException {
    return JSON.readTree(CORPUS.resolve("sources.json").toFile());
  }

  @Test
  void everyDocumentHasItsSourceAndLicenceAndEveryEntryItsDocument() throws IOException {
    Set<String> listed = new TreeSet<>();
    for (JsonNode d : manifest().get("documents")) {
      String file = d.path("file").asText();
      assertThat(listed.add(file)).as("listed twice: %s", file).isTrue();
      assertThat(d.path("repository").asText()).as("%s: repository", file).matches("[\\w.-]+/[\\w.-]+");
      assertThat(d.path("path").asText()).as("%s: path", file).isNotBlank();
      assertThat(d.path("commit").asText()).as("%s: commit", file).matches("[0-9a-f]{40}");
      assertThat(d.path("licence").asText()).as("%s: licence", file).isIn("Apache-2.0", "MIT", "BSD-3-Clause");
      assertThat(d.path("expect").asText()).as("%s: expect", file).isIn("builds", "refused");
      Path p = CORPUS.resolve(file);
      assertThat(p).as("%s", file).isRegularFile();
      assertThat(Files.size(p)).as("%s: size", file).isLessThan(MAX_BYTES);
    }
    Set<String> present = new TreeSet<>();
    try (Stream<Path> s = Files.list(CORPUS)) {
      s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("sources.json")).forEach(present::add);
    }
    assertThat(present).isEqualTo(listed);
    assertThat(listed).hasSizeGreaterThanOrEqualTo(30);
  }

  @TestFactory
  Stream<DynamicTest> everyDocumentBuildsAndPassesOrIsRefusedWithALocation() throws IOException {
    String only = System.getProperty("corpus.only", "");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode d : manifest().get("documents")) {
      String file = d.path("file").asText();
      if (!file.contains(only)) continue;
      tests.add(DynamicTest.dynamicTest(file, () -> check(file, d.path("expect").asText())));
    }
    return tests.stream();
  }

  private void check(String file, String expect) throws Exception {
    Path contract = CORPUS.resolve(file);
    String name = file.replaceAll("\\.(ya?ml|json)$", "");
    ObjectNode outcome = JSON.createObjectNode().put("file", file);
    BuildReport report;
    try {
      report = new OpenApiBuild(Optional.of(Verifiers.sandboxed(System.getenv())), Clock.systemUTC(),
          ProgressListener.NONE, new Random())
          .run(new OpenApiBuild.Request(contract, null, dir.resolve(name), false, false, Duration.ofMinutes(6), dir));
    } catch (SandboxUnavailableException e) {
      assumeTrue(false, "no sandbox here: " + e.getMessage());
      return;
    } catch (InvalidContractException e) {
      outcome.put("outcome", "refused").put("problem", e.problems().getFirst().toString());
      synchronized (outcomes) {
        outcomes.add(outcome);
      }
      assertThat(e.problems()).isNotEmpty().allSatisfy(p -> {
        assertThat(p.file()).isEqualTo(contract.toString());
        assertThat(p.line()).as("a line for: %s", p).isPositive();
        assertThat(p.message()).doesNotContain("Exception", "\tat ");
      });
      assertThat(expect).as("%s was refused: %s", file, e.getMessage()).isEqualTo("refused");
      return;
    }
    outcome.put("outcome", report.passed() ? "built" : "failed")
        .put("operations", report.operations().size())
        .put("implemented", report.implementedCount())
        .put("pending", report.needsModelCount())
        .put("testsRun", report.tests().run())
        .put("testsPassed", report.tests().passed())
        .put("testsSkipped", report.tests().skipped())
        .put("warnings", report.warnings().size());
    synchronized (outcomes) {
      outcomes.add(outcome);
    }
    if (!report.tests().compiled()) fail("%s: the generated project does not compile: %s", file,
        report.tests().compileErrors());
    assertThat(report.tests().timedOut()).as("%s timed out", file).isFalse();
    assertThat(report.tests().failures()).as("%s: failing generated tests", file).isEmpty();
    assertThat(report.passed()).as("%s: %s", file, report.tests()).isTrue();
    assertThat(report.implementedCount() + report.needsModelCount()).isEqualTo(report.operations().size());
    assertThat(expect).as("%s built, but the manifest expects a refusal", file).isEqualTo("builds");
  }

  @AfterAll
  void writeSummary() throws IOException {
    if (outcomes.isEmpty()) return;
    ObjectNode summary = JSON.createObjectNode();
    summary.put("documents", outcomes.size())
        .put("built", count("built"))
        .put("refused", count("refused"))
        .put("failed", count("failed"))
        .put("operations", sum("operations"))
        .put("implemented", sum("implemented"))
        .put("pending", sum("pending"))
        .put("testsRun", sum("testsRun"))
        .put("testsPassed", sum("testsPassed"))
        .put("testsSkipped", sum("testsSkipped"));
    ArrayNode each = summary.putArray("each");
    outcomes.stream().sorted((a, b) -> a.path("file").asText().compareTo(b.path("file").asText())).forEach(each::add);
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("corpus-summary.json"), JSON.writeValueAsString(summary) + "\n");
  }

  private long count(String outcome) {
    return outcomes.stream().filter(o -> o.path("outcome").asText().equals(outcome)).count();
  }

  private long sum(String field) {
    return outcomes.stream().mapToLong(o -> o.path(field).asLong()).sum();
  }
}
