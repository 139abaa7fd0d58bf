package dev.spectra.orchestrator.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile-model suite, pipeline side: scripted model answers and a verifier that leaves behind what hostile
 * tests would (links to host files, a replaced source file, forged problem locations). The host must stay untouched
 * and nothing from outside the project may reach a prompt or the output.
 */
@Tag("hostile")
class HostileModelRunTest {
  static final String GOOD = "package com.example.library.ops;\npublic final class ReturnLoanHandler { /* ok */ }\n";
  static final String SECRET = "HOST-SECRET-" + Long.toHexString(System.nanoTime());

  @TempDir Path dir;
  @TempDir Path host;
  final FakeCascadeSession model = new FakeCascadeSession("local", "cloud");
  final FakeScaffolder scaffolder = new FakeScaffolder();
  final List<String> stopAfter = new ArrayList<>();

  RunPipeline pipeline(Ports.ProjectVerifier verifier) {
    Ports.Sessions sessions = (id, budget) -> {
      model.route = 0;
      return new Ports.Session(model, model.escalator());
    };
    Steps.Hook hook = step -> {
      if (stopAfter.remove(step)) throw new Steps.Stopped(step);
    };
    return new RunPipeline(sessions, scaffolder, verifier, dev.spectra.orchestrator.scaffold.BuildJournal.NONE, Progress.NONE,
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), hook, dir.resolve("runs"), dir,
        () -> "run-hostile");
  }

  RunRequest request() {
    return new RunRequest("Build a library that lends books", null, null, Path.of("out"), 3, null, false);
  }

  /**
   * Verifies like a sandbox whose tests attacked the host: on its first run it plants links at the report names
   * (to host files), a link to {@code /}, replaces the editable handler with a link to a host secret, and reports
   * compile errors "in" {@code /etc/passwd}, a {@code ../} path and the secret; later runs pass.
   */
  final class PlantingVerifier implements Ports.ProjectVerifier {
    final Path profile;
    final Path secret;
    int runs;

    PlantingVerifier(Path profile, Path secret) {
      this.profile = profile;
      this.secret = secret;
    }

    @Override public Verification verify(Path project, Path contract) throws java.io.IOException {
      runs++;
      if (runs > 1) return new Verification(true, 3, 0, List.of(), "fake", "");
      Files.createSymbolicLink(project.resolve("BUILD-REPORT.md"), profile);
      Files.createSymbolicLink(project.resolve("build-report.json"), profile);
      Files.createSymbolicLink(project.resolve("hostroot"), Path.of("/"));
      Path handler = project.resolve(FakeScaffolder.HANDLER);
      Files.delete(handler);
      Files.createSymbolicLink(handler, secret);
      String up = "../".repeat(project.getNameCount()) + secret.toString().substring(1);
      return new Verification(false, 0, 0, List.of(
          new Verification.Problem(Verification.Problem.Kind.COMPILE, "/etc/passwd", 1, "forged"),
          new Verification.Problem(Verification.Problem.Kind.COMPILE, up, 1, "forged"),
          new Verification.Problem(Verification.Problem.Kind.COMPILE, secret.toString(), 1, "forged"),
          new Verification.Problem(Verification.Problem.Kind.COMPILE, FakeScaffolder.HANDLER, 2, "cannot find symbol")),
          "fake", "");
    }
  }

  @Test
  void linksLeftByTheSandboxAreNeitherWrittenThroughNorPublishedNorReadIntoAPrompt() throws Exception {
    Path profile = Files.writeString(host.resolve(".profile"), "export PATH=/usr/bin\n");
    Path secret = Files.writeString(host.resolve("secret.txt"), SECRET);
    model.enqueue("local", RunPipelineTest.plan(), RunPipelineTest.files(FakeScaffolder.HANDLER, GOOD),
        RunPipelineTest.files(FakeScaffolder.HANDLER, GOOD));

    RunOutcome outcome = pipeline(new PlantingVerifier(profile, secret)).run(request());

    assertThat(outcome).as(outcome.message()).isInstanceOf(RunOutcome.Verified.class);
    assertThat(profile).as("the host file behind the report link is untouched").hasContent("export PATH=/usr/bin\n");
    assertThat(secret).hasContent(SECRET);
    String prompts = String.join("\n", model.calls.stream().map(c -> c.request().promptText()).toList());
    assertThat(prompts).as("nothing from outside the project reaches a prompt").doesNotContain(SECRET)
        .doesNotContain("root:x:0:0");
    Path out = dir.resolve("out");
    try (Stream<Path> all = Files.walk(out)) {
      assertThat(all.filter(Files::isSymbolicLink).toList()).as("no link is published").isEmpty();
    }
    assertThat(out.resolve("BUILD-REPORT.md")).isRegularFile().content().contains("library-loans");
    assertThat(Files.isSymbolicLink(out.resolve("hostroot"))).isFalse();
  }

  @Test
  void hostilePathsAreRefusedWithAReasonAndTheBuildGoesOn() throws Exception {
    String dirPrefix = "src/main/java/com/example/library/";
    String answer = RunPipelineTest.JSON.createObjectNode().set("files", RunPipelineTest.JSON.createArrayNode()
        .add(file(dirPrefix + "a".repeat(300) + ".java"))
        .add(file(dirPrefix + "x/".repeat(130) + "Deep.java"))
        .add(file(dirPrefix + "Evil\nName.java"))
        .add(file(dirPrefix + "Evil\rName.java"))
        .add(file(dirPrefix + "gnp\u202E.java"))
        .add(file(dirPrefix + "Nul\0.java"))
        .add(file(dirPrefix + "Caf\u00e9.java"))
        .add(file("../../outside/Escape.java"))
        .add(file("/etc/cron.d/Escape.java"))
        .add(RunPipelineTest.JSON.createObjectNode().put("path", FakeScaffolder.HANDLER).put("content", GOOD)))
        .toString();
    model.enqueue("local", RunPipelineTest.plan(), answer);

    RunOutcome outcome = pipeline(new FakeVerifier()).run(request());

    assertThat(outcome).as(outcome.message()).isInstanceOf(RunOutcome.Verified.class);
    var refused = outcome.report().path("refusedPaths");
    assertThat(refused).hasSize(9);
    String report = Files.readString(dir.resolve("out/BUILD-REPORT.md"));
    assertThat(report).contains("longer than").contains("U+000A").contains("U+202E").contains("NUL")
        .contains("allowed set").contains("'..'").contains("absolute");
    assertThat(report).as("no raw control or bidi character in the report")
        .doesNotContain("\u202E").doesNotContain("\r").doesNotContain("\0");
    assertThat(dir.resolve("outside")).doesNotExist();
  }

  @Test
  void aBuildStoppedAfterARefusalResumesAndFinishes() throws Exception {
    String answer = RunPipelineTest.JSON.createObjectNode().set("files", RunPipelineTest.JSON.createArrayNode()
        .add(file("src/main/java/com/example/library/" + "b".repeat(400) + ".java"))
        .add(RunPipelineTest.JSON.createObjectNode().put("path", FakeScaffolder.HANDLER).put("content", GOOD)))
        .toString();
    model.enqueue("local", RunPipelineTest.plan(), answer);
    stopAfter.add("implement:returnLoan");

    RunOutcome stopped = pipeline(new FakeVerifier()).run(request());
    RunOutcome resumed = pipeline(new FakeVerifier()).resume("run-hostile", null, null, null, false);

    assertThat(stopped).isInstanceOf(RunOutcome.Stopped.class);
    assertThat(resumed).as(resumed.message()).isInstanceOf(RunOutcome.Verified.class);
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode file(String path) {
    return RunPipelineTest.JSON.createObjectNode().put("path", path).put("content", "class X {}");
  }
}
