package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation-level checks of the javalin stack. Compiling and running the generated project is the verifier's job (in
 * the sandbox, see BuildEndToEndTest): it targets Javalin 7, which is not on this project's class path.
 */
class JavalinStackTest {
  @TempDir Path dir;

  private Scaffolder.Scaffold scaffold(Path contract) throws Exception {
    return new Scaffolder().scaffold(contract, null, dir.resolve("project"));
  }

  @Test
  void writesTheLayoutOfTheProjectContract() throws Exception {
    var s = scaffold(Contracts.example("todo-api.yaml"));
    String pkg = "src/main/java/com/example/todoapi/";
    assertThat(s.files()).contains("pom.xml", "README.md", "spectra-project.json", "run", "mvnw",
        ".mvn/wrapper/maven-wrapper.properties", "src/main/resources/openapi.yaml",
        "src/main/resources/spectra/service.json", pkg + "Main.java", pkg + "App.java", pkg + "Stores.java",
        pkg + "ops/CreateTodoHandler.java", "src/test/java/com/example/todoapi/contract/ContractScenariosTest.java",
        "src/test/resources/scenarios.json");
    Path project = dir.resolve("project");
    assertThat(Files.readString(project.resolve("src/main/resources/openapi.yaml")))
        .isEqualTo(Files.readString(Contracts.example("todo-api.yaml")));
    assertThat(Files.readString(project.resolve("README.md"))).contains("in memory").contains("./run")
        .contains("All 6 operations are implemented");
    assertThat(Files.isExecutable(project.resolve("run"))).isTrue();
    assertThat(Files.readString(project.resolve("run"))).contains("com.example.todoapi.Main")
        .contains("runtime-classpath");
  }

  @Test
  void declaresTheSameDependenciesInPomAndProjectDescriptor() throws Exception {
    scaffold(Contracts.example("todo-api.yaml"));
    Path project = dir.resolve("project");
    JsonNode descriptor = new ObjectMapper().readTree(project.resolve("spectra-project.json").toFile());
    String pom = Files.readString(project.resolve("pom.xml"));
    assertThat(descriptor.path("mainClass").asText()).isEqualTo("com.example.todoapi.Main");
    assertThat(descriptor.path("dependencies")).hasSize(JavalinStack.DEPENDENCIES.size());
    for (JsonNode d : descriptor.path("dependencies")) {
      assertThat(pom).contains("<artifactId>" + d.path("artifactId").asText() + "</artifactId>\n      <version>"
          + d.path("version").asText() + "</version>");
    }
    assertThat(pom).contains("<artifactId>javalin</artifactId>\n      <version>7.2.3</version>");
  }

  @Test
  void marksTheNonCrudOperationForTheModelStepWithItsReason() throws Exception {
    scaffold(Contracts.example("bookshop-api.yaml"));
    Path project = dir.resolve("project");
    String handler = Files.readString(project.resolve(
        "src/main/java/com/example/bookshopapi/ops/CheckoutOrderHandler.java"));
    assertThat(handler.lines().skip(2).findFirst()).hasValue("// NEEDS MODEL: checkoutOrder");
    assertThat(handler).contains("501").contains("Why no implementation was generated:");
    List<String> marked;
    try (Stream<Path> files = Files.walk(project)) {
      marked = files.filter(Files::isRegularFile).filter(p -> read(p).contains("// NEEDS MODEL: "))
          .map(p -> p.getFileName().toString()).toList();
    }
    assertThat(marked).containsExactlyInAnyOrder("CheckoutOrderHandler.java", "App.java");
    JsonNode scenarios = new ObjectMapper().readTree(project.resolve("src/test/resources/scenarios.json").toFile());
    assertThat(scenarios.path("scenarios").findValuesAsText("pending")).hasSize(1);
  }

  @Test
  void everyImplementedOperationHasABehaviourScenario() throws Exception {
    var s = scaffold(Contracts.example("bookshop-api.yaml"));
    JsonNode scenarios = new ObjectMapper().readTree(dir.resolve("project/src/test/resources/scenarios.json")
        .toFile());
    List<String> names = scenarios.path("scenarios").findValuesAsText("name");
    for (var op : s.operations()) {
      assertThat(names).as(op.operationId()).anyMatch(n -> n.startsWith(op.operationId() + ": "));
    }
    assertThat(names).anyMatch(n -> n.contains("then get answers 404"))
        .anyMatch(n -> n.contains("stores only the properties the contract declares"))
        .anyMatch(n -> n.contains("answers 405 with Allow"));
  }

  @Test
  void shapesErrorAnswersLikeThePetstoreContract() throws Exception {
    Path project = dir.resolve("pet");
    new Scaffolder().scaffold(Path.of("src/test/resources/scaffold/petstore.yaml"), null, project);
    JsonNode service = new ObjectMapper().readTree(project.resolve("src/main/resources/spectra/service.json")
        .toFile());
    // Error {code: integer, message: string}: the code carries the status, the message the message.
    JsonNode general = service.path("errors").path("general").path("fields");
    assertThat(general.path("code").asText()).isEqualTo("status");
    assertThat(general.path("message").asText()).isEqualTo("message");
    assertThat(general.has("error")).isFalse();
    // createPets answers 201 without a body: the id travels in Location only.
    assertThat(service.path("operations").path("createPets").path("body").asBoolean(true)).isFalse();
  }

  @Test
  void keywordAndCollidingNamesStillCompile() throws Exception {
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
          /hashCode:
            get:
              operationId: hashCode
              responses:
                '200':
                  description: ok
                  content:
                    application/json:
                      schema: {type: array, items: {$ref: '#/components/schemas/switch'}}
        components:
          schemas:
            switch:
              type: object
              properties:
                id: {type: string}
                "default": {type: string, default: "x\\"y"}
        """);
    Path project = dir.resolve("names");
    var s = new Scaffolder().scaffold(f, null, project);
    assertThat(s.operations()).hasSize(5);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
