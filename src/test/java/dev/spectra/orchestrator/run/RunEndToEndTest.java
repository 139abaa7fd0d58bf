package dev.spectra.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.sim.Scripted;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} end to end against the simulator: scripted model replies, everything else real. */
// Minutes of real sandboxed builds: part of ./test --all (and .ci/run), not of the quick ./test.
@Tag("e2e")
class RunEndToEndTest {
  @TempDir Path dir;
  SimulatedBuild build;

  @BeforeEach
  void start() throws Exception {
    build = new SimulatedBuild(dir);
  }

  @AfterEach
  void stop() {
    build.close();
  }

  @Test
  void buildsTheLibraryExampleAfterABrokenFirstPlanReply() throws Exception {
    build.enqueueLocal(Scripted.text("Here is the plan: {\"service\": \"library-loans\", \"summary\": oops, }}"),
        SimulatedBuild.plan());
    build.enqueueLocal(SimulatedBuild.implementations().toArray(Scripted[]::new));

    RunOutcome outcome = build.pipeline().run(build.request(3, null));

    assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
    Path out = dir.resolve("library");
    assertThat(out.resolve(SimulatedBuild.BORROW)).content().contains("MAX_LOANS = 3");
    assertThat(out.resolve("src/test/java/com/example/libraryloans/scenario/AcceptanceScenariosTest.java"))
        .content().contains("a late return is fined");
    JsonNode report = outcome.report();
    assertThat(report.path("verification").path("testsFailed").asInt()).isZero();
    assertThat(report.path("verification").path("testsRun").asInt()).isGreaterThan(4);
    assertThat(report.path("modelOperations")).hasSize(3);
    assertThat(build.requestsTo(SimulatedBuild.LOCAL_ID)).isEqualTo(5);   // plan twice, three implementations
    assertThat(build.requestsTo(SimulatedBuild.CLOUD_ID)).isZero();
    assertThat(out.resolve("BUILD-REPORT.md")).content().contains("library-loans").contains("borrowBook");
  }

  @Test
  void aCompileErrorIsFixedInOneIteration() throws Exception {
    String broken = SimulatedBuild.resource("ReturnLoanHandler.java").replace("FINE_PER_DAY);", "FINE_PER_DAY)");
    var impl = SimulatedBuild.implementations();
    build.enqueueLocal(SimulatedBuild.plan(), impl.get(0), impl.get(1),
        Scripted.text(SimulatedBuild.files(SimulatedBuild.RETURN, broken)), impl.get(2));

    RunOutcome outcome = build.pipeline().run(build.request(3, null));

    assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
    assertThat(outcome.report().path("totals").path("fixIterations").asInt()).isEqualTo(1);
    assertThat(outcome.report().path("escalations")).isEmpty();
    String fixPrompt = build.sim.requests().getLast().body().toString();
    assertThat(fixPrompt).contains("ReturnLoanHandler.java").contains("';' expected");
  }

  @Test
  void aRepeatedErrorStopsTheLoopAndEscalatesToTheFallbackModel() throws Exception {
    String broken = SimulatedBuild.resource("ReturnLoanHandler.java").replace("FINE_PER_DAY);", "FINE_PER_DAY)");
    Scripted same = Scripted.text(SimulatedBuild.files(SimulatedBuild.RETURN, broken));
    var impl = SimulatedBuild.implementations();
    build.enqueueLocal(SimulatedBuild.plan(), impl.get(0), impl.get(1), same, same);
    build.enqueueCloud(impl.get(2));

    RunOutcome outcome = build.pipeline().run(build.request(3, null));

    assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
    JsonNode escalation = outcome.report().path("escalations").get(0);
    assertThat(escalation.path("artifact").asText()).isEqualTo("compile");
    assertThat(escalation.path("reason").asText()).contains("same error came back");
    assertThat(outcome.report().path("modelsByStep").path("fix-2").asText()).isEqualTo(SimulatedBuild.CLOUD);
    assertThat(build.requestsTo(SimulatedBuild.CLOUD_ID)).isEqualTo(1);
  }

  @Test
  void refusesEscapingAbsoluteSymlinkedAndContractTestPaths() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    // Something in the workspace planted a link before the model answered.
    build.hooks.add(step -> {
      if (!step.equals("scaffold")) return;
      try {
        Files.createSymbolicLink(dir.resolve(".orchestrator-run-sim/project/" + SimulatedBuild.PKG_DIR + "evil"),
            outside);
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    });
    // The generated contract tests: one class runs every scenario of src/test/resources/scenarios.json.
    String contract = "src/test/java/com/example/libraryloans/contract/ContractScenariosTest.java";
    String hostile = SimulatedBuild.files(
        SimulatedBuild.FINES, SimulatedBuild.resource("MemberFinesHandler.java"),
        "../../../escaped.java", "class Escaped {}",
        dir.resolve("absolute.java").toString(), "class Absolute {}",
        SimulatedBuild.PKG_DIR + "evil/Planted.java", "class Planted {}",
        contract, "class ContractScenariosTest {}");
    var impl = SimulatedBuild.implementations();
    build.enqueueLocal(SimulatedBuild.plan(), Scripted.text(hostile), impl.get(1), impl.get(2));

    RunOutcome outcome = build.pipeline().run(build.request(3, null));

    assertThat(outcome).as(outcome.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
    assertThat(outside.resolve("Planted.java")).doesNotExist();
    assertThat(dir.resolve("absolute.java")).doesNotExist();
    assertThat(dir.getParent().resolve("escaped.java")).doesNotExist();
    assertThat(dir.resolve("library").resolve(contract)).content().contains("@TestFactory");
    assertThat(outcome.report().path("refusedPaths")).hasSize(4);
    assertThat(outcome.report().path("refusedPaths").toString()).contains("symlink").contains("absolute")
        .contains("..").contains("contract tests are read-only");
  }

  @Test
  void aBudgetThatRunsOutStopsCleanlyAndResumeFinishesAfterItIsRaised() throws Exception {
    build.model = SimulatedBuild.CLOUD;
    var impl = SimulatedBuild.implementations();
    build.enqueueCloud(SimulatedBuild.plan(), impl.get(0), impl.get(1), impl.get(2));

    // Enough for the plan on the priced model (the cascade reserves each call's worst case), not for all three
    // implementations after it.
    RunOutcome first = build.pipeline().run(build.request(3, dev.spectra.orchestrator.model.Money.usd("0.0042")));

    assertThat(first.message()).as(build.progress.toString()).contains("budget");
    assertThat(first).isInstanceOfSatisfying(RunOutcome.Stopped.class, s -> {
      assertThat(s.reason()).isEqualTo(RunOutcome.Reason.BUDGET);
      assertThat(s.resumeCommand()).startsWith("orchestrator resume run-sim --budget ");
      assertThat(s.staging()).isDirectory();
    });
    assertThat(dir.resolve("library")).doesNotExist();
    assertThat(first.report().path("steps").get(0).path("outcome").asText()).isEqualTo("ok");

    RunOutcome second = build.pipeline().resume("run-sim", dev.spectra.orchestrator.model.Money.usd("1"), null, null,
        false);

    assertThat(second).as(second.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
    // One plan call in all: resume did not ask for the plan again.
    assertThat(build.requestsTo(SimulatedBuild.CLOUD_ID)).isEqualTo(4);
    assertThat(Double.parseDouble(second.report().path("totals").path("costUsd").asText())).isPositive();
  }

  @Test
  void aBuildKilledAfterAStepResumesFromItsLastCompletedStep() throws Exception {
    build.stopAfter.add("implement:memberFines");
    var impl = SimulatedBuild.implementations();
    build.enqueueLocal(SimulatedBuild.plan(), impl.get(0));

    RunOutcome first = build.pipeline().run(build.request(3, null));

    assertThat(first).isInstanceOfSatisfying(RunOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(RunOutcome.Reason.INTERRUPTED));
    build.enqueueLocal(impl.get(1), impl.get(2));

    RunOutcome second = build.pipeline().resume("run-sim", null, null, null, false);

    assertThat(second).as(second.message() + "\n" + build.progress).isInstanceOf(RunOutcome.Verified.class);
    assertThat(build.requestsTo(SimulatedBuild.LOCAL_ID)).isEqualTo(4);
    assertThat(second.report().path("steps").toString()).contains("implement:memberFines");
  }
}
