package dev.spectra.orchestrator.scaffold;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generation-level checks of the javalin stack. Running the generated tests is the verifier's job (in the sandbox,
 * see BuildEndToEndTest); here the generated main sources are only compiled, never run.
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
    assertThat(s.files()).contains("pom.xml", "README.md", "spectra-project.json", "src/main/resources/openapi.yaml",
        pkg + "Main.java", pkg + "App.java", pkg + "Stores.java", pkg + "ops/CreateTodoHandler.java",
        "src/test/java/com/example/todoapi/contract/TodosContractTest.java",
        "src/test/java/com/example/todoapi/contract/HealthContractTest.java");
    Path project = dir.resolve("project");
    assertThat(Files.readString(project.resolve("src/main/resources/openapi.yaml")))
        .isEqualTo(Files.readString(Contracts.example("todo-api.yaml")));
    assertThat(Files.readString(project.resolve("README.md"))).contains("in memory").contains("mvn -q test");
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
    assertThat(pom).contains("<artifactId>swagger-request-validator-core</artifactId>");
  }

  @Test
  void marksTheNonCrudOperationAndItsTestForTheModelStep() throws Exception {
    scaffold(Contracts.example("bookshop-api.yaml"));
    Path project = dir.resolve("project");
    String handler = Files.readString(project.resolve(
        "src/main/java/com/example/bookshopapi/ops/CheckoutOrderHandler.java"));
    assertThat(handler.lines().skip(2).findFirst()).hasValue("// NEEDS MODEL: checkoutOrder");
    assertThat(handler).contains("501").contains("\"not implemented\"");
    String test = Files.readString(project.resolve(
        "src/test/java/com/example/bookshopapi/contract/CheckoutOrderHandlerTest.java"));
    assertThat(test).contains("// NEEDS MODEL: checkoutOrder").contains("isEqualTo(501)");
    List<String> marked;
    try (Stream<Path> files = Files.walk(project)) {
      marked = files.filter(Files::isRegularFile).filter(p -> read(p).contains("// NEEDS MODEL: "))
          .map(p -> p.getFileName().toString()).toList();
    }
    assertThat(marked).containsExactlyInAnyOrder("CheckoutOrderHandler.java", "CheckoutOrderHandlerTest.java",
        "App.java");
  }

  @Test
  void everyOperationHasAContractTest() throws Exception {
    var s = scaffold(Contracts.example("bookshop-api.yaml"));
    Path tests = dir.resolve("project/src/test/java/com/example/bookshopapi/contract");
    for (var op : s.operations()) {
      if (op.status().equals(BuildReport.NEEDS_MODEL)) {
        String handler = Path.of(op.handler()).getFileName().toString().replace(".java", "");
        assertThat(read(tests.resolve(handler + "Test.java"))).contains("send(\"" + op.method() + "\", ");
      } else {
        String collection = op.path().replaceAll("/\\{[^}]+}$", "");
        String resource = JavaNames.upperCamel(collection.substring(1));
        assertThat(read(tests.resolve(resource + "ContractTest.java"))).as("%s %s", op.method(), op.path())
            .contains("send(\"" + op.method() + "\", \"" + collection);
      }
    }
  }

  @Test
  void generatedMainSourcesCompileForBothExamples() throws Exception {
    for (String example : List.of("todo-api.yaml", "bookshop-api.yaml")) {
      Path project = dir.resolve(example);
      new Scaffolder().scaffold(Contracts.example(example), null, project);
      assertThat(compileMain(project)).as(example).isEmpty();
    }
  }

  @Test
  void shapesErrorBodiesAndBodilessAnswersLikeThePetstoreContract() throws Exception {
    Path project = dir.resolve("pet");
    new Scaffolder().scaffold(Path.of("src/test/resources/scaffold/petstore.yaml"), null, project);
    String pkg = "src/main/java/com/example/swaggerpetstore/";
    // Error {code: integer, message: string}, nothing else: the validator rejects undeclared properties.
    assertThat(Files.readString(project.resolve(pkg + "support/ErrorBody.java")))
        .contains("body.put(\"code\", status);").contains("body.put(\"message\", message);")
        .doesNotContain("\"error\"");
    // createPets answers 201 without a body: the id travels in Location only.
    assertThat(Files.readString(project.resolve(pkg + "ops/CreatePetsHandler.java")))
        .contains("ctx.header(\"Location\"").contains("ctx.status(201);").doesNotContain("Http.json(ctx, 201");
    assertThat(compileMain(project)).isEmpty();
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
    assertThat(compileMain(project)).isEmpty();
  }

  /**
   * {@return this JVM's class path with the Javalin line the generated projects use (their pom names it) in place
   * of the orchestrator's own} The orchestrator serves on Javalin 7 (Jetty 12); generated services stay on Javalin
   * 6 (Jetty 11), whose jars the sandbox's offline Maven repository holds.
   */
  private static String generatedProjectClassPath() {
    Path repo = Path.of(System.getProperty("user.home"), ".m2", "repository");
    List<String> out = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      String e = entry.replace('\\', '/');
      if (e.contains("/io/javalin/javalin/") || e.contains("/org/eclipse/jetty/")
          || e.contains("/jakarta/servlet/jakarta.servlet-api/")) {
        continue;
      }
      out.add(entry);
    }
    out.add(repo.resolve("io/javalin/javalin/6.7.0/javalin-6.7.0.jar").toString());
    out.add(repo.resolve("jakarta/servlet/jakarta.servlet-api/5.0.0/jakarta.servlet-api-5.0.0.jar").toString());
    for (String jetty : List.of("jetty-server", "jetty-http", "jetty-util", "jetty-io")) {
      out.add(repo.resolve("org/eclipse/jetty/" + jetty + "/11.0.25/" + jetty + "-11.0.25.jar").toString());
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  /** Compiles the generated main sources against the Javalin and Jackson the generated project depends on. */
  private static List<String> compileMain(Path project) throws IOException {
    List<String> sources = new ArrayList<>();
    try (Stream<Path> files = Files.walk(project.resolve("src/main/java"))) {
      files.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toString()));
    }
    List<String> args = new ArrayList<>(List.of("-proc:none", "--release", "21", "-d",
        project.resolve("target/classes").toString(), "-cp", generatedProjectClassPath()));
    args.addAll(sources);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, err, args.toArray(String[]::new));
    String out = err.toString(StandardCharsets.UTF_8);
    return rc == 0 ? List.of() : List.of(out);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
