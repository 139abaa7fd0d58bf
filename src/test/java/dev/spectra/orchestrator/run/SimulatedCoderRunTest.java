package dev.spectra.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code run} of the library example with no script at all: the simulator's coder plans, implements and fixes,
 * making one kind of mistake at a time (a profile file forces it), and the real pipeline, structured engine,
 * scaffold and sandbox deal with it. Each kind is fixed by the loop or ends the build with a report naming it.
 */
@Tag("e2e")
class SimulatedCoderRunTest {
  @TempDir Path root;

  private Path profile(String defect, double planDefect, double codeDefect) throws IOException {
    Path file = root.resolve("coder-" + defect + ".yaml");
    Files.writeString(file, """
        extends: perfect
        coder: {planDefect: %s, codeDefect: %s, fixRepairs: 1.0, fixIntroduces: 0, defects: {%s: 1}}
        """.formatted(planDefect, codeDefect, defect));
    return file;
  }

  private SimulatedBuild build(String profile, long seed) throws Exception {
    Path dir = Files.createDirectories(root.resolve("work"));
    return new SimulatedBuild(dir, profile, seed);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"fences", "prose", "missing-import", "hallucinated-method", "wrong-status", "rule-left-out"})
  void aCodeDefectIsFixedByTheLoop(String defect) throws Exception {
    try (SimulatedBuild build = build(profile(defect, 0, 1.0).toString(), 3)) {
      RunOutcome outcome = build.pipeline().run(build.request(3, null));

      assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
      assertThat(build.progress.toString()).contains("[fix-1]");
      assertNothingOutside(build.dir);
    }
  }

  @Test
  void aTruncatedReplyIsAskedAgainAndTheBuildFinishes() throws Exception {
    try (SimulatedBuild build = build(profile("truncation", 0, 1.0).toString(), 3)) {
      RunOutcome outcome = build.pipeline().run(build.request(3, null));

      assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
      assertThat(build.sim.requests().size()).as("a re-ask after the cut reply").isGreaterThan(4);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"unasked-file", "outside-path"})
  void aFileTheModelMayNotWriteIsRefusedAndNamedInTheReport(String defect) throws Exception {
    try (SimulatedBuild build = build(profile(defect, 0, 1.0).toString(), 3)) {
      RunOutcome outcome = build.pipeline().run(build.request(3, null));

      assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
      String refused = outcome.report().path("refusedPaths").toString();
      assertThat(refused).contains(defect.equals("outside-path") ? "../NOTES-" : "App.java");
      assertThat(Files.readString(build.dir.resolve("library/BUILD-REPORT.md"))).contains("Refused");
      assertNothingOutside(build.dir);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"missing-operation", "missing-status"})
  void aPlanDefectIsCaughtByThePlanChecksAndRepairedOnReask(String defect) throws Exception {
    try (SimulatedBuild build = build(profile(defect, 1.0, 0).toString(), 3)) {
      RunOutcome outcome = build.pipeline().run(build.request(3, null));

      assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
      // The broken plan and the re-ask that repaired it.
      long planCalls = build.sim.requests().stream().filter(r -> r.body().toString().contains("You plan a small"))
          .count();
      assertThat(planCalls).isEqualTo(2);
    }
  }

  @Test
  void anUnknownRequestEndsTheBuildSayingTheSimulatorDoesNotKnowIt() throws Exception {
    try (SimulatedBuild build = build("qwen2.5-coder-32b", 1)) {
      RunOutcome outcome = build.pipeline().run(new RunRequest("A service that tracks bee hives and their honey",
          null, null, Path.of("bees"), 3, null, false));

      assertThat(outcome).isNotInstanceOf(RunOutcome.Verified.class);
      assertThat(outcome.message()).contains("model simulator").contains("real model");
      assertThat(build.dir.resolve("bees")).doesNotExist();
    }
  }

  @Test
  void aContractTheCoderHasNoReferenceOfIsPlannedWrittenFixedAndVerified() throws Exception {
    // The bookshop example is in no reference solution and no eval task: the coder writes its handlers itself.
    Path api = Path.of(SimulatedBuild.examplePath("bookshop-api.yaml"));
    try (SimulatedBuild build = build(profile("missing-import", 0, 1.0).toString(), 11)) {
      RunOutcome outcome = build.pipeline().run(new RunRequest("A bookshop: authors, books and orders that are "
          + "checked out", api, null, Path.of("library"), 3, null, false));

      assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
      assertThat(build.progress.toString()).contains("[implement:checkoutOrder]").contains("[fix-1]");
      Path handler;
      try (Stream<Path> files = Files.walk(build.dir.resolve("library/src/main/java"))) {
        handler = files.filter(p -> p.getFileName().toString().equals("CheckoutOrderHandler.java")).findFirst()
            .orElseThrow();
      }
      assertThat(Files.readString(handler)).contains("stores.orders().find(id)").doesNotContain("501");
      assertNothingOutside(build.dir);
    }
  }

  @Test
  void aBuildKilledAfterEachStepInTurnResumesToAVerifiedService() throws Exception {
    try (SimulatedBuild build = build(profile("missing-import", 0, 1.0).toString(), 3)) {
      List<String> steps = List.of("plan", "scaffold", "implement:memberFines", "implement:borrowBook",
          "implement:returnLoan", "verify-0", "fix-1");
      build.stopAfter.addAll(steps);
      RunOutcome outcome = build.pipeline().run(build.request(3, null));
      int resumes = 0;
      while (outcome instanceof RunOutcome.Stopped s && s.reason() == RunOutcome.Reason.INTERRUPTED && resumes < 10) {
        outcome = build.pipeline().resume("run-sim", null, null, null, false);
        resumes++;
      }

      assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
      assertThat(build.stopAfter).as("a stop after every step").isEmpty();
      assertThat(resumes).isEqualTo(steps.size());
      assertNothingOutside(build.dir);
    }
  }

  @Test
  void aSimulatorRestartedBetweenImplementAndFixRepairsTheFilesItsCoderWroteItself() throws Exception {
    // The bookshop's handlers have no reference: the coder writes them, and its fix must derive the same files
    // from the fix call alone, with no memory of the implement calls.
    Path api = Path.of(SimulatedBuild.examplePath("bookshop-api.yaml"));
    try (SimulatedBuild build = build(profile("missing-import", 0, 1.0).toString(), 11)) {
      build.hooks.add(step -> {
        if (step.equals("verify-0")) build.restartSimulator();
      });
      RunOutcome outcome = build.pipeline().run(new RunRequest("A bookshop: authors, books and orders that are "
          + "checked out", api, null, Path.of("library"), 3, null, false));

      assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
      assertThat(build.progress.toString()).contains("[fix-1]");
      assertThat(build.sim.requests()).as("the fix went to the restarted simulator").isNotEmpty();
    }
  }

  /** Only the output, its staging leftovers and the test's own config and ledger are in the work directory. */
  private static void assertNothingOutside(Path dir) throws IOException {
    try (Stream<Path> top = Files.list(dir)) {
      assertThat(top.map(p -> p.getFileName().toString()).filter(n -> !n.equals("library") && !n.equals("config")
          && !n.equals("data") && !n.startsWith("ledger.db") && !n.equals("orchestrator.yaml")
          && !n.startsWith(".orchestrator-"))).isEmpty();
    }
    try (Stream<Path> all = Files.walk(dir.getParent())) {
      assertThat(all.filter(p -> p.getFileName().toString().startsWith("NOTES-"))).isEmpty();
    }
  }
}
