package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spectra.orchestrator.app.Verifiers;
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
