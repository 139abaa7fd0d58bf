package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContractReaderTest {
  @TempDir Path dir;
  private final ContractReader reader = new ContractReader();

  @Test
  void readsBothExamples() throws Exception {
    assertThat(reader.read(Contracts.example("todo-api.yaml")).version()).isEqualTo("3.0.3");
    assertThat(reader.read(Contracts.example("bookshop-api.yaml")).tree().path("paths").size()).isEqualTo(7);
  }

  @Test
  void refusesOpenApi2WithAClearMessage() throws Exception {
    Path f = Contracts.write(dir, "petstore.yaml", """
        swagger: "2.0"
        info: {title: Pets, version: "1"}
        paths: {}
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.file()).isEqualTo(f.toString());
      assertThat(p.location()).isEqualTo("/swagger");
      assertThat(p.message()).contains("OpenAPI 2").contains("convert it to OpenAPI 3");
    });
  }

  @Test
  void namesAMissingRefAndWhereItIsUsed() throws Exception {
    Path f = Contracts.write(dir, "missing.yaml", """
        openapi: 3.0.3
        info: {title: Things, version: "1"}
        paths:
          /things:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: '#/components/schemas/Thing'
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.location()).isEqualTo("/paths/~1things/get/responses/200/content/application~1json/schema/$ref");
      assertThat(p.message()).contains("'#/components/schemas/Thing'");
    });
  }

  @Test
  void givesTheLineOfAYamlSyntaxError() throws Exception {
    Path f = Contracts.write(dir, "broken.yaml", "openapi: 3.0.3\ninfo: {title: x\n");
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.problems().getFirst().location()).startsWith("line ");
    assertThat(e.getMessage()).contains("broken.yaml").contains("not valid YAML or JSON");
  }

  @Test
  void refusesSchemaKeywordsTheGeneratorCannotEnforce() throws Exception {
    Path f = Contracts.write(dir, "cond.yaml", """
        openapi: 3.1.0
        info: {title: Cond, version: "1"}
        paths: {}
        components:
          schemas:
            Shape:
              type: object
              properties:
                if: {type: string}
              if: {properties: {kind: {const: circle}}}
              then: {required: [radius]}
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.problems()).extracting(ContractProblem::location)
        .containsExactlyInAnyOrder("/components/schemas/Shape/if", "/components/schemas/Shape/then");
    assertThat(e.problems().getFirst().message()).contains("unsupported schema keyword");
  }

  @Test
  void refusesRemoteReferencesBecauseBuildsRunOffline() throws Exception {
    Path f = Contracts.write(dir, "remote.yaml", """
        openapi: 3.0.3
        info: {title: Remote, version: "1"}
        paths:
          /x:
            get:
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: 'https://example.com/schemas/x.json'
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.getMessage()).contains("remote $ref").contains("https://example.com/schemas/x.json");
  }

  @Test
  void reportsAMissingFileByName() {
    Path f = dir.resolve("nope.yaml");
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.getMessage()).contains("nope.yaml").contains("file not found");
  }

  @Test
  void reportsSwaggerParserValidationErrorsWithTheirLocation() throws Exception {
    Path f = Contracts.write(dir, "noresponses.yaml", """
        openapi: 3.0.3
        info: {title: Bad, version: "1"}
        paths:
          /x:
            get:
              operationId: getX
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.getMessage()).contains("responses");
  }

  @Test
  void bundlesExternalFileReferences() throws Exception {
    Contracts.write(dir, "thing.yaml", """
        type: object
        properties:
          id: {type: integer}
          name: {type: string}
        """);
    Path f = Contracts.write(dir, "main.yaml", """
        openapi: 3.0.3
        info: {title: Ext, version: "1"}
        paths:
          /things/{id}:
            get:
              parameters:
                - {name: id, in: path, required: true, schema: {type: integer}}
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema:
                        $ref: 'thing.yaml'
        """);
    Contract c = reader.read(f);
    assertThat(c.bundled()).isTrue();
    assertThat(c.tree().toString()).doesNotContain("thing.yaml");
  }
}
