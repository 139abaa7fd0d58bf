package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.spectra.orchestrator.scaffold.ServicePlan.CrudKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.IdKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.Operation;
import dev.spectra.orchestrator.scaffold.ServicePlan.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code javalin} stack: a plain Maven Java 21 project on Javalin 6 and Jackson, in-memory stores, a small
 * request validator of its own, and JUnit contract tests that check every response with swagger-request-validator.
 * Static runtime files are templates under {@code src/main/resources/scaffold/javalin/}; the rest is written here.
 */
final class JavalinStack implements Stack {
  /** The project's direct dependencies; pom.xml and spectra-project.json both list exactly these. */
  static final List<Dep> DEPENDENCIES = List.of(
      new Dep("io.javalin", "javalin", "6.7.0", "compile"),
      new Dep("com.fasterxml.jackson.core", "jackson-databind", "2.23.0", "compile"),
      new Dep("org.slf4j", "slf4j-simple", "2.0.20", "compile"),
      new Dep("org.junit.jupiter", "junit-jupiter", "5.14.4", "test"),
      new Dep("org.assertj", "assertj-core", "3.27.7", "test"),
      new Dep("com.atlassian.oai", "swagger-request-validator-core", "2.44.1", "test"));

  private static final String TEMPLATES = "/scaffold/javalin/";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  record Dep(String groupId, String artifactId, String version, String scope) {}

  @Override public String name() {
    return "javalin";
  }

  @Override public String description() {
    return "Java 21, Javalin 6.7 + Jackson, Maven; in-memory stores; JUnit 5 contract tests";
  }

  @Override public List<GeneratedFile> generate(ServicePlan plan) {
    String pkg = plan.javaPackage();
    String main = "src/main/java/" + pkg.replace('.', '/') + "/";
    String test = "src/test/java/" + pkg.replace('.', '/') + "/contract/";
    List<GeneratedFile> files = new ArrayList<>();
    files.add(new GeneratedFile("pom.xml", pom(plan)));
    files.add(new GeneratedFile("spectra-project.json", projectJson(plan)));
    files.add(new GeneratedFile("README.md", readme(plan)));
    files.add(new GeneratedFile("src/main/resources/openapi.yaml", contractText(plan.contract())));
    files.add(new GeneratedFile("src/main/resources/simplelogger.properties", template("simplelogger.properties", pkg)));
    files.add(new GeneratedFile(main + "Main.java", template("Main.java.txt", pkg)));
    for (String s : List.of("Json", "ApiError", "Http", "SchemaValidator", "ResourceStore")) {
      files.add(new GeneratedFile(main + "support/" + s + ".java", template("support/" + s + ".java.txt", pkg)));
    }
    files.add(new GeneratedFile(main + "support/ErrorBody.java", errorBody(plan)));
    files.add(new GeneratedFile(main + "Stores.java", stores(plan)));
    files.add(new GeneratedFile(main + "App.java", app(plan)));
    for (Resource r : plan.resources()) {
      files.add(new GeneratedFile("src/main/resources/schemas/" + r.typeName() + ".json", json(r.schema())));
      r.requestSchemas().forEach((kind, schema) -> files.add(new GeneratedFile(
          "src/main/resources/schemas/" + r.ops().get(kind).handlerClass() + ".json", json(schema))));
    }
    for (Operation op : plan.operations()) {
      String code = op.crud() == null ? needsModelHandler(pkg, op) : crudHandler(pkg, plan, op);
      files.add(new GeneratedFile(main + "ops/" + op.handlerClass() + ".java", code));
    }
    files.add(new GeneratedFile(test + "ContractSupport.java", template("contract/ContractSupport.java.txt", pkg)));
    if (!declaresHealth(plan)) files.add(new GeneratedFile(test + "HealthContractTest.java", healthTest(pkg)));
    for (Resource r : plan.resources()) {
      files.add(new GeneratedFile(test + r.typeName() + "ContractTest.java", resourceTest(pkg, plan, r)));
    }
    CrudAnalyzer analyzer = new CrudAnalyzer(plan.contract());
    for (Operation op : plan.needsModel()) {
      files.add(new GeneratedFile(test + op.handlerClass() + "Test.java", needsModelTest(pkg, analyzer, op)));
    }
    return files;
  }

  // ---------------------------------------------------------------- build files

  private String pom(ServicePlan plan) {
    StringBuilder deps = new StringBuilder();
    for (Dep d : DEPENDENCIES) {
      deps.append("    <dependency>\n")
          .append("      <groupId>").append(d.groupId()).append("</groupId>\n")
          .append("      <artifactId>").append(d.artifactId()).append("</artifactId>\n")
          .append("      <version>").append(d.version()).append("</version>\n")
          .append(d.scope().equals("test") ? "      <scope>test</scope>\n" : "")
          .append("    </dependency>\n");
    }
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0"
                 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                 xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
          <modelVersion>4.0.0</modelVersion>
          <groupId>com.example</groupId>
          <artifactId>%s</artifactId>
          <version>0.1.0</version>
          <name>%s</name>

          <properties>
            <maven.compiler.release>21</maven.compiler.release>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            <exec.mainClass>%s.Main</exec.mainClass>
          </properties>

          <dependencies>
        %s  </dependencies>

          <build>
            <plugins>
              <plugin>
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.14.1</version>
              </plugin>
              <plugin>
                <!-- Surefire 3 runs JUnit 5; Maven's old default runs none. -->
                <groupId>org.apache.maven.plugins</groupId>
                <artifactId>maven-surefire-plugin</artifactId>
                <version>3.5.4</version>
              </plugin>
              <plugin>
                <groupId>org.codehaus.mojo</groupId>
                <artifactId>exec-maven-plugin</artifactId>
                <version>3.5.1</version>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(plan.slug(), xml(plan.title()), plan.javaPackage(), deps);
  }

  private String projectJson(ServicePlan plan) {
    ObjectNode root = JSON.createObjectNode();
    root.put("stack", name());
    root.put("javaRelease", 21);
    root.put("mainClass", plan.javaPackage() + ".Main");
    root.put("mainSources", "src/main/java");
    root.put("mainResources", "src/main/resources");
    root.put("testSources", "src/test/java");
    root.put("testResources", "src/test/resources");
    ArrayNode deps = root.putArray("dependencies");
    for (Dep d : DEPENDENCIES) {
      deps.addObject().put("groupId", d.groupId()).put("artifactId", d.artifactId()).put("version", d.version())
          .put("scope", d.scope());
    }
    return json(root);
  }

  private static String contractText(Contract contract) {
    if (!contract.bundled()) return contract.text();
    try {
      return new YAMLMapper().writeValueAsString(contract.tree());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the bundled contract", e);
    }
  }

  private String readme(ServicePlan plan) {
    StringBuilder ops = new StringBuilder();
    for (Operation op : plan.operations()) {
      ops.append("| `").append(op.label()).append("` | `").append(op.operationId()).append("` | ")
          .append(op.crud() == null ? "needs a model (answers 501)" : "implemented: " + crudWords(op.crud()))
          .append(" |\n");
    }
    return """
        # %s

        A Java 21 service generated from `src/main/resources/openapi.yaml` by `orchestrator build --openapi`
        (stack `javalin`: Javalin 6.7 + Jackson, Maven).

        ## Run it

        Needs Maven and a JDK 21 or newer: if `java -version` shows an older one, point `JAVA_HOME` at a JDK 21+
        first (otherwise Maven stops with `release version 21 not supported`).

        ```bash
        mvn -q compile exec:java -Dexec.args="--port 8080"     # --port 0 picks a free port; --host 0.0.0.0 to listen on all interfaces
        curl http://127.0.0.1:8080/health                       # {"status":"UP"}
        ```

        ## Test it

        ```bash
        mvn -q test
        ```

        The contract tests in `src/test/java/%s/contract/` start the service on a random port, call every
        operation over HTTP and check each response (status, headers, body) against `openapi.yaml` with
        swagger-request-validator.

        ## What is implemented

        | operation | operationId | status |
        |---|---|---|
        %s
        Plain CRUD is implemented without a model: create answers 201 with a `Location` header, list supports equality
        filters on query parameters that name fields, get/replace/update/delete answer 404 for unknown ids, and a body
        that does not match its schema answers 400 with `{"error": ..., "message": ..., "details": [...]}`.

        **Persistence is in memory**: thread-safe, and lost when the process stops.

        Operations marked "needs a model" answer `501` with `{"error":"not implemented","operation":"<operationId>"}`.
        Their handlers are the files under `src/main/java/%s/ops/` that start with `// NEEDS MODEL:`, and their
        tests are the `*HandlerTest.java` files carrying the same marker.
        """.formatted(plan.title(), plan.javaPackage().replace('.', '/'), ops,
        plan.javaPackage().replace('.', '/'));
  }

  private static String crudWords(CrudKind kind) {
    return switch (kind) {
      case CREATE -> "create";
      case LIST -> "list with filters";
      case GET -> "get by id";
      case REPLACE -> "replace";
      case UPDATE -> "partial update (merge patch)";
      case DELETE -> "delete";
    };
  }

  // ---------------------------------------------------------------- main code

  private String stores(ServicePlan plan) {
    StringBuilder components = new StringBuilder();
    StringBuilder creation = new StringBuilder();
    for (Resource r : plan.resources()) {
      if (!components.isEmpty()) components.append(", ");
      components.append("ResourceStore ").append(r.name());
      if (!creation.isEmpty()) creation.append(",\n");
      creation.append("        new ResourceStore(").append(JavaNames.literal(r.idField())).append(", ResourceStore.IdKind.")
          .append(r.idKind() == IdKind.INTEGER ? "INTEGER" : "UUID").append(",\n")
          .append("            Set.of(").append(literals(new TreeSet<>(readOnly(r.schema(), r.idField())))).append("),\n")
          .append("            Map.ofEntries(").append(mapOfJson(r.defaults())).append("),\n")
          .append("            Map.ofEntries(").append(mapOfStrings(r.serverFields())).append("))");
    }
    return """
        package %s;

        import %s.support.Json;
        import %s.support.ResourceStore;
        import java.util.Map;
        import java.util.Set;

        /**
         * The service's data: one in-memory store per resource of the contract. Handlers receive this record, so an
         * operation that needs a model can reach every collection.
         */
        public record Stores(%s) {
          public static Stores inMemory() {
            return new Stores(
        %s);
          }

          @SuppressWarnings("unused")
          private static com.fasterxml.jackson.databind.JsonNode json(String text) {
            try {
              return Json.MAPPER.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
              throw new IllegalStateException(e);
            }
          }
        }
        """.formatted(plan.javaPackage(), plan.javaPackage(), plan.javaPackage(), components, creation);
  }

  /**
   * The error body, shaped to the contract's error schema so error answers validate: string fields named like a
   * message get the message, numeric fields the status, string arrays the details, a field named "error" the short
   * reason. Without a schema, the default {"error", "message", "details"} fields are used.
   */
  private String errorBody(ServicePlan plan) {
    JsonNode schema = plan.errorSchema();
    StringBuilder puts = new StringBuilder();
    // swagger-request-validator rejects properties a schema does not declare, so only declared ones are written.
    boolean open = schema == null;
    Set<String> used = new TreeSet<>();
    if (schema != null) {
      Set<String> required = CrudAnalyzer.requiredOf(schema);
      for (var e : SchemaInliner.properties(schema).entrySet()) {
        String name = e.getKey();
        String lit = JavaNames.literal(name);
        String type = SchemaInliner.type(e.getValue());
        boolean req = required.contains(name);
        switch (type) {
          case "string" -> {
            if (name.equals("error")) puts.append("    body.put(").append(lit).append(", error);\n");
            else if (req || List.of("message", "detail", "description", "title", "reason", "msg").contains(name)) {
              puts.append("    body.put(").append(lit).append(", message);\n");
            } else continue;
          }
          case "integer", "number" -> puts.append("    body.put(").append(lit).append(", status);\n");
          case "array" -> {
            if (!SchemaInliner.type(e.getValue().get("items")).equals("string")) continue;
            puts.append("    if (").append(req ? "true" : "!details.isEmpty()").append(") details.forEach(body.putArray(")
                .append(lit).append(")::add);\n");
          }
          default -> { continue; }
        }
        used.add(name);
      }
    }
    if (open) {
      if (!used.contains("error")) puts.append("    body.put(\"error\", error);\n");
      if (!used.contains("message")) puts.append("    body.put(\"message\", message);\n");
      if (!used.contains("details")) puts.append("    if (!details.isEmpty()) details.forEach(body.putArray(\"details\")::add);\n");
    }
    return """
        package %s.support;

        import com.fasterxml.jackson.databind.node.ObjectNode;
        import java.util.List;

        /** Error bodies in the shape the contract declares for its error answers. */
        final class ErrorBody {
          private ErrorBody() {}

          @SuppressWarnings("unused")
          static ObjectNode of(int status, String error, String message, List<String> details) {
            ObjectNode body = Json.MAPPER.createObjectNode();
        %s    return body;
          }
        }
        """.formatted(plan.javaPackage(), puts);
  }

  private String app(ServicePlan plan) {
    String pkg = plan.javaPackage();
    List<Operation> ordered = new ArrayList<>(plan.operations());
    // Javalin takes the first route that matches: literal segments must come before parameters at the same place.
    ordered.sort(Comparator.comparing(o -> routeKey(o.path())));
    StringBuilder routes = new StringBuilder();
    for (Operation op : ordered) {
      routes.append("    app.addHttpHandler(HandlerType.").append(op.method()).append(", ")
          .append(JavaNames.literal(op.path())).append(", new ").append(op.handlerClass()).append("(stores));")
          .append(op.crud() == null ? " // NEEDS MODEL: " + JavaNames.comment(op.operationId()) : "").append('\n');
    }
    String health = declaresHealth(plan) ? "    // GET /health is an operation of the contract and is routed below.\n"
        : "    app.get(\"/health\", ctx -> Http.json(ctx, 200, Json.MAPPER.createObjectNode().put(\"status\", \"UP\")));\n";
    return """
        package %1$s;

        import %1$s.ops.*;
        import %1$s.support.ApiError;
        import %1$s.support.Http;
        import %1$s.support.Json;
        import io.javalin.Javalin;
        import io.javalin.http.HandlerType;
        import java.util.List;
        import org.slf4j.Logger;
        import org.slf4j.LoggerFactory;

        /** Builds the service: routes of every contract operation, JSON errors, and the health endpoint. */
        public final class App {
          private static final Logger LOG = LoggerFactory.getLogger(App.class);

          private App() {}

          /** The service with empty in-memory stores; not started. */
          public static Javalin create() {
            return create(Stores.inMemory());
          }

          public static Javalin create(Stores stores) {
            Javalin app = Javalin.create(config -> config.showJavalinBanner = false);
            app.exception(ApiError.class, (e, ctx) -> Http.json(ctx, e.status(), e.body()));
            app.exception(Exception.class, (e, ctx) -> {
              LOG.error("unhandled error on {} {}", ctx.method(), ctx.path(), e);
              Http.json(ctx, 500, new ApiError(500, "internal error", "unexpected error; see the service log",
                  List.of()).body());
            });
        %2$s
        %3$s    return app;
          }
        }
        """.formatted(pkg, health, routes);
  }

  /** {@return whether the contract declares a JSON body for this answer} */
  private static boolean answers(ServicePlan plan, Operation op, int status) {
    return new CrudAnalyzer(plan.contract()).responseSchema(op, status) != null;
  }

  /** Sort key putting literal path segments before parameters, position by position. */
  private static String routeKey(String path) {
    StringBuilder sb = new StringBuilder();
    for (String seg : path.split("/")) sb.append(seg.startsWith("{") ? "1" : "0").append(seg).append('/');
    return sb.toString();
  }

  private static boolean declaresHealth(ServicePlan plan) {
    return plan.operations().stream().anyMatch(o -> o.path().equals("/health") && o.method().equals("GET"));
  }

  private String needsModelHandler(String pkg, Operation op) {
    String summary = op.node().path("summary").asText(op.node().path("description").asText(""));
    return """
        package %1$s.ops;

        // NEEDS MODEL: %2$s
        // %3$s%4$s
        // Not plain CRUD, so no implementation was generated. Until one is written (by `orchestrator run`, or by
        // hand), the operation answers 501 with {"error":"not implemented","operation":"%2$s"}.

        import %1$s.Stores;
        import %1$s.support.Http;
        import %1$s.support.Json;
        import io.javalin.http.Context;
        import io.javalin.http.Handler;

        public final class %5$s implements Handler {
          @SuppressWarnings("unused")
          private final Stores stores;

          public %5$s(Stores stores) {
            this.stores = stores;
          }

          @Override
          public void handle(Context ctx) {
            Http.json(ctx, 501, Json.MAPPER.createObjectNode()
                .put("error", "not implemented")
                .put("operation", %6$s));
          }
        }
        """.formatted(pkg, JavaNames.comment(op.operationId()), JavaNames.comment(op.label()),
        summary.isBlank() ? "" : ": " + JavaNames.comment(summary.strip()), op.handlerClass(),
        JavaNames.literal(op.operationId()));
  }

  private String crudHandler(String pkg, ServicePlan plan, Operation op) {
    Resource r = plan.resources().stream().filter(x -> x.name().equals(op.resource())).findFirst().orElseThrow();
    int status = r.statuses().get(op.crud());
    String store = "stores." + r.name() + "()";
    String idParam = r.itemParam() == null ? "" : JavaNames.literal(r.itemParam());
    String notFound = "() -> ApiError.notFound(" + JavaNames.literal(r.typeName().toLowerCase(java.util.Locale.ROOT) + " ")
        + " + id + \" not found\")";
    String schemaField = "  private final JsonNode requestSchema = Http.schema(\"/schemas/" + op.handlerClass()
        + ".json\");\n";
    String fields = "";
    String body;
    switch (op.crud()) {
      case CREATE -> {
        fields = schemaField;
        String location = status == 201
            ? "    ctx.header(\"Location\", " + JavaNames.literal(r.collectionPath() + "/") + " + created.get("
                + JavaNames.literal(r.idField()) + ").asText());\n" : "";
        body = "    ObjectNode input = Http.readObject(ctx, requestSchema, SchemaValidator.Mode.WRITE);\n"
            + "    ObjectNode created = store.create(input);\n" + location
            + (answers(plan, op, status) ? "    Http.json(ctx, " + status + ", created);\n"
                : "    ctx.status(" + status + ");\n");
      }
      case LIST -> {
        StringBuilder b = new StringBuilder("    Map<String, String> filters = new LinkedHashMap<>();\n");
        for (String f : r.filterFields()) {
          b.append("    if (ctx.queryParam(").append(JavaNames.literal(f)).append(") != null) filters.put(")
              .append(JavaNames.literal(f)).append(", ctx.queryParam(").append(JavaNames.literal(f)).append("));\n");
        }
        b.append("    int offset = ").append(r.paging().contains("offset") ? "Http.intQuery(ctx, \"offset\", 0)" : "0")
            .append(";\n");
        b.append("    int limit = ").append(r.paging().contains("limit")
            ? "Http.intQuery(ctx, \"limit\", Integer.MAX_VALUE)" : "Integer.MAX_VALUE").append(";\n");
        b.append("    ArrayNode out = Json.MAPPER.createArrayNode();\n")
            .append("    store.list(filters, offset, limit).forEach(out::add);\n")
            .append("    Http.json(ctx, 200, out);\n");
        body = b.toString();
      }
      case GET -> body = "    String id = ctx.pathParam(" + idParam + ");\n"
          + "    Http.json(ctx, 200, store.find(id).orElseThrow(" + notFound + "));\n";
      case REPLACE -> {
        fields = schemaField;
        body = "    String id = ctx.pathParam(" + idParam + ");\n"
            + "    ObjectNode input = Http.readObject(ctx, requestSchema, SchemaValidator.Mode.WRITE);\n"
            + "    ObjectNode replaced = store.replace(id, input).orElseThrow(" + notFound + ");\n"
            + (status == 204 ? "    Http.noContent(ctx);\n" : answers(plan, op, 200)
                ? "    Http.json(ctx, 200, replaced);\n" : "    ctx.status(200);\n");
      }
      case UPDATE -> {
        fields = schemaField + "  private final JsonNode itemSchema = Http.schema(\"/schemas/" + r.typeName()
            + ".json\");\n";
        body = "    String id = ctx.pathParam(" + idParam + ");\n"
            + "    ObjectNode patch = Http.readObject(ctx, requestSchema, SchemaValidator.Mode.PARTIAL);\n"
            + "    ObjectNode updated = store.update(id, patch,\n"
            + "        item -> SchemaValidator.validate(itemSchema, item, SchemaValidator.Mode.FULL))\n"
            + "        .orElseThrow(" + notFound + ");\n"
            + (status == 204 ? "    Http.noContent(ctx);\n" : answers(plan, op, 200)
                ? "    Http.json(ctx, 200, updated);\n" : "    ctx.status(200);\n");
      }
      case DELETE -> {
        boolean withBody = status == 200 && new CrudAnalyzer(plan.contract()).responseSchema(op, 200) != null;
        body = "    String id = ctx.pathParam(" + idParam + ");\n"
            + "    ObjectNode deleted = store.delete(id).orElseThrow(" + notFound + ");\n"
            + (status == 204 ? "    Http.noContent(ctx);\n"
                : withBody ? "    Http.json(ctx, 200, deleted);\n" : "    ctx.status(200);\n");
      }
      default -> throw new IllegalStateException("unknown CRUD kind " + op.crud());
    }
    String code = fields + body;
    StringBuilder imports = new StringBuilder();
    imports.append("import ").append(pkg).append(".Stores;\n");
    for (String support : List.of("ApiError", "Http", "Json", "ResourceStore", "SchemaValidator")) {
      if (support.equals("ResourceStore") || code.contains(support + ".")) {
        imports.append("import ").append(pkg).append(".support.").append(support).append(";\n");
      }
    }
    for (String type : List.of("com.fasterxml.jackson.databind.JsonNode", "com.fasterxml.jackson.databind.node.ArrayNode",
        "com.fasterxml.jackson.databind.node.ObjectNode")) {
      if (code.contains(type.substring(type.lastIndexOf('.') + 1) + " ")) imports.append("import ").append(type).append(";\n");
    }
    imports.append("import io.javalin.http.Context;\nimport io.javalin.http.Handler;\n");
    if (code.contains("LinkedHashMap")) imports.append("import java.util.LinkedHashMap;\nimport java.util.Map;\n");
    return """
        package %1$s.ops;

        // Tier 0 CRUD, generated without a model: %2$s on %3$s
        // (%4$s).

        %9$s

        public final class %5$s implements Handler {
          private final ResourceStore store;
        %6$s
          public %5$s(Stores stores) {
            this.store = %7$s;
          }

          @Override
          public void handle(Context ctx) {
        %8$s  }
        }
        """.formatted(pkg, crudWords(op.crud()), JavaNames.comment(r.collectionPath()),
        JavaNames.comment(op.label() + ", operationId " + op.operationId()), op.handlerClass(), fields, store, body,
        imports.toString().stripTrailing());
  }

  // ---------------------------------------------------------------- tests

  private String healthTest(String pkg) {
    return """
        package %s.contract;

        import static org.assertj.core.api.Assertions.assertThat;

        import org.junit.jupiter.api.Test;

        class HealthContractTest extends ContractSupport {
          @Test
          void healthAnswersUp() {
            Exchange ex = send("GET", "/health", null);
            assertThat(ex.status()).isEqualTo(200);
            assertThat(ex.json().path("status").asText()).isEqualTo("UP");
          }
        }
        """.formatted(pkg);
  }

  private String resourceTest(String pkg, ServicePlan plan, Resource r) {
    String t = r.typeName();
    Map<CrudKind, Operation> ops = r.ops();
    boolean create = ops.containsKey(CrudKind.CREATE);
    StringBuilder m = new StringBuilder();
    String unknownId = r.idKind() == IdKind.INTEGER ? "987654321" : "00000000-0000-4000-8000-000000000000";
    String itemPrefix = r.itemPath() == null ? null : r.itemPath().substring(0, r.itemPath().lastIndexOf('{'));
    String item = itemPrefix == null ? null : JavaNames.literal(itemPrefix) + " + ";
    String id = JavaNames.literal(r.idField());
    JsonNode sample1 = create ? SampleValues.of(r.requestSchemas().get(CrudKind.CREATE), 1, true) : null;
    JsonNode sample2 = create ? SampleValues.of(r.requestSchemas().get(CrudKind.CREATE), 2, true) : null;
    List<String> compared = create ? compared(r, sample1) : List.of();
    boolean createAnswers = create && answers(plan, ops.get(CrudKind.CREATE), r.statuses().get(CrudKind.CREATE));
    String consts = "";
    if (create) {
      consts = "  private static final String SAMPLE = " + JavaNames.literal(sample1.toString()) + ";\n"
          + "  private static final String OTHER = " + JavaNames.literal(sample2.toString()) + ";\n"
          + "  private static final List<String> COMPARED = List.of(" + literals(compared) + ");\n";
      int cs = r.statuses().get(CrudKind.CREATE);
      if (createAnswers) {
        m.append("""
              @Test
              void createsAndAnswersWithTheNewItem() {
                Exchange created = send("POST", %1$s, SAMPLE);
                assertConforms(created, %2$d);
                assertThat(created.json().has(%3$s)).as("id in %%s", created).isTrue();
                assertCarries(created.json(), SAMPLE, COMPARED);
            %4$s  }

            """.formatted(JavaNames.literal(r.collectionPath()), cs, id, cs == 201
            ? "    assertThat(created.headers().firstValue(\"Location\")).hasValue(" + JavaNames.literal(
                r.collectionPath() + "/") + " + created.json().get(" + id + ").asText());\n" : ""));
      } else {
        m.append("""
              @Test
              void createsAndAnswersWithTheLocationOfTheNewItem() {
                Exchange created = send("POST", %1$s, SAMPLE);
                assertConforms(created, %2$d);
                assertThat(created.headers().firstValue("Location")).hasValueSatisfying(
                    l -> assertThat(l).startsWith(%3$s));
              }

            """.formatted(JavaNames.literal(r.collectionPath()), cs, JavaNames.literal(r.collectionPath() + "/")));
      }
      m.append("""
            @Test
            void rejectsABodyThatIsNotAnObjectWith400() {
              assertError(send("POST", %1$s, "[1, 2]"), 400);
              assertError(send("POST", %1$s, "{\\"unterminated"), 400);
            }

          """.formatted(JavaNames.literal(r.collectionPath())));
      List<String> required = new ArrayList<>(CrudAnalyzer.requiredOf(r.requestSchemas().get(CrudKind.CREATE)));
      required.removeIf(p -> !sample1.has(p));
      required.sort(null);
      if (!required.isEmpty()) {
        ObjectNode missing = ((ObjectNode) sample1).deepCopy();
        missing.remove(required.getFirst());
        m.append("""
              @Test
              void rejectsABodyMissingARequiredPropertyWith400() {
                assertError(send("POST", %s, %s), 400);
              }

            """.formatted(JavaNames.literal(r.collectionPath()), JavaNames.literal(missing.toString())));
      }
    }
    if (ops.containsKey(CrudKind.GET)) {
      if (create) {
        m.append("""
              @Test
              void getsACreatedItemById() {
                String id = createdId(SAMPLE);
                Exchange got = send("GET", %s id, null);
                assertConforms(got, 200);
                assertCarries(got.json(), SAMPLE, COMPARED);
              }

            """.formatted(item));
      }
      m.append("""
            @Test
            void answers404ForAnUnknownId() {
              assertError(send("GET", %s%s, null), 404);
            }

          """.formatted(item, JavaNames.literal(unknownId)));
    }
    if (ops.containsKey(CrudKind.LIST)) {
      StringBuilder b = new StringBuilder();
      b.append("  @Test\n  void listsItems() {\n");
      if (create) b.append("    String first = createdId(SAMPLE);\n    String second = createdId(OTHER);\n");
      b.append("    Exchange list = send(\"GET\", ").append(JavaNames.literal(r.collectionPath())).append(", null);\n")
          .append("    assertConforms(list, 200);\n")
          .append("    assertThat(list.json().isArray()).isTrue();\n");
      if (create) {
        b.append("    List<String> ids = new java.util.ArrayList<>();\n")
            .append("    list.json().forEach(e -> ids.add(e.path(").append(id).append(").asText()));\n")
            .append("    assertThat(ids).contains(first, second);\n");
      }
      b.append("  }\n\n");
      m.append(b);
      String filter = create ? r.filterFields().stream()
          .filter(f -> sample1.has(f) && sample1.get(f).isValueNode() && !sample1.get(f).isNull())
          .findFirst().orElse(null) : null;
      if (filter != null) {
        String value = sample1.get(filter).asText();
        m.append("""
              @Test
              void filtersTheListByAField() {
                createdId(SAMPLE);
                createdId(OTHER);
                Exchange list = send("GET", %s, null);
                assertConforms(list, 200);
                assertThat(list.json().size()).as("items matching the filter in %%s", list).isGreaterThanOrEqualTo(1);
                list.json().forEach(e -> assertThat(sameValue(e.get(%s), %s)).as("filtered item %%s", e).isTrue());
              }

            """.formatted(JavaNames.literal(r.collectionPath() + "?" + filter + "="
                + URLEncoder.encode(value, StandardCharsets.UTF_8)), JavaNames.literal(filter),
            JavaNames.literal(value)));
      }
      if (create && r.paging().contains("limit")) {
        m.append("""
              @Test
              void limitsTheList() {
                createdId(SAMPLE);
                createdId(OTHER);
                Exchange list = send("GET", %s, null);
                assertConforms(list, 200);
                assertThat(list.json().size()).isEqualTo(1);
              }

            """.formatted(JavaNames.literal(r.collectionPath() + "?limit=1")));
      }
    }
    if (ops.containsKey(CrudKind.REPLACE)) {
      int st = r.statuses().get(CrudKind.REPLACE);
      JsonNode replacement = SampleValues.of(r.requestSchemas().get(CrudKind.REPLACE), 2, true);
      List<String> cmp = compared(r, replacement);
      if (create) {
        m.append("""
              @Test
              void replacesAnItem() {
                String id = createdId(SAMPLE);
                Exchange replaced = send("PUT", %1$s id, %2$s);
                assertConforms(replaced, %3$d);
            %4$s%5$s  }

            """.formatted(item, JavaNames.literal(replacement.toString()), st,
            st == 200 && answers(plan, ops.get(CrudKind.REPLACE), 200)
                ? "    assertCarries(replaced.json(), " + JavaNames.literal(replacement.toString())
                + ", List.of(" + literals(cmp) + "));\n" : "",
            ops.containsKey(CrudKind.GET) ? "    assertCarries(send(\"GET\", " + item + " id, null).json(), "
                + JavaNames.literal(replacement.toString()) + ", List.of(" + literals(cmp) + "));\n" : ""));
        m.append("""
              @Test
              void rejectsAnInvalidReplacementWith400() {
                String id = createdId(SAMPLE);
                assertError(send("PUT", %s id, "[]"), 400);
              }

            """.formatted(item));
      }
      m.append("""
            @Test
            void replacingAnUnknownIdAnswers404() {
              assertError(send("PUT", %s%s, %s), 404);
            }

          """.formatted(item, JavaNames.literal(unknownId), JavaNames.literal(replacement.toString())));
    }
    if (ops.containsKey(CrudKind.UPDATE)) {
      int st = r.statuses().get(CrudKind.UPDATE);
      JsonNode full = SampleValues.of(r.requestSchemas().get(CrudKind.UPDATE), 2, true);
      ObjectNode patch = JSON.createObjectNode();
      List<String> cmp = compared(r, full);
      String field = cmp.stream().filter(f -> full.get(f).isValueNode()).findFirst().orElse(null);
      if (field != null) patch.set(field, full.get(field));
      String patchJson = JavaNames.literal(patch.toString());
      String patchCmp = field == null ? "" : literals(List.of(field));
      if (create) {
        m.append("""
              @Test
              void updatesAnItemPartially() {
                String id = createdId(SAMPLE);
                Exchange updated = send("PATCH", %1$s id, %2$s);
                assertConforms(updated, %3$d);
            %4$s%5$s  }

            """.formatted(item, patchJson, st,
            st == 200 && answers(plan, ops.get(CrudKind.UPDATE), 200)
                ? "    assertCarries(updated.json(), " + patchJson + ", List.of(" + patchCmp + "));\n" : "",
            ops.containsKey(CrudKind.GET) ? "    assertCarries(send(\"GET\", " + item + " id, null).json(), "
                + patchJson + ", List.of(" + patchCmp + "));\n" : ""));
      }
      m.append("""
            @Test
            void updatingAnUnknownIdAnswers404() {
              assertError(send("PATCH", %s%s, %s), 404);
            }

          """.formatted(item, JavaNames.literal(unknownId), patchJson));
    }
    if (ops.containsKey(CrudKind.DELETE)) {
      int st = r.statuses().get(CrudKind.DELETE);
      if (create) {
        m.append("""
              @Test
              void deletesAnItem() {
                String id = createdId(SAMPLE);
                assertConforms(send("DELETE", %1$s id, null), %2$d);
            %3$s  }

            """.formatted(item, st, ops.containsKey(CrudKind.GET)
            ? "    assertError(send(\"GET\", " + item + " id, null), 404);\n" : ""));
      }
      m.append("""
            @Test
            void deletingAnUnknownIdAnswers404() {
              assertError(send("DELETE", %s%s, null), 404);
            }

          """.formatted(item, JavaNames.literal(unknownId)));
    }
    String helpers = create ? """
          private String createdId(String body) {
            Exchange created = send("POST", %s, body);
            assertThat(created.status()).as("create: %%s", created).isBetween(200, 299);
            %s
          }

          private static void assertCarries(JsonNode actual, String sentJson, List<String> fields) {
            JsonNode sent = parse(sentJson);
            for (String f : fields) {
              assertThat(sameValue(actual.get(f), sent.get(f).isValueNode() ? sent.get(f).asText() : null)
                  || Json.same(actual.get(f), sent.get(f))).as("field %%s of %%s (sent %%s)", f, actual, sent).isTrue();
            }
          }
        """.formatted(JavaNames.literal(r.collectionPath()), createAnswers
        ? "return created.json().get(" + id + ").asText();"
        : "String location = created.headers().firstValue(\"Location\").orElseThrow();\n"
            + "    return location.substring(location.lastIndexOf('/') + 1);") : "";
    return """
        package %1$s.contract;

        import static org.assertj.core.api.Assertions.assertThat;

        import %1$s.support.Json;
        import com.fasterxml.jackson.databind.JsonNode;
        import java.util.List;
        import org.junit.jupiter.api.Test;

        /** Tier 0 CRUD on %2$s: every response is checked against the contract. */
        @SuppressWarnings("unused")
        class %3$sContractTest extends ContractSupport {
        %4$s
        %5$s%6$s
          private static boolean sameValue(JsonNode actual, String expected) {
            if (actual == null || expected == null || !actual.isValueNode()) return false;
            if (actual.isNumber()) {
              try {
                return actual.decimalValue().compareTo(new java.math.BigDecimal(expected)) == 0;
              } catch (NumberFormatException e) {
                return false;
              }
            }
            return actual.asText().equals(expected);
          }
        }
        """.formatted(pkg, JavaNames.comment(r.collectionPath()), t, consts, m, helpers);
  }

  private String needsModelTest(String pkg, CrudAnalyzer analyzer, Operation op) {
    String path = op.path();
    StringBuilder query = new StringBuilder();
    for (JsonNode p : analyzer.parameters(op, op.path())) {
      JsonNode sample = SampleValues.of(new SchemaInliner(plan(analyzer)).inline(p.get("schema")), 1, true);
      String value = URLEncoder.encode(sample.isValueNode() ? sample.asText() : sample.toString(),
          StandardCharsets.UTF_8).replace("+", "%20");
      String name = p.path("name").asText();
      switch (p.path("in").asText()) {
        case "path" -> path = path.replace("{" + name + "}", value);
        case "query" -> {
          if (p.path("required").asBoolean(false)) {
            query.append(query.isEmpty() ? "?" : "&").append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=').append(value);
          }
        }
        default -> { }
      }
    }
    JsonNode requestSchema = analyzer.requestSchema(op);
    String body = requestSchema == null ? "null"
        : JavaNames.literal(SampleValues.of(requestSchema, 1, true).toString());
    boolean head = op.method().equals("HEAD");
    String checks = head ? "" : """
            assertThat(ex.json().path("error").asText()).isEqualTo("not implemented");
            assertThat(ex.json().path("operation").asText()).isEqualTo(%s);
        """.formatted(JavaNames.literal(op.operationId()));
    return """
        package %1$s.contract;

        // NEEDS MODEL: %2$s
        // This test only pins the placeholder answer (501). When the operation is implemented, replace this file with
        // tests of its behaviour, checked against the contract with assertConforms.

        import static org.assertj.core.api.Assertions.assertThat;

        import org.junit.jupiter.api.Test;

        class %3$sTest extends ContractSupport {
          @Test
          void answers501UntilImplemented() {
            Exchange ex = send(%4$s, %5$s, %6$s);
            assertThat(ex.status()).as("status of %%s", ex).isEqualTo(501);
        %7$s  }
        }
        """.formatted(pkg, JavaNames.comment(op.operationId()), op.handlerClass(), JavaNames.literal(op.method()),
        JavaNames.literal(path + query), body, checks);
  }

  private static JsonNode plan(CrudAnalyzer analyzer) {
    return analyzer.document();
  }

  /** Fields of a sent body the answer must carry back: item properties, neither read-only nor write-only. */
  private static List<String> compared(Resource r, JsonNode sent) {
    Map<String, JsonNode> props = SchemaInliner.properties(r.schema());
    List<String> out = new ArrayList<>();
    sent.fieldNames().forEachRemaining(f -> {
      JsonNode p = props.get(f);
      if (p != null && !f.equals(r.idField()) && !p.path("readOnly").asBoolean(false)
          && !p.path("writeOnly").asBoolean(false)) {
        out.add(f);
      }
    });
    return out;
  }

  private static Set<String> readOnly(JsonNode schema, String idField) {
    Set<String> out = new TreeSet<>();
    SchemaInliner.properties(schema).forEach((k, v) -> {
      if (v.path("readOnly").asBoolean(false)) out.add(k);
    });
    out.remove(idField);
    return out;
  }

  // ---------------------------------------------------------------- text helpers

  private static String template(String name, String pkg) {
    try (InputStream in = JavalinStack.class.getResourceAsStream(TEMPLATES + name)) {
      if (in == null) throw new IllegalStateException("template missing from the orchestrator jar: " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("__PACKAGE__", pkg);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String literals(java.util.Collection<String> values) {
    return String.join(", ", values.stream().map(JavaNames::literal).toList());
  }

  private static String mapOfJson(Map<String, JsonNode> values) {
    List<String> parts = new ArrayList<>();
    values.forEach((k, v) -> parts.add("Map.entry(" + JavaNames.literal(k) + ", json(" + JavaNames.literal(v.toString()) + "))"));
    return String.join(", ", parts);
  }

  private static String mapOfStrings(Map<String, String> values) {
    List<String> parts = new ArrayList<>();
    values.forEach((k, v) -> parts.add("Map.entry(" + JavaNames.literal(k) + ", " + JavaNames.literal(v) + ")"));
    return String.join(", ", parts);
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
