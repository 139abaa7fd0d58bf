package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScaffolderTest {
  @TempDir Path dir;

  @Test
  void refusesADocumentOfSchemasAloneAtLineOneBecauseThereIsNoServiceToBuild() throws Exception {
    Path f = Contracts.write(dir, "schemas.yaml", """
        openapi: 3.0.3
        info: {title: Shared, version: "1"}
        components:
          schemas:
            Client: {type: object, properties: {name: {type: string}}}
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> new Scaffolder().plan(f, null));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.file()).isEqualTo(f.toString());
      assertThat(p.line()).isEqualTo(1);
      assertThat(p.message()).contains("declares no operation").contains("no service to build");
    });
  }

  @Test
  void refusesEmptyPathsAtTheLineOfPaths() throws Exception {
    Path f = Contracts.write(dir, "empty.yaml", """
        openapi: 3.1.0
        info: {title: Empty, version: "1"}
        paths: {}
        webhooks:
          ping:
            post:
              responses: {'200': {description: ok}}
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> new Scaffolder().plan(f, null));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(3);
      assertThat(p.location()).isEqualTo("/paths");
    });
  }

  @Test
  void aContractWithoutResourcesGetsStoresWithoutASwitchThatCouldNotCompile() throws Exception {
    Path f = Contracts.write(dir, "echo.yaml", """
        openapi: 3.0.3
        info: {title: Echo, version: "1"}
        paths:
          /echo:
            post:
              requestBody:
                content:
                  application/json:
                    schema: {type: object, properties: {text: {type: string}}}
              responses: {'200': {description: echoed}}
        """);
    Path project = dir.resolve("echo");
    new Scaffolder().scaffold(f, null, project);
    String stores = Files.readString(project.resolve("src/main/java/com/example/echo/Stores.java"));
    assertThat(stores).contains("public record Stores()").doesNotContain("switch (name)")
        .contains("throw new IllegalArgumentException(\"no resource \" + name);");
  }
}
