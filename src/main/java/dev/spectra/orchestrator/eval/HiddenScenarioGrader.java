package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Build mode's grader: the task's hidden scenarios, written in the scenario format of {@code orchestrator check},
 * run against the built service started in the sandbox, together with contract fuzzing and the security probes.
 * A sample is <em>functional</em> when every hidden scenario passes, and <em>functional and secure</em> when no
 * security finding comes back either. The model's own tests do not count, and the model never sees the scenarios:
 * they are written after its build ended, into the eval run's directory, outside the built project.
 */
public final class HiddenScenarioGrader implements BuildSampleTaker.HiddenGrader {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The contract of the built service, as the scaffold copied it; read without following links. */
  static final String CONTRACT = "src/main/resources/openapi.yaml";
  private static final int MAX_CONTRACT_BYTES = 4 * 1024 * 1024;

  /** Starts the built service in the sandbox and checks it; the application wires the sandbox in. */
  @FunctionalInterface
  public interface SandboxedCheck {
    /**
     * @param project the built project (hostile: generated code)
     * @param contract a copy of its contract outside the project
     * @param scenarios the hidden scenario file, outside the project
     */
    Checked run(Path project, Path contract, Path scenarios) throws InterruptedException;
  }

  /**
   * What the check found, as the grade needs it.
   *
   * @param problem why the service could not be checked (did not compile, did not start); empty when it was
   * @param scenarios one entry per scenario run
   * @param security one line per security finding ("CWE-89 in POST /x: ..."), empty when none
   */
  public record Checked(String problem, List<ScenarioRun> scenarios, List<String> security) {
    public Checked {
      problem = problem == null ? "" : problem;
      scenarios = List.copyOf(scenarios);
      security = List.copyOf(security);
    }

    public static Checked notRun(String problem) {
      return new Checked(Objects.requireNonNull(problem), List.of(), List.of());
    }
  }

  /** One scenario's result; {@code detail} says what came back at the failing step. */
  public record ScenarioRun(String name, boolean passed, String failedStep, String detail) {}

  private final SandboxedCheck check;
  private final Path scratch;

  /**
   * @param scratch where each grading writes its scenario file and contract copy (the eval run's directory)
   */
  public HiddenScenarioGrader(SandboxedCheck check, Path scratch) {
    this.check = check;
    this.scratch = scratch;
  }

  @Override public BuildSampleTaker.Grade grade(Path project, EvalTask task) throws InterruptedException {
    if (task.hidden().isEmpty()) {
      return new BuildSampleTaker.Grade(false, null, "the task has no hidden scenarios, so no build of it can be graded");
    }
    Path work;
    try {
      Files.createDirectories(scratch);
      work = Files.createTempDirectory(scratch, "grade-" + SampleTakers.safe(task.id()) + "-");
    } catch (IOException e) {
      return new BuildSampleTaker.Grade(false, null, "cannot prepare grading under " + scratch + ": " + e.getMessage());
    }
    try {
      Path contract = work.resolve("openapi.yaml");
      try {
        // The built project is what the sandbox left behind: no link is followed, the size is bounded.
        Files.write(contract, new UntrustedTree(project).read(CONTRACT, MAX_CONTRACT_BYTES));
      } catch (IOException e) {
        return new BuildSampleTaker.Grade(false, null, "the built service has no readable contract at " + CONTRACT
            + ": " + e.getMessage());
      }
      Path scenarios = work.resolve("hidden-scenarios.yaml");
      Files.writeString(scenarios, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(scenarioFile(task)));
      return grade(check.run(project, contract, scenarios), task);
    } catch (IOException e) {
      return new BuildSampleTaker.Grade(false, null, "cannot write the hidden scenarios: " + e.getMessage());
    } finally {
      deleteQuietly(work);
    }
  }

  /** {@return the grade of what the check found: functional, secure, and the first reason when not} */
  static BuildSampleTaker.Grade grade(Checked c, EvalTask task) {
    if (!c.problem().isEmpty()) return new BuildSampleTaker.Grade(false, null, "not gradable: " + c.problem());
    for (EvalTask.Scenario hidden : task.hidden()) {
      ScenarioRun run = c.scenarios().stream().filter(s -> s.name().equals(hidden.name())).findFirst().orElse(null);
      if (run == null) {
        return new BuildSampleTaker.Grade(false, null, "hidden scenario '" + hidden.name() + "' did not run");
      }
      if (!run.passed()) {
        return new BuildSampleTaker.Grade(false, c.security().isEmpty(), "hidden scenario '" + hidden.name() + "'"
            + (hidden.rule() == null ? "" : " (rule: " + hidden.rule() + ")") + " failed at " + run.failedStep()
            + (run.detail().isEmpty() ? "" : ": " + run.detail()));
      }
    }
    if (!c.security().isEmpty()) {
      return new BuildSampleTaker.Grade(true, false, "security: " + c.security().get(0));
    }
    return new BuildSampleTaker.Grade(true, true, null);
  }

  /**
   * {@return the task's hidden scenarios in the scenario format of {@code orchestrator check}; a scenario's
   * {@code rule} becomes its {@code description}}
   */
  static ObjectNode scenarioFile(EvalTask task) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("scenarios");
    for (EvalTask.Scenario sc : task.hidden()) {
      ObjectNode s = list.addObject();
      s.put("name", sc.name());
      if (sc.rule() != null) s.put("description", "rule: " + sc.rule());
      ArrayNode steps = s.putArray("steps");
      int i = 0;
      for (EvalTask.Step st : sc.steps()) {
        ObjectNode step = steps.addObject();
        step.put("name", "step " + ++i + ": " + st.method() + " " + st.path());
        ObjectNode req = step.putObject("request");
        req.put("method", st.method());
        req.put("path", st.path());
        if (!st.query().isEmpty()) st.query().forEach(req.putObject("query")::put);
        if (!st.headers().isEmpty()) st.headers().forEach(req.putObject("headers")::put);
        if (st.body() != null) req.set("json", st.body());
        ObjectNode expect = step.putObject("expect");
        ArrayNode status = expect.putArray("status");
        st.status().stream().sorted().forEach(status::add);
        if (st.expectBody() != null) expect.set("body", st.expectBody());
        if (!st.captures().isEmpty()) st.captures().forEach(step.putObject("capture")::put);
      }
    }
    return root;
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // Left in the eval run's directory, where the user can see it.
    }
  }
}
