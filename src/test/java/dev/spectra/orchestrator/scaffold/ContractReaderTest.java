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
  void acceptsSchemaKeywordsTheValidatorKnowsInsteadOfRefusingThem() throws Exception {
    Path f = Contracts.write(dir, "cond.yaml", """
        openapi: 3.1.0
        info: {title: Cond, version: "1"}
        paths: {}
        components:
          schemas:
            Shape:
              type: object
              if: {properties: {kind: {const: circle}}}
              then: {required: [radius]}
        """);
    assertThat(reader.read(f).warnings()).isEmpty();
  }

  @Test
  void refusesADuplicateKeyWithItsLineAndNoStackTrace() throws Exception {
    Path f = Contracts.write(dir, "dup.yaml", """
        openapi: 3.0.3
        info: {title: Dup, version: "1"}
        paths:
          /x:
            get:
              responses: {'200': {description: ok}}
          /x:
            post:
              responses: {'200': {description: ok}}
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(7);
      assertThat(p.message()).contains("duplicate key '/x'").contains("first at line 4");
      assertThat(p.toString()).startsWith(f + ":7: ");
    });
  }

  @Test
  void refusesAPipeSeparatedTypeWithTheFix() throws Exception {
    Path f = Contracts.write(dir, "pipe.yaml", """
        openapi: 3.0.3
        info: {title: Pipe, version: "1"}
        paths: {}
        components:
          schemas:
            Price:
              type: object
              properties:
                amount:
                  type: number | null
        """);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f));
    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.line()).isEqualTo(10);
      assertThat(p.message()).contains("type: [number, null]").contains("nullable: true");
    });
  }

  @Test
  void toleratesADefaultBesideAParameterSchemaWithALocatedWarningButNotWhenStrict() throws Exception {
    Path f = Contracts.write(dir, "default.yaml", """
        openapi: 3.0.3
        info: {title: Def, version: "1"}
        paths:
          /x:
            get:
              parameters:
                - name: limit
                  in: query
                  default: 10
                  schema: {type: integer}
              responses: {'200': {description: ok}}
        """);
    Contract c = reader.read(f);
    assertThat(c.warnings()).anySatisfy(w -> {
      assertThat(w.line()).isEqualTo(9);
      assertThat(w.message()).contains("'default' belongs inside the parameter's 'schema'");
    });
    assertThat(c.tree().at("/paths/~1x/get/parameters/0/schema/default").asInt()).isEqualTo(10);
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f, true));
    assertThat(e.getMessage()).contains("--strict");
  }

  @Test
  void readsACapitalisedTypeWithAWarning() throws Exception {
    Path f = Contracts.write(dir, "cap.yaml", """
        openapi: 3.0.3
        info: {title: Cap, version: "1"}
        paths: {}
        components:
          schemas:
            Thing:
              type: Object
              properties: {id: {type: integer}}
        """);
    Contract c = reader.read(f);
    assertThat(c.tree().at("/components/schemas/Thing/type").asText()).isEqualTo("object");
    assertThat(c.warnings()).anySatisfy(w -> assertThat(w.line()).isEqualTo(7));
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
  void reportsSwaggerParserComplaintsAsLocatedWarningsAndRefusesThemWhenStrict() throws Exception {
    Path f = Contracts.write(dir, "noresponses.yaml", """
        openapi: 3.0.3
        info: {title: Bad, version: "1"}
        paths:
          /x:
            get:
              operationId: getX
        """);
    assertThat(reader.read(f).warnings()).anySatisfy(w -> {
      assertThat(w.message()).contains("responses");
      assertThat(w.line()).isEqualTo(5);
    });
    var e = catchThrowableOfType(InvalidContractException.class, () -> reader.read(f, true));
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
