package dev.spectra.orchestrator.eval;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.run.PlanProbe;
import dev.spectra.orchestrator.run.RunOutcome;
import dev.spectra.orchestrator.run.RunPipeline;
import dev.spectra.orchestrator.run.RunRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The two ways eval takes a sample, wired to the real pipeline: plan mode asks the planner of {@code run} for a
 * plan; build mode runs a whole {@code run} and grades the service by the task's hidden scenarios.
 */
public final class SampleTakers {
  private SampleTakers() {}

  /** {@return plan mode: the planner of {@code run}, each sample in its own scratch directory under {@code dir}} */
  public static EvalRunner.SampleTaker plans(Config config, Path dir, String runId) throws IOException {
    PlanProbe probe = new PlanProbe();
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    PlanSampleTaker.Planning planning = (model, request) -> {
      Path work;
      try {
        work = Files.createTempDirectory(scratch, "plan");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a scratch directory under " + scratch, e);
      }
      try {
        return probe.plan(model, request, work);
      } finally {
        deleteQuietly(work);
      }
    };
    return new PlanSampleTaker(planning, name -> config.catalog().get(name).map(ModelSpec::local).orElse(false),
        Clock.systemUTC(), runId);
  }

  /**
   * {@return build mode: one {@code run} per sample into {@code dir/builds}, graded by {@code grader}}
   *
   * @param runId the eval run: each sample's build is named {@link #sampleBuildId after it}, so the ledger's calls
   *     of a build-mode run are found by the run id
   * @param pipelineFor the {@code run} pipeline of a subject (model or policy name), wired by the caller
   */
  public static EvalRunner.SampleTaker builds(Ledger ledger, String runId,
      java.util.function.Function<String, RunPipeline> pipelineFor, Path dir, int maxIterations,
      BuildSampleTaker.HiddenGrader grader) {
    Map<String, RunPipeline> pipelines = new ConcurrentHashMap<>();
    BuildSampleTaker.Building building = (subject, task, rep) -> {
      RunPipeline pipeline = pipelines.computeIfAbsent(subject.name(), pipelineFor);
      Path target = dir.resolve("builds").resolve(safe(subject.name())).resolve(task.id() + "-" + rep);
      RunOutcome outcome;
      try {
        outcome = pipeline.run(new RunRequest(task.request(), null, null, target, maxIterations, null, true,
            sampleBuildId(runId, subject.name(), task.id(), rep)));
      } catch (IOException e) {
        return new BuildSampleTaker.Built(null, false, false, "I/O error: " + e.getMessage(), null, null);
      }
      Path project = Files.isDirectory(target) ? target : null;
      return switch (outcome) {
        case RunOutcome.Verified v -> new BuildSampleTaker.Built(v.buildId(), true, false, v.message(), v.report(),
            project);
        case RunOutcome.Stopped s -> new BuildSampleTaker.Built(s.buildId(), false,
            s.reason() == RunOutcome.Reason.UNREACHABLE, s.message(), s.report(), project);
        case RunOutcome.ClarificationNeeded c -> new BuildSampleTaker.Built(null, false, false, c.message(), null, null);
        case RunOutcome.BadInput b -> new BuildSampleTaker.Built(null, false, false, b.message(), null, null);
      };
    };
    return new BuildSampleTaker(building, buildId -> {
      ledger.flush();
      return ledger.calls(new Ledger.CallFilter(null, buildId, null, false, null, 100_000));
    }, grader, Clock.systemUTC());
  }

  /**
   * {@return the build id of one sample of an eval run: {@code RUN_ID.<subject>.<task>.<repeat>-<hex>}} The run id
   * comes first so that {@code ledger --build RUN_ID} and {@code stats --build RUN_ID} select the run's calls; the
   * suffix keeps a sample taken again on resume apart from its interrupted first try.
   */
  static String sampleBuildId(String runId, String subject, String taskId, int repeat) {
    // Build ids are at most 200 characters: the run id stays whole, long names are cut.
    return runId + "." + cut(safe(subject)) + "." + cut(safe(taskId)) + "." + repeat + "-"
        + java.util.HexFormat.of().toHexDigits((short) java.util.concurrent.ThreadLocalRandom.current().nextInt(1 << 16));
  }

  private static String cut(String name) {
    return name.length() <= 60 ? name : name.substring(0, 60);
  }

  /** Removes a sample's scratch directory; what cannot be removed stays under the run's directory. */
  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    } catch (IOException e) {
      // Left for the user to see; it is inside the report directory.
    }
  }

  static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
