package dev.spectra.orchestrator.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.eval.EvalTask;
import dev.spectra.orchestrator.eval.PlanFixtures;
import dev.spectra.orchestrator.eval.Suite;
import dev.spectra.orchestrator.scaffold.BuildReport;
import dev.spectra.orchestrator.scaffold.Scaffolder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulated coder's reference handlers of the built-in eval tasks fit the projects the eval builds: each is a
 * handler of an operation the correct plan hands to the model, in the project's own package, and compiles against
 * the scaffold's types, also with any one of its rules left out (the defect the simulator makes). Whether an intact
 * build passes the hidden scenarios is what {@code eval --simulate --mode build} measures.
 */
@Tag("e2e") // compiles every eval task's project: a minute or two; runs with ./test --all
class ReferenceHandlersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Coder coder;
  private static Path fixtures;
  @TempDir static Path work;

  @BeforeAll
  static void plans() throws IOException {
    coder = Coder.load(DefectModel.NONE, JSON);
    fixtures = work.resolve("fixtures");
    PlanFixtures.write(Suite.builtin(), fixtures);
  }

  static Stream<EvalTask> tasks() {
    return Suite.builtin().tasks().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("tasks")
  void referenceHandlersCompileInTheTasksProjectWithAndWithoutEachRule(EvalTask task) throws Exception {
    Coder.Task references = coder.tasks().stream().filter(t -> t.id().equals(task.id())).findFirst().orElse(null);
    assertThat(references).as("sim/coder/%s/ is listed in sim/coder/index.txt", task.id()).isNotNull();
    if (references.references().isEmpty()) return;

    JsonNode plan = JSON.readTree(fixtures.resolve(task.id() + ".json").toFile()).path("json");
    Path contract = work.resolve(task.id() + ".json");
    Files.writeString(contract, JSON.writeValueAsString(plan.path("openapi")));
    Path project = work.resolve(task.id());
    Scaffolder.Scaffold scaffold = new Scaffolder().scaffold(contract, "javalin", project);

    Set<String> behaviours = new LinkedHashSet<>();
    plan.path("behaviours").forEach(b -> behaviours.add(b.path("operationId").asText()));
    Map<String, String> handedToModel = new java.util.HashMap<>();
    for (BuildReport.OperationEntry o : scaffold.operations()) {
      if (o.status().equals(BuildReport.NEEDS_MODEL) || behaviours.contains(o.operationId())) {
        handedToModel.put(o.handler().substring(o.handler().lastIndexOf('/') + 1), o.handler());
      }
    }
    for (Map.Entry<String, String> ref : references.references().entrySet()) {
      assertThat(handedToModel).as("%s: %s is the handler of an operation the plan hands to the model (give a "
          + "CRUD operation a behaviour in the task's yaml)", task.id(), ref.getKey()).containsKey(ref.getKey());
      String pkg = handedToModel.get(ref.getKey()).replaceFirst("^src/main/java/", "").replaceFirst("/[^/]+$", "")
          .replace('/', '.');
      assertThat(ref.getValue()).as("%s: %s is in the project's package", task.id(), ref.getKey())
          .contains("package " + pkg + ";");
      Files.writeString(project.resolve(handedToModel.get(ref.getKey())), ref.getValue());
    }
    List<Path> handlers = references.references().keySet().stream()
        .map(name -> project.resolve(handedToModel.get(name))).toList();
    assertThat(compile(project, handlers)).as("%s: the reference handlers compile", task.id()).isEmpty();

    for (Map.Entry<String, String> ref : references.references().entrySet()) {
      Path file = project.resolve(handedToModel.get(ref.getKey()));
      Set<String> variants = new LinkedHashSet<>();
      for (int seed = 0; seed < 40; seed++) {
        String broken = Defect.removeRule(ref.getValue(), new SplittableRandom(seed));
        if (broken != null) variants.add(broken);
      }
      long rules = ref.getValue().lines().filter(l -> l.strip().startsWith("// rule:")).count();
      assertThat(variants).as("%s: every rule of %s can be left out", task.id(), ref.getKey()).hasSize((int) rules);
      for (String variant : variants) {
        Files.writeString(file, variant);
        assertThat(compile(project, handlers)).as("%s: %s compiles with a rule left out:\n%s", task.id(),
            ref.getKey(), variant).isEmpty();
      }
      Files.writeString(file, ref.getValue());
    }
  }

  /**
   * {@return javac's errors in the handlers} The project's contract validator is not on this class path, so its
   * own errors are left aside; javac is told to go on through flow analysis despite them, so a handler's missing
   * return or unreachable statement is still reported.
   */
  private static String compile(Path project, List<Path> handlers) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path out = Files.createTempDirectory(work, "classes");
    List<String> args = new ArrayList<>(List.of("--release", "21", "-proc:none", "-implicit:none",
        "-XDshould-stop.ifError=FLOW", "-Xmaxerrs", "10000", "-d", out.toString(),
        "-cp", System.getProperty("java.class.path"),
        "-sourcepath", project.resolve("src/main/java").toString()));
    handlers.forEach(h -> args.add(h.toString()));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    javac.run(null, null, new PrintStream(err, true, StandardCharsets.UTF_8), args.toArray(String[]::new));
    StringBuilder mine = new StringBuilder();
    boolean inHandler = false;
    for (String line : err.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.matches("^/.*\\.java:\\d+: (error|warning): .*")) {
        inHandler = line.contains(": error: ") && handlers.stream().anyMatch(h -> line.startsWith(h + ":"));
      }
      if (inHandler) mine.append(line).append('\n');
    }
    return mine.toString();
  }
}
