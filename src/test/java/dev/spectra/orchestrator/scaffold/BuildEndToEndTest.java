package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spectra.orchestrator.app.Verifiers;
import dev.spectra.orchestrator.verify.CheckOutcome;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole builds through the production verifier: the generated tests compile and run inside the sandbox. Slow (tens
 * of seconds each on a busy machine), so few; they need bubblewrap and a filled (or fillable) dependency cache.
 */
// Minutes of real sandboxed builds: part of ./test --all (and .ci/run), not of the quick ./test.
@Tag("e2e")
class BuildEndToEndTest {
  @TempDir Path dir;

  private static Verifier realVerifier() {
    return Verifiers.sandboxed(System.getenv());
  }

  private BuildReport build(Path contract, Path out) throws Exception {
    try {
      return new OpenApiBuild(Optional.of(realVerifier()), Clock.systemUTC(), ProgressListener.NONE, new Random())
          .run(new OpenApiBuild.Request(contract, null, out, false, false, Duration.ofMinutes(5), dir));
    } catch (SandboxUnavailableException e) {
      assumeTrue(false, "no sandbox here: " + e.getMessage());
      throw e;
    }
  }

  @Test
  void theBookshopExampleBuildsAndItsContractTestsPassInTheSandbox() throws Exception {
    BuildReport report = build(Contracts.example("bookshop-api.yaml"), dir.resolve("bookshop"));
    assertThat(report.tests().failures()).isEmpty();
    assertThat(report.passed()).as("build report %s", report.tests()).isTrue();
    assertThat(report.tests().sandbox()).isEqualTo(VerifyResult.BUBBLEWRAP);
    // Health, three resources' CRUD and the checkout placeholder.
    assertThat(report.tests().run()).isGreaterThanOrEqualTo(30);
    assertThat(report.needsModelCount()).isEqualTo(1);
    // The service was started in the sandbox and checked: no failure, the model's operation pending, not passing.
    CheckOutcome check = report.check();
    assertThat(check).isNotNull();
    assertThat(check.problem()).as(check.serviceLog()).isEmpty();
    assertThat(check.failures()).extracting(CheckOutcome.Finding::render).isEmpty();
    assertThat(check.requests()).isGreaterThan(100);
    assertThat(check.pending()).extracting(CheckOutcome.Pending::operation).singleElement().asString()
        .contains("checkout");
    String json = Files.readString(dir.resolve("bookshop/build-report.json"));
    assertThat(json).contains("\"check\"").contains("\"pending\"");
    assertThat(dir.resolve("bookshop/BUILD-REPORT.md")).content().contains("| check | 0 failures")
        .contains("Pending (answer 501");
  }

  /** Delegates to the real verifier after planting a defect in the scaffolded code, as a faulty model would. */
  private record PlantingVerifier(Verifier real) implements Verifier {
    @Override public VerifyResult verify(Path projectDir, VerifyOptions options)
        throws SandboxUnavailableException, InterruptedException {
      try (var files = Files.walk(projectDir.resolve("src/main/java"))) {
        Path list = files.filter(p -> p.getFileName().toString().equals("CreateBookHandler.java")).findFirst()
            .orElseThrow();
        String code = Files.readString(list);
        // A create that builds SQL from the body: a quote breaks it with a 500. The generated tests send none.
        String planted = code.replace("crud.handle(ctx);", "if (ctx.body().contains(\"'\")) throw new "
            + "IllegalStateException(\"SQL syntax error near quote\");\n    crud.handle(ctx);");
        assertThat(planted).isNotEqualTo(code);
        Files.writeString(list, planted);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return real.verify(projectDir, options);
    }
  }

  @Test
  void aDefectOnlyTheCheckFindsFailsTheBuildAndItsFindingIsInTheReport() throws Exception {
    BuildReport report;
    try {
      report = new OpenApiBuild(Optional.of(new PlantingVerifier(realVerifier())), Clock.systemUTC(),
          ProgressListener.NONE, new Random()).run(new OpenApiBuild.Request(Contracts.example("bookshop-api.yaml"),
          null, dir.resolve("planted"), false, false, Duration.ofMinutes(5), dir));
    } catch (SandboxUnavailableException e) {
      assumeTrue(false, "no sandbox here: " + e.getMessage());
      return;
    }
    assertThat(report.tests().failed()).as("the generated tests do not send quotes").isZero();
    assertThat(report.passed()).isFalse();
    assertThat(report.check().failures()).anySatisfy(f -> {
      assertThat(f.operation()).contains("createBook");
      assertThat(f.kind()).isIn("security", "server-error");
      assertThat(f.curl()).contains("curl");
    });
    assertThat(dir.resolve("planted/BUILD-REPORT.md")).content().contains("## Behaviour check").contains("createBook");
  }

  @Test
  void keywordAndCollidingNamesCompileAndPassTheirTests() throws Exception {
    Path f = Contracts.write(dir, "names.yaml", """
        openapi: 3.0.3
        info: {title: "class", version: "1"}
        paths:
          /class:
            get:
              operationId: class
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {type: array, items: {$ref: '#/components/schemas/switch'}}
            post:
              operationId: Class
              requestBody:
                content:
                  application/json:
                    schema: {$ref: '#/components/schemas/switch'}
              responses:
                '201':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/switch'}
          /class/{id}:
            get:
              operationId: "new"
              parameters: [{name: id, in: path, required: true, schema: {type: string}}]
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {$ref: '#/components/schemas/switch'}
          /Class:
            get:
              operationId: "get \\"quoted\\" */ \\\\u0022"
              responses: {'200': {description: ok}}
        components:
          schemas:
            switch:
              type: object
              properties:
                id: {type: string}
                "default": {type: string, default: "x\\"y"}
        """);
    BuildReport report = build(f, dir.resolve("names"));
    assertThat(report.tests().compileErrors()).isEmpty();
    assertThat(report.passed()).as("build report %s", report.tests()).isTrue();
  }

  @Test
  void theGeneratedTestsCatchAServiceThatBreaksItsContract() throws Exception {
    Path project = dir.resolve("todo");
    new Scaffolder().scaffold(Contracts.example("todo-api.yaml"), null, project);
    // Break the service: ids become strings, which the contract says are integers.
    Path store = project.resolve("src/main/java/com/example/todoapi/support/ResourceStore.java");
    String code = Files.readString(store);
    String broken = code.replace("item.put(idField, Long.parseLong(id));", "item.put(idField, \"x\" + id);");
    assertThat(broken).isNotEqualTo(code);
    Files.writeString(store, broken);
    VerifyResult result;
    try {
      result = realVerifier().verify(project, new VerifyOptions(Duration.ofMinutes(5), false,
          ProgressListener.NONE));
    } catch (SandboxUnavailableException e) {
      assumeTrue(false, "no sandbox here: " + e.getMessage());
      return;
    }
    assertThat(result.compiled()).isTrue();
    assertThat(result.passed()).isFalse();
    assertThat(result.failures()).anySatisfy(f -> assertThat(f.message()).contains("does not match the contract"));
  }
}
