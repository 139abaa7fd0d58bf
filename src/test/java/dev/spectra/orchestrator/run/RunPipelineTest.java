package dev.spectra.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunPipelineTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String GOOD = "package com.example.library.ops;\npublic final class ReturnLoanHandler { /* ok */ }\n";

  @TempDir Path dir;
  final FakeCascadeSession model = new FakeCascadeSession("local", "cloud");
  final FakeScaffolder scaffolder = new FakeScaffolder();
  final FakeVerifier verifier = new FakeVerifier();
  final List<String> stopAfter = new ArrayList<>();
  final List<Money> budgets = new ArrayList<>();

  RunPipeline pipeline() {
    Ports.Sessions sessions = (id, budget) -> {
      budgets.add(budget);
      model.route = 0;
      return new Ports.Session(model, model.escalator());
    };
    Steps.Hook hook = step -> {
      if (stopAfter.remove(step)) throw new Steps.Stopped(step);
    };
    return new RunPipeline(sessions, scaffolder, verifier, BuildJournal.NONE, Progress.NONE,
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), hook, dir.resolve("runs"), dir,
        () -> "run-test");
  }

  static String plan() throws IOException {
    try (InputStream in = RunPipelineTest.class.getResourceAsStream("/run/tiny-plan.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static String files(String path, String content) {
    return JSON.createObjectNode().set("files", JSON.createArrayNode().add(JSON.createObjectNode().put("path", path)
        .put("content", content))).toString();
  }

  RunRequest request() {
    return new RunRequest("Build a library that lends books", null, null, Path.of("out"), 3, null, false);
  }

  @Test
  void buildsAVerifiedServiceWithOneModelCallPerStep() throws Exception {
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    Path out = dir.resolve("out");
    assertThat(out.resolve(FakeScaffolder.HANDLER)).content().contains("/* ok */");
    assertThat(out.resolve("BUILD-REPORT.md")).content().contains("library-loans").contains("returnLoan");
    assertThat(out.resolve("src/test/java/com/example/library/scenario/AcceptanceScenariosTest.java")).exists();
    // The scaffold's "still 501" test no longer holds once the operation is implemented.
    assertThat(out.resolve("src/test/java/com/example/library/contract/NeedsModelContractTest.java")).doesNotExist();
    assertThat(out.resolve(FakeScaffolder.CONTRACT)).exists();
    assertThat(model.steps()).containsExactly("plan", "implement:returnLoan");
    assertThat(outcome.report().path("totals").path("tokens").asInt()).isPositive();
    assertThat(dir.resolve(".orchestrator-run-test")).doesNotExist();
  }

  @Test
  void reasksThePlanWhenTheFirstReplyIsBrokenJson() throws Exception {
    String broken = plan().substring(0, 200);
    model.enqueue("local", broken, plan(), files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.steps()).containsExactly("plan", "plan", "implement:returnLoan");
    String reask = model.calls.get(1).request().messages().getLast().content();
    assertThat(reask).contains("not valid JSON");
  }

  @Test
  void sendsOpenApiParserErrorsBackToTheModel() throws Exception {
    String noOperationId = plan().replaceFirst("\"operationId\":\"returnLoan\",", "");
    model.enqueue("local", noOperationId, plan(), files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.calls.get(1).request().messages().getLast().content()).contains("operationId is missing");
  }

  @Test
  void stopsWithTheModelsQuestionWhenTheRequestIsNotAService() throws Exception {
    model.enqueue("local", "{\"clarification_needed\": \"What should the service store or do?\"}");
    RunOutcome outcome = pipeline().run(new RunRequest("purple elephants", null, null, null, 3, null, false));
    assertThat(outcome).isInstanceOf(RunOutcome.ClarificationNeeded.class);
    assertThat(outcome.message()).isEqualTo("What should the service store or do?");
    assertThat(Files.list(dir).filter(p -> p.getFileName().toString().startsWith(".orchestrator"))).isEmpty();
  }

  @Test
  void anEmptyRequestAsksNoModel() throws Exception {
    RunOutcome outcome = pipeline().run(new RunRequest("  ", null, null, null, 3, null, false));
    assertThat(outcome).isInstanceOf(RunOutcome.ClarificationNeeded.class);
    assertThat(outcome.message()).contains("empty");
    assertThat(model.calls).isEmpty();
  }

  @Test
  void aCheckFindingAgainstTheRunningServiceReachesTheFixPromptLikeAFailingTest() throws Exception {
    FakeCheckingVerifier checking = new FakeCheckingVerifier();
    RunPipeline pipeline = new RunPipeline((id, budget) -> new Ports.Session(model, model.escalator()), scaffolder,
        new VerifierAdapter(checking, dev.spectra.orchestrator.verify.VerifyOptions.defaults()),
        dev.spectra.orchestrator.scaffold.BuildJournal.NONE, Progress.NONE, Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
        Steps.Hook.NONE, dir.resolve("runs"), dir, () -> "run-check");
    String crashing = GOOD.replace("/* ok */", "/* CRASH_ON_QUOTE */");
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, crashing), files(FakeScaffolder.HANDLER, GOOD));

    RunOutcome outcome = pipeline.run(request());

    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.steps()).containsExactly("plan", "implement:returnLoan", "fix-1");
    String fixPrompt = model.calls.get(2).request().messages().getLast().content();
    assertThat(fixPrompt).contains("orchestrator check")
        .contains("check finding: security CWE-89 in POST /loans/{id}/return (returnLoan): " + FakeCheckingVerifier.SUMMARY)
        .contains(FakeCheckingVerifier.CURL)
        .contains("unterminated quoted string");
    // Every verify checked the service against the plan's contract, kept outside the project the sandbox writes.
    assertThat(checking.contractExisted).containsExactly(true, true);
    assertThat(checking.asked).hasSize(2).allSatisfy(c -> {
      assertThat(c.contract().toString()).doesNotContain("/project/");
      assertThat(c.security()).isTrue();
      assertThat(c.fuzz()).isPositive();
    });
  }

  @Test
  void fixesACompileErrorInOneIteration() throws Exception {
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, "class X { BROKEN }"), files(FakeScaffolder.HANDLER,
        GOOD));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.steps()).containsExactly("plan", "implement:returnLoan", "fix-1");
    String fixPrompt = model.calls.get(2).request().messages().getLast().content();
    assertThat(fixPrompt).contains("cannot find symbol: variable BROKEN").contains("class X { BROKEN }");
    assertThat(outcome.report().path("totals").path("fixIterations").asInt()).isEqualTo(1);
  }

  @Test
  void aFixPromptShowsTheOperationEachHandlerImplementsAfterTheFile() throws Exception {
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, "class X { BROKEN }"), files(FakeScaffolder.HANDLER,
        GOOD));
    pipeline().run(request());
    String fixPrompt = model.calls.get(2).request().messages().getLast().content();
    // The same operation line, behaviour and contract slice as the implement step, after the file, read-only.
    int file = fixPrompt.indexOf("=== " + FakeScaffolder.HANDLER + " (editable) ===");
    int operation = fixPrompt.indexOf("=== operation of " + FakeScaffolder.HANDLER + " (read-only) ===\n"
        + "Operation: POST /loans/{id}/return (returnLoan)\nBehaviour: Marks the loan returned");
    assertThat(file).isNotNegative();
    assertThat(operation).isGreaterThan(file);
    assertThat(fixPrompt.substring(operation)).contains("Contract: {").contains("\"Loan\"")
        .contains("=== types you can use (signatures, read-only) ===").contains("public Loan loan(long id)");
  }

  @Test
  void aRepeatedErrorEscalatesToTheNextRouteWhichFixesIt() throws Exception {
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, "class X { BROKEN }"),
        files(FakeScaffolder.HANDLER, "class X { BROKEN; }"));
    model.enqueue("cloud", files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.escalations).singleElement().satisfies(e -> assertThat(e.artifact()).isEqualTo("compile"));
    assertThat(model.calls.getLast().route()).isEqualTo("cloud");
    assertThat(outcome.report().path("escalations").get(0).path("reason").asText())
        .contains("same error came back");
    assertThat(outcome.report().path("modelsByStep").path("fix-2").asText()).isEqualTo("cloud");
  }

  @Test
  void aRepeatedErrorWithNoRouteLeftStopsTheLoop() throws Exception {
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, "BROKEN"), files(FakeScaffolder.HANDLER, "BROKEN"));
    model.enqueue("cloud", files(FakeScaffolder.HANDLER, "BROKEN again"));
    RunOutcome outcome = pipeline().run(new RunRequest("lend books", null, null, Path.of("out"), 9, null, false));
    assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(RunOutcome.Reason.FAILED));
    assertThat(outcome.message()).contains("no other model route is left");
    // plan, implement, fix-1 (local), fix-2 (cloud): no further call although 9 iterations were allowed.
    assertThat(model.calls).hasSize(4);
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void stopsAtMaxIterations() throws Exception {
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, "BROKEN 1"), files(FakeScaffolder.HANDLER, "WRONG"));
    RunOutcome outcome = pipeline().run(new RunRequest("lend books", null, null, Path.of("out"), 1, null, false));
    assertThat(outcome.message()).contains("still failing after 1 fix iteration");
    assertThat(((RunOutcome.Stopped) outcome).resumeCommand()).contains("--max-iterations 3");
  }

  @Test
  void refusesPathsOutsideTheAllowedFoldersAndContractTests() throws Exception {
    String reply = JSON.createObjectNode().set("files", JSON.createArrayNode()
        .add(JSON.createObjectNode().put("path", FakeScaffolder.HANDLER).put("content", GOOD))
        .add(JSON.createObjectNode().put("path", "../../escape.java").put("content", "x"))
        .add(JSON.createObjectNode().put("path", dir.resolve("abs.java").toString()).put("content", "x"))
        .add(JSON.createObjectNode().put("path", FakeScaffolder.CONTRACT).put("content", "class Gamed {}")))
        .toString();
    model.enqueue("local", plan(), reply);
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(dir.resolve("abs.java")).doesNotExist();
    assertThat(dir.getParent().resolve("escape.java")).doesNotExist();
    assertThat(dir.resolve("out").resolve(FakeScaffolder.CONTRACT)).content().doesNotContain("Gamed");
    List<String> reasons = new ArrayList<>();
    outcome.report().path("refusedPaths").forEach(r -> reasons.add(r.path("reason").asText()));
    assertThat(reasons).hasSize(3).anyMatch(r -> r.contains("..")).anyMatch(r -> r.contains("absolute"))
        .anyMatch(r -> r.contains("contract tests are read-only"));
  }

  @Test
  void aDependencyCacheWithoutNetworkStopsAsNeedingTheNetworkNotAsAMissingSandbox() throws Exception {
    verifier.noNetwork = true;
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome first = pipeline().run(request());
    assertThat(first).isInstanceOfSatisfying(RunOutcome.Stopped.class, s -> {
      assertThat(s.reason()).isEqualTo(RunOutcome.Reason.NEEDS_NETWORK);
      assertThat(s.message()).contains("needs Maven Central once");
      // Resuming needs only the network back, not an unsafe flag.
      assertThat(s.resumeCommand()).isEqualTo("orchestrator resume run-test");
      assertThat(s.staging()).isDirectory();
    });
    verifier.noNetwork = false;
    RunOutcome second = pipeline().resume("run-test", null, null, null, false);
    assertThat(second).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.steps()).containsExactly("plan", "implement:returnLoan");
  }

  @Test
  void aVerificationThatCannotBeSetUpIsAFailureThatNeverSuggestsRunningUnsandboxed() throws Exception {
    verifier.setupFails = true;
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Stopped.class, s -> {
      assertThat(s.reason()).isEqualTo(RunOutcome.Reason.FAILED);
      assertThat(s.message()).contains("could not be set up").contains("Maven exit 1");
      assertThat(s.resumeCommand()).isEqualTo("orchestrator resume run-test");
    });
  }

  @Test
  void noSandboxStopsAsNoSandboxAndResumesOnlyWithTheUnsafeFlag() throws Exception {
    verifier.noSandbox = true;
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Stopped.class, s -> {
      assertThat(s.reason()).isEqualTo(RunOutcome.Reason.NO_SANDBOX);
      assertThat(s.resumeCommand()).endsWith("--unsafe-no-sandbox");
    });
  }

  @Test
  void budgetExhaustionKeepsTheStagingDirectoryAndResumeFinishes() throws Exception {
    model.enqueue("local", plan(), new ModelError.BudgetExhausted("build", Money.usd("0.01"), Money.usd("0.01"),
        "raise --budget"));
    RunOutcome first = pipeline().run(new RunRequest("lend books", null, null, Path.of("out"), 3, Money.usd("0.01"),
        false));
    assertThat(first).isInstanceOfSatisfying(RunOutcome.Stopped.class, s -> {
      assertThat(s.reason()).isEqualTo(RunOutcome.Reason.BUDGET);
      assertThat(s.resumeCommand()).isEqualTo("orchestrator resume run-test --budget 0.02");
      assertThat(s.staging()).isDirectory();
    });
    model.enqueue("local", files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome second = pipeline().resume("run-test", Money.usd("0.02"), null, null, false);
    assertThat(second).isInstanceOf(RunOutcome.Verified.class);
    // The plan was not asked again: one plan call in all.
    assertThat(model.steps()).containsExactly("plan", "implement:returnLoan", "implement:returnLoan");
    assertThat(budgets).containsExactly(Money.usd("0.01"), Money.usd("0.02"));
    assertThat(scaffolder.scaffolds).isEqualTo(1);
  }

  @Test
  void aBuildStoppedAfterAStepResumesWithoutRepeatingIt() throws Exception {
    stopAfter.add("scaffold");
    model.enqueue("local", plan());
    RunOutcome first = pipeline().run(request());
    assertThat(first).isInstanceOfSatisfying(RunOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(RunOutcome.Reason.INTERRUPTED));
    model.enqueue("local", files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome second = pipeline().resume("run-test", null, null, null, false);
    assertThat(second).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.steps()).containsExactly("plan", "implement:returnLoan");
    assertThat(scaffolder.scaffolds).isEqualTo(1);
  }

  @Test
  void refusesANonEmptyOutWithoutForce() throws Exception {
    Files.createDirectories(dir.resolve("out"));
    Files.writeString(dir.resolve("out/keep.txt"), "mine");
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.BadInput.class);
    assertThat(outcome.message()).contains("--force");
    assertThat(model.calls).isEmpty();
  }

  @Test
  void unreachableModelNamesTheUrlAndTheModelFreeCommand() throws Exception {
    model.enqueue("local", new ModelError.ConnectionRefused("http://127.0.0.1:11434", "is Ollama running?"));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOfSatisfying(RunOutcome.Stopped.class,
        s -> assertThat(s.reason()).isEqualTo(RunOutcome.Reason.UNREACHABLE));
    assertThat(outcome.message()).contains("http://127.0.0.1:11434").contains("build --openapi");
  }

  @Test
  void aGivenOpenApiDocumentIsAuthoritativeAndTheModelOnlyPlansBehaviours() throws Exception {
    var full = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(plan());
    Files.writeString(dir.resolve("given.json"), full.get("openapi").toString());
    // The model answers with its own contract anyway: it must not replace the user's.
    ((com.fasterxml.jackson.databind.node.ObjectNode) full.get("openapi").get("paths")).putObject("/evil");
    model.enqueue("local", full.toString(), files(FakeScaffolder.HANDLER, GOOD));
    RunOutcome outcome = pipeline().run(new RunRequest("", Path.of("given.json"), null, Path.of("out"), 3, null,
        false));
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(outcome.report().path("plan").path("openapi").path("paths").has("/evil")).isFalse();
    String prompt = model.calls.get(0).request().promptText();
    assertThat(prompt).contains("given and authoritative").contains("POST /loans/{id}/return (returnLoan)");
  }

  @Test
  void aBehaviourForAGeneratedCrudOperationHandsItToTheModelAndParksTheScaffoldsScenariosOnIt() throws Exception {
    var plan = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(plan());
    ((com.fasterxml.jackson.databind.node.ObjectNode) plan.at("/openapi/paths")).putObject("/loans").putObject("post")
        .put("operationId", "createLoan").putObject("responses").putObject("201").put("description", "created");
    ((com.fasterxml.jackson.databind.node.ArrayNode) plan.get("behaviours")).addObject().put("operationId",
        "createLoan").put("behaviour", "Lends a book only when it is not on loan (409).");
    model.enqueue("local", plan.toString(), files(FakeScaffolder.HANDLER, GOOD),
        files(FakeScaffolder.CREATE_HANDLER, "package com.example.library.ops;\npublic final class CreateLoanHandler "
            + "{ /* rules */ }\n"));
    RunOutcome outcome = pipeline().run(request());
    assertThat(outcome).isInstanceOf(RunOutcome.Verified.class);
    assertThat(model.steps()).containsExactly("plan", "implement:returnLoan", "implement:createLoan");
    Path out = dir.resolve("out");
    assertThat(out.resolve(FakeScaffolder.CREATE_HANDLER)).content().contains("/* rules */");
    JsonNode scenarios = JSON.readTree(out.resolve(FakeScaffolder.SCENARIOS).toFile()).path("scenarios");
    assertThat(scenarios.get(0).path("pending").asText()).contains("createLoan");
    assertThat(scenarios.get(1).has("pending")).isFalse();
  }

  @Test
  void implementPromptCarriesOnlyTheOperationsSlice() throws Exception {
    model.enqueue("local", plan(), files(FakeScaffolder.HANDLER, GOOD));
    pipeline().run(request());
    String prompt = model.calls.get(1).request().promptText();
    assertThat(prompt).contains("Marks the loan returned").contains("\"Loan\"").contains("public Loan loan(long id)")
        .contains("NEEDS MODEL").contains("returning an unknown loan");
    assertThat(prompt.length()).isLessThan(4000);
    assertThat(Map.of()).isEmpty();
  }
}
