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
import dev.spectra.orchestrator.verify.CheckOutcome;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * {@code sources.json}) through the production verifier: each one either builds, passes its own generated tests in
 * the sandbox and has no failure under {@code orchestrator check} against the started service (it never breaks
 * its own contract), or is refused with problems that name the file and a line. Nothing else is acceptable: no crash,
 * no failing generated test, no refusal without a location. Each document's manifest entry states which of the two
 * it is expected to be, so a document that silently flips from built to refused fails the run.
 *
 * <p>Slow (a sandboxed compile and test run per document), so tagged {@code corpus} and left out of the default
 * suite; run it with {@code ./mvnw -B test -Dtest=CorpusBuildTest -Dtest.excludedGroups=none} (add
 * {@code -Dcorpus.only=museum,uber} to build the documents whose file name contains one of the words,
 * {@code -Dcorpus.set=ci} for the representative subset marked {@code "ci": true} in the manifest, and
 * {@code -Dcorpus.threads=2} to build two at a time). The counts are written to {@code target/corpus-summary.json},
 * each build (report and code) is kept under {@code target/corpus-builds/}.
 */
@Tag("e2e")
@Tag("corpus")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorpusBuildTest {
  private static final Path CORPUS = Path.of("src", "test", "resources", "corpus").toAbsolutePath();
  private static final Path EXAMPLES_DIR = Path.of("examples").toAbsolutePath();
  private static final List<String> EXAMPLES = List.of("todo-api.yaml", "bookshop-api.yaml",
      "library-loans.openapi.yaml", "bank-api.yaml");
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final long MAX_BYTES = 300 * 1024;
  /** Each build is kept here (replaced on the next run), so its report and code can be read after a failure. */
  private static final Path BUILDS = Path.of("target", "corpus-builds").toAbsolutePath();

  @TempDir Path dir;
  private final List<ObjectNode> outcomes = new ArrayList<>();
  private ExecutorService builders;

  private static JsonNode manifest() throws IOException {
    return JSON.readTree(CORPUS.resolve("sources.json").toFile());
  }

  @Test
  void everyDocumentHasItsSourceAndLicenceAndEveryEntryItsDocument() throws IOException {
    Set<String> listed = new TreeSet<>();
    Set<String> ciExpects = new TreeSet<>();
    for (JsonNode d : manifest().get("documents")) {
      String file = d.path("file").asText();
      assertThat(listed.add(file)).as("listed twice: %s", file).isTrue();
      assertThat(d.path("repository").asText()).as("%s: repository", file).matches("[\\w.-]+/[\\w.-]+");
      assertThat(d.path("path").asText()).as("%s: path", file).isNotBlank();
      assertThat(d.path("commit").asText()).as("%s: commit", file).matches("[0-9a-f]{40}");
      assertThat(d.path("licence").asText()).as("%s: licence", file).isIn("Apache-2.0", "MIT", "BSD-3-Clause");
      assertThat(d.path("expect").asText()).as("%s: expect", file).isIn("builds", "refused");
      if (d.has("ci")) assertThat(d.get("ci").isBoolean()).as("%s: ci is true or false", file).isTrue();
      if (d.path("ci").asBoolean(false)) ciExpects.add(d.path("expect").asText());
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
    // The subset CI builds (.ci/corpus) has both outcomes in it.
    assertThat(ciExpects).containsExactly("builds", "refused");
  }

  @TestFactory
  Stream<DynamicTest> everyDocumentBuildsAndPassesOrIsRefusedWithALocation() throws IOException {
    List<String> only = List.of(System.getProperty("corpus.only", "").split(","));
    boolean ciSet = System.getProperty("corpus.set", "").equals("ci");
    List<DynamicTest> tests = new ArrayList<>();
    for (JsonNode d : manifest().get("documents")) {
      String file = d.path("file").asText();
      if (only.stream().noneMatch(file::contains) || (ciSet && !d.path("ci").asBoolean(false))) continue;
      // Builds are independent (each has its own --out): with corpus.threads > 1 they run side by side, and each
      // test waits for its own.
      Future<Built> built = builders().submit(() -> build(CORPUS.resolve(file), file));
      tests.add(DynamicTest.dynamicTest(file, () -> check(CORPUS.resolve(file), file, d.path("expect").asText(),
          built.get())));
    }
    return tests.stream();
  }

  /**
   * The contracts shipped in {@code examples/} go through the same build and check (they are ours, so they are not
   * in the manifest): each must build, pass its tests and have no failure under the check.
   */
  @TestFactory
  Stream<DynamicTest> everyExampleContractBuildsAndHasNoFailureUnderTheCheck() {
    List<String> only = List.of(System.getProperty("corpus.only", "").split(","));
    List<DynamicTest> tests = new ArrayList<>();
    for (String file : EXAMPLES) {
      if (only.stream().noneMatch(file::contains)) continue;
      Future<Built> built = builders().submit(() -> build(EXAMPLES_DIR.resolve(file), file));
      tests.add(DynamicTest.dynamicTest(file, () -> check(EXAMPLES_DIR.resolve(file), file, "builds", built.get())));
    }
    return tests.stream();
  }

  private synchronized ExecutorService builders() {
    if (builders == null) {
      builders = Executors.newFixedThreadPool(Math.max(1, Integer.getInteger("corpus.threads", 1)));
    }
    return builders;
  }

  /** What building one document gave. */
  private sealed interface Built {
    record Report(BuildReport report) implements Built {}

    record Refused(InvalidContractException refusal) implements Built {}

    record NoSandbox(String why) implements Built {}
  }

  private Built build(Path contract, String file) throws Exception {
    String name = file.replaceAll("\\.(ya?ml|json)$", "");
    try {
      return new Built.Report(new OpenApiBuild(Optional.of(Verifiers.sandboxed(System.getenv())), Clock.systemUTC(),
          ProgressListener.NONE, new Random())
          .run(new OpenApiBuild.Request(contract, null, BUILDS.resolve(name), true, false, Duration.ofMinutes(6),
              dir)));
    } catch (SandboxUnavailableException e) {
      return new Built.NoSandbox(e.getMessage());
    } catch (InvalidContractException e) {
      return new Built.Refused(e);
    }
  }

  private void check(Path contract, String file, String expect, Built built) {
    ObjectNode outcome = JSON.createObjectNode().put("file", file);
    if (contract.startsWith(EXAMPLES_DIR)) outcome.put("example", true);
    BuildReport report;
    switch (built) {
      case Built.NoSandbox n -> {
        assumeTrue(false, "no sandbox here: " + n.why());
        return;
      }
      case Built.Refused r -> {
        InvalidContractException e = r.refusal();
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
      case Built.Report b -> report = b.report();
    }
    outcome.put("outcome", report.passed() ? "built" : "failed")
        .put("operations", report.operations().size())
        .put("implemented", report.implementedCount())
        .put("pending", report.needsModelCount())
        .put("testsRun", report.tests().run())
        .put("testsPassed", report.tests().passed())
        .put("testsSkipped", report.tests().skipped())
        .put("warnings", report.warnings().size())
        .put("checkRan", report.check() != null && report.check().ran())
        .put("checkFailures", report.check() == null ? 0 : report.check().failures().size())
        .put("checkPending", report.check() == null ? 0 : report.check().pending().size())
        .put("checkRequests", report.check() == null ? 0 : report.check().requests());
    synchronized (outcomes) {
      outcomes.add(outcome);
    }
    if (!report.tests().compiled()) fail("%s: the generated project does not compile: %s", file,
        report.tests().compileErrors());
    assertThat(report.tests().timedOut()).as("%s timed out", file).isFalse();
    assertThat(report.tests().failures()).as("%s: failing generated tests", file).isEmpty();
    assertThat(report.check().problem()).as("%s: the check could not run", file).isEmpty();
    assertThat(report.check().failures().stream().map(CheckOutcome.Finding::render).toList())
        .as("%s: the check found the service breaking its own contract", file).isEmpty();
    assertThat(report.passed()).as("%s: %s", file, report.tests()).isTrue();
    assertThat(report.implementedCount() + report.needsModelCount()).isEqualTo(report.operations().size());
    assertThat(expect).as("%s built, but the manifest expects a refusal", file).isEqualTo("builds");
  }

  @AfterAll
  void writeSummary() throws IOException {
    if (builders != null) builders.shutdownNow();
    if (outcomes.isEmpty()) return;
    // The corpus counts (public documents) and the examples' apart: the docs quote the first.
    List<ObjectNode> corpus = outcomes.stream().filter(o -> !o.path("example").asBoolean()).toList();
    List<ObjectNode> examples = outcomes.stream().filter(o -> o.path("example").asBoolean()).toList();
    ObjectNode summary = counts(corpus);
    summary.set("examples", counts(examples));
    Path target = Path.of("target");
    Files.createDirectories(target);
    Files.writeString(target.resolve("corpus-summary.json"), JSON.writeValueAsString(summary) + "\n");
  }

  private static ObjectNode counts(List<ObjectNode> outcomes) {
    ObjectNode summary = JSON.createObjectNode();
    summary.put("documents", outcomes.size())
        .put("built", count(outcomes, "built"))
        .put("refused", count(outcomes, "refused"))
        .put("failed", count(outcomes, "failed"))
        .put("checkedClean", outcomes.stream().filter(o -> o.path("checkRan").asBoolean()
            && o.path("checkFailures").asLong() == 0).count())
        .put("checkFailures", sum(outcomes, "checkFailures"))
        .put("operations", sum(outcomes, "operations"))
        .put("implemented", sum(outcomes, "implemented"))
        .put("pending", sum(outcomes, "pending"))
        .put("testsRun", sum(outcomes, "testsRun"))
        .put("testsPassed", sum(outcomes, "testsPassed"))
        .put("testsSkipped", sum(outcomes, "testsSkipped"));
    ArrayNode each = summary.putArray("each");
    outcomes.stream().sorted((a, b) -> a.path("file").asText().compareTo(b.path("file").asText())).forEach(each::add);
    return summary;
  }

  private static long count(List<ObjectNode> outcomes, String outcome) {
    return outcomes.stream().filter(o -> o.path("outcome").asText().equals(outcome)).count();
  }

  private static long sum(List<ObjectNode> outcomes, String field) {
    return outcomes.stream().mapToLong(o -> o.path(field).asLong()).sum();
  }
}
