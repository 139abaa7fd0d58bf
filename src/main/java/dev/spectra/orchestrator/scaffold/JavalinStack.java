package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import dev.spectra.orchestrator.scaffold.ServicePlan.CrudKind;
import dev.spectra.orchestrator.scaffold.ServicePlan.Operation;
import dev.spectra.orchestrator.scaffold.ServicePlan.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code javalin} stack: a plain Maven Java 21 project on Javalin 7 (Jetty 12) and Jackson, with its own Maven
 * wrapper and a {@code ./run} script. The service is a small runtime driven by the plan ({@code spectra/service.json}):
 * requests are checked against the contract with swagger-request-validator, tier 0 operations run support/Crud, the
 * rest answer 501 until a model writes them. Every Java file comes from a template under
 * {@code src/main/resources/scaffold/javalin/} with explicit placeholders (jmustache, at build time only).
 */
final class JavalinStack implements Stack {
  /** The project's direct dependencies; pom.xml and spectra-project.json both list exactly these. */
  static final List<Dep> DEPENDENCIES = List.of(
      new Dep("io.javalin", "javalin", "7.2.3", "compile"),
      new Dep("com.fasterxml.jackson.core", "jackson-databind", "2.23.0", "compile"),
      new Dep("org.slf4j", "slf4j-simple", "2.0.20", "compile"),
      // Checks every request against the contract at run time, and every response in the tests.
      new Dep("com.atlassian.oai", "swagger-request-validator-core", "2.44.1", "compile"),
      new Dep("org.junit.jupiter", "junit-jupiter", "5.14.4", "test"),
      new Dep("org.assertj", "assertj-core", "3.27.7", "test"));

  private static final String TEMPLATES = "/scaffold/javalin/";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private static final Mustache.Compiler MUSTACHE = Mustache.compiler().escapeHTML(false).defaultValue("");

  record Dep(String groupId, String artifactId, String version, String scope) {}

  @Override public String name() {
    return "javalin";
  }

  @Override public String description() {
    return "Java 21, Javalin 7 (Jetty 12) + Jackson, Maven wrapper, ./run; in-memory stores; JUnit 5 scenario tests";
  }

  @Override public List<GeneratedFile> generate(ServicePlan plan) {
    String pkg = plan.javaPackage();
    String main = "src/main/java/" + pkg.replace('.', '/') + "/";
    String test = "src/test/java/" + pkg.replace('.', '/') + "/contract/";
    Map<String, Object> base = new HashMap<>();
    base.put("package", pkg);
    base.put("title", plan.title());
    base.put("slug", plan.slug());

    List<GeneratedFile> files = new ArrayList<>();
    files.add(new GeneratedFile("pom.xml", render("project/pom.xml.mustache", with(base, "title", xml(plan.title()),
        "dependencies", DEPENDENCIES.stream().map(d -> Map.of("groupId", d.groupId(), "artifactId",
        d.artifactId(), "version", d.version(), "test", d.scope().equals("test"))).toList()))));
    files.add(new GeneratedFile("spectra-project.json", projectJson(plan)));
    files.add(new GeneratedFile("README.md", render("project/README.md.mustache", readmeModel(plan, base))));
    files.add(new GeneratedFile("run", render("project/run.mustache", base)));
    files.add(new GeneratedFile("mvnw", raw("project/wrapper/mvnw")));
    files.add(new GeneratedFile("mvnw.cmd", raw("project/wrapper/mvnw.cmd")));
    files.add(new GeneratedFile(".mvn/wrapper/maven-wrapper.properties",
        raw("project/wrapper/maven-wrapper.properties")));
    files.add(new GeneratedFile(".gitignore", "target/\n"));
    files.add(new GeneratedFile("src/main/resources/openapi.yaml", contractText(plan.contract())));
    files.add(new GeneratedFile("src/main/resources/spectra/service.json", json(plan.service())));
    files.add(new GeneratedFile("src/main/resources/simplelogger.properties", raw("project/simplelogger.properties")));
    files.add(new GeneratedFile(main + "Main.java", render("main/Main.java.mustache", base)));
    files.add(new GeneratedFile(main + "App.java", render("main/App.java.mustache", appModel(plan, base))));
    files.add(new GeneratedFile(main + "Stores.java", render("main/Stores.java.mustache", storesModel(plan, base))));
    for (String s : List.of("Json", "ApiError", "Http", "Contract", "ErrorShapes", "ResourceStore", "Crud")) {
      files.add(new GeneratedFile(main + "support/" + s + ".java", render("main/support/" + s + ".java.mustache",
          base)));
    }
    for (Operation op : plan.operations()) {
      Map<String, Object> m = with(base, "handler", op.handlerClass(),
          "operationLiteral", JavaNames.literal(op.operationId()),
          "operationComment", JavaNames.comment(op.operationId()),
          "labelComment", JavaNames.comment(op.label()));
      String code;
      if (op.crud() == null) {
        String summary = op.node().path("summary").asText(op.node().path("description").asText("")).strip();
        m.put("summaryComment", summary.isEmpty() ? "" : ": " + JavaNames.comment(firstLine(summary)));
        m.put("reasonComment", JavaNames.comment(op.reason()));
        code = render("main/ops/NeedsModelHandler.java.mustache", m);
      } else {
        m.put("kindWords", crudWords(op.crud()));
        m.put("resourceComment", JavaNames.comment(resourceOf(plan, op).collectionPath()));
        code = render("main/ops/CrudHandler.java.mustache", m);
      }
      files.add(new GeneratedFile(main + "ops/" + op.handlerClass() + ".java", code));
    }
    files.add(new GeneratedFile(test + "ContractSupport.java", render("test/ContractSupport.java.mustache", base)));
    files.add(new GeneratedFile(test + "ContractScenariosTest.java",
        render("test/ContractScenariosTest.java.mustache", base)));
    files.add(new GeneratedFile("src/test/resources/scenarios.json", json(new ScenarioWriter(plan).scenarios())));
    return files;
  }

  private static Map<String, Object> appModel(ServicePlan plan, Map<String, Object> base) {
    List<Operation> ordered = new ArrayList<>(plan.operations());
    // Literal path segments before parameters at the same place, so /books/search wins over /books/{id}.
    ordered.sort(Comparator.comparing(o -> routeKey(o.path())));
    List<Map<String, Object>> routes = new ArrayList<>();
    for (Operation op : ordered) {
      routes.add(Map.of("method", op.method(), "pathLiteral", JavaNames.literal(op.path()),
          "handler", op.handlerClass(), "pending", op.crud() == null, "package", plan.javaPackage(),
          "operationComment", JavaNames.comment(op.operationId())));
    }
    return with(base, "routes", routes, "health", !declaresHealth(plan));
  }

  private static Map<String, Object> storesModel(ServicePlan plan, Map<String, Object> base) {
    List<Map<String, Object>> resources = new ArrayList<>();
    for (Resource r : plan.resources()) {
      resources.add(Map.of("first", resources.isEmpty(), "name", r.name(), "nameLiteral", JavaNames.literal(r.name()),
          "idFieldLiteral", JavaNames.literal(r.idField()), "idKind", r.idKind().name()));
    }
    return with(base, "resources", resources);
  }

  private static Map<String, Object> readmeModel(ServicePlan plan, Map<String, Object> base) {
    String pkgDir = "src/main/java/" + plan.javaPackage().replace('.', '/') + "/ops/";
    List<Map<String, Object>> implemented = new ArrayList<>();
    List<Map<String, Object>> pending = new ArrayList<>();
    for (Operation op : plan.operations()) {
      if (op.crud() != null) {
        implemented.add(Map.of("label", op.label(), "operationId", op.operationId(), "words", crudWords(op.crud())));
      } else {
        pending.add(Map.of("label", op.label(), "operationId", op.operationId(), "reason", op.reason(),
            "handlerFile", pkgDir + op.handlerClass() + ".java"));
      }
    }
    int total = plan.operations().size();
    String summary = implemented.isEmpty()
        ? "None of its " + total + " operations is implemented yet: each answers 501 (see below)."
        : implemented.size() == total ? "All " + total + " operations are implemented."
        : implemented.size() + " of its " + total + " operations are implemented; the other " + pending.size()
            + " answer 501 until they are written (see below).";
    List<String> warnings = plan.contract().warnings().stream().map(ContractProblem::toString).toList();
    return with(base, "summary", summary, "implemented", implemented, "pending", pending,
        "implementedCount", implemented.size(), "pendingCount", pending.size(), "hasWarnings", !warnings.isEmpty(),
        "warnings", warnings);
  }

  static String crudWords(CrudKind kind) {
    return switch (kind) {
      case CREATE -> "create";
      case LIST -> "list, with filters and paging where declared";
      case GET -> "get by id";
      case REPLACE -> "replace";
      case UPDATE -> "partial update (merge patch)";
      case DELETE -> "delete";
    };
  }

  private static Resource resourceOf(ServicePlan plan, Operation op) {
    return plan.resources().stream().filter(r -> r.name().equals(op.resource())).findFirst().orElseThrow();
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

  /** Sort key putting literal path segments before parameters, position by position. */
  private static String routeKey(String path) {
    StringBuilder sb = new StringBuilder();
    for (String seg : path.split("/")) sb.append(seg.startsWith("{") ? "1" : "0").append(seg).append('/');
    return sb.toString();
  }

  private static boolean declaresHealth(ServicePlan plan) {
    return plan.operations().stream().anyMatch(o -> o.path().equals("/health"));
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static Map<String, Object> with(Map<String, Object> base, Object... kv) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    for (int i = 0; i < kv.length; i += 2) out.put((String) kv[i], kv[i + 1]);
    return out;
  }

  private static String render(String name, Map<String, Object> model) {
    Template t = MUSTACHE.compile(raw(name));
    return t.execute(model);
  }

  private static String raw(String name) {
    try (InputStream in = JavalinStack.class.getResourceAsStream(TEMPLATES + name)) {
      if (in == null) throw new IllegalStateException("template missing from the orchestrator jar: " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String json(JsonNode node) {
    try {
      return JSON.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
