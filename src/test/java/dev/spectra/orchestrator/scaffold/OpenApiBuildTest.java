package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenApiBuildTest {
  @TempDir Path dir;
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private final List<String> progress = new ArrayList<>();

  private OpenApiBuild build(FakeVerifier verifier) {
    return new OpenApiBuild(Optional.ofNullable(verifier), clock, (step, detail) -> progress.add(step),
        new Random(7));
  }

  private OpenApiBuild.Request request(Path out, boolean force) {
    return new OpenApiBuild.Request(Contracts.example("todo-api.yaml"), null, out, force, false, null, dir);
  }

  @Test
  void verifiesInStagingThenMovesTheCompleteProjectIntoOut() throws Exception {
    FakeVerifier verifier = new FakeVerifier(FakeVerifier.Behaviour.PASS);
    Path out = dir.resolve("build/todo");
    BuildReport report = build(verifier).run(request(out, false));

    assertThat(report.passed()).isTrue();
    assertThat(verifier.verified).singleElement().satisfies(p -> {
      assertThat(p.getFileName().toString()).startsWith(".todo.staging-");
      assertThat(p.getParent()).isEqualTo(out.getParent());
    });
    assertThat(verifier.sawCompleteProject).containsExactly(true);
    assertThat(out.resolve("pom.xml")).exists();
    assertThat(out.resolve("BUILD-REPORT.md")).content().contains("**passed**").contains("bubblewrap");
    JsonNode json = new ObjectMapper().readTree(out.resolve("build-report.json").toFile());
    assertThat(json.path("outcome").asText()).isEqualTo("passed");
    assertThat(json.path("tests").path("run").asInt()).isEqualTo(3);
    assertThat(json.path("operations")).hasSize(6);
    assertThat(json.path("steps")).extracting(s -> s.path("name").asText())
        .containsExactly("parse", "scaffold", "verify", "report");
    assertThat(siblings(out)).containsExactly("todo");
    assertThat(progress).contains("parse", "scaffold", "verify", "move");
  }

  @Test
  void defaultsOutToBuildSlashServiceName() throws Exception {
    BuildReport report = build(new FakeVerifier(FakeVerifier.Behaviour.PASS)).run(request(null, false));
    assertThat(Path.of(report.out())).isEqualTo(dir.resolve("build/todo-api"));
    assertThat(dir.resolve("build/todo-api/README.md")).exists();
  }

  @Test
  void aFailedVerificationIsReportedAndStillDelivered() throws Exception {
    Path out = dir.resolve("out");
    BuildReport report = build(new FakeVerifier(FakeVerifier.Behaviour.FAIL_TESTS)).run(request(out, false));
    assertThat(report.passed()).isFalse();
    assertThat(report.tests().failures()).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("expected 201"));
    assertThat(out.resolve("BUILD-REPORT.md")).content().contains("**failed**").contains("createsFoo")
        .contains("1 test failed");
  }

  @Test
  void refusesANonEmptyOutWithoutForceAndWritesNothing() throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("mine.txt"), "keep me");
    FakeVerifier verifier = new FakeVerifier(FakeVerifier.Behaviour.PASS);
    assertThatThrownBy(() -> build(verifier).run(request(out, false)))
        .isInstanceOf(OutputExistsException.class).hasMessageContaining("--force");
    assertThat(verifier.verified).isEmpty();
    assertThat(out.resolve("mine.txt")).hasContent("keep me");
    assertThat(siblings(out)).containsExactly("out");
  }

  @Test
  void forceReplacesTheOldOutputWhole() throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("old.txt"), "old");
    build(new FakeVerifier(FakeVerifier.Behaviour.PASS)).run(request(out, true));
    assertThat(out.resolve("old.txt")).doesNotExist();
    assertThat(out.resolve("pom.xml")).exists();
    assertThat(siblings(out)).containsExactly("out");
  }

  @Test
  void anInterruptedBuildLeavesNothingInOutAndNoStaging() throws Exception {
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> build(new FakeVerifier(FakeVerifier.Behaviour.INTERRUPT)).run(request(out, false)))
        .isInstanceOf(InterruptedException.class);
    assertThat(out).doesNotExist();
    assertThat(siblings(out)).isEmpty();
  }

  @Test
  void anInterruptedForcedBuildKeepsTheOldOutput() throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out);
    Files.writeString(out.resolve("old.txt"), "old");
    assertThatThrownBy(() -> build(new FakeVerifier(FakeVerifier.Behaviour.INTERRUPT)).run(request(out, true)))
        .isInstanceOf(InterruptedException.class);
    assertThat(out.resolve("old.txt")).hasContent("old");
    assertThat(siblings(out)).containsExactly("out");
  }

  @Test
  void withoutAVerifierTheBuildRefusesBeforeWritingAnything() {
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> build(null).run(request(out, false)))
        .isInstanceOf(SandboxUnavailableException.class).hasMessageContaining("nothing was written");
    assertThat(out).doesNotExist();
    assertThat(out.getParent()).isDirectoryNotContaining(p -> p.getFileName().toString().contains("staging"));
  }

  @Test
  void noSandboxFromTheVerifierLeavesNothingBehind() throws Exception {
    Path out = dir.resolve("out");
    assertThatThrownBy(() -> build(new FakeVerifier(FakeVerifier.Behaviour.NO_SANDBOX)).run(request(out, false)))
        .isInstanceOf(SandboxUnavailableException.class);
    assertThat(out).doesNotExist();
    assertThat(siblings(out)).isEmpty();
  }

  @Test
  void passesTheUnsafeFlagToTheVerifier() throws Exception {
    FakeVerifier verifier = new FakeVerifier(FakeVerifier.Behaviour.PASS);
    build(verifier).run(new OpenApiBuild.Request(Contracts.example("todo-api.yaml"), "javalin", dir.resolve("o"),
        false, true, null, dir));
    assertThat(verifier.options).singleElement().satisfies(o -> assertThat(o.unsafeNoSandbox()).isTrue());
  }

  @Test
  void anUnknownStackIsBadInput() {
    assertThatThrownBy(() -> build(new FakeVerifier(FakeVerifier.Behaviour.PASS)).run(new OpenApiBuild.Request(
        Contracts.example("todo-api.yaml"), "cobol", dir.resolve("o"), false, false, null, dir)))
        .isInstanceOf(InvalidContractException.class).hasMessageContaining("unknown stack 'cobol'")
        .hasMessageContaining("javalin");
  }

  @Test
  void journalsTheBuildAndEachStep() throws Exception {
    RecordingJournal journal = new RecordingJournal();
    new OpenApiBuild(Optional.of(new FakeVerifier(FakeVerifier.Behaviour.PASS)), clock, ProgressListener.NONE,
        new Random(1), journal).run(request(dir.resolve("out"), false));
    assertThat(journal.events).containsExactly("build started", "parse started", "parse done", "scaffold started",
        "scaffold done", "verify started", "verify done", "move started", "move done", "build verified -> out");
  }

  @Test
  void journalsRejectedAndInterruptedBuilds() throws Exception {
    RecordingJournal journal = new RecordingJournal();
    Path swagger = Contracts.write(dir, "s.yaml", "swagger: '2.0'\n");
    assertThatThrownBy(() -> new OpenApiBuild(Optional.of(new FakeVerifier(FakeVerifier.Behaviour.PASS)), clock,
        ProgressListener.NONE, new Random(1), journal).run(new OpenApiBuild.Request(swagger, null, dir.resolve("o"),
        false, false, null, dir))).isInstanceOf(InvalidContractException.class);
    assertThat(journal.events).containsExactly("build started", "parse started", "parse failed", "build rejected");

    journal.events.clear();
    assertThatThrownBy(() -> new OpenApiBuild(Optional.of(new FakeVerifier(FakeVerifier.Behaviour.INTERRUPT)),
        clock, ProgressListener.NONE, new Random(1), journal).run(request(dir.resolve("o"), false)))
        .isInstanceOf(InterruptedException.class);
    assertThat(journal.events).last().isEqualTo("build interrupted");
  }

  /** Entries next to {@code out} (staging and old directories would show up here). */
  private static List<String> siblings(Path out) throws Exception {
    if (!Files.exists(out.getParent())) return List.of();
    try (Stream<Path> s = Files.list(out.getParent())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
