package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.eval.HiddenScenarioGrader;
import dev.spectra.orchestrator.verify.CheckOutcome;
import dev.spectra.orchestrator.verify.ProgressListener;
import dev.spectra.orchestrator.verify.SandboxUnavailableException;
import dev.spectra.orchestrator.verify.ServiceCheck;
import dev.spectra.orchestrator.verify.Verifier;
import dev.spectra.orchestrator.verify.VerifyOptions;
import dev.spectra.orchestrator.verify.VerifyResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Eval's build-mode grader over the sandbox: the built service is started and checked inside it. */
public final class HiddenGraders {
  /** Generated requests per operation while grading, besides the hidden scenarios and the security probes. */
  static final int GRADING_FUZZ = 10;

  private HiddenGraders() {}

  /** {@return the grader over the production sandbox; scenario files go under {@code scratch}} */
  public static HiddenScenarioGrader sandboxed(Map<String, String> env, boolean unsafeNoSandbox, Path scratch) {
    return new HiddenScenarioGrader(over(Verifiers.sandboxed(env), unsafeNoSandbox), scratch);
  }

  /** {@return the grader over a given verifier (eval shares one across its samples); files go under {@code scratch}} */
  public static HiddenScenarioGrader over(Verifier verifier, boolean unsafeNoSandbox, Path scratch) {
    return new HiddenScenarioGrader(over(verifier, unsafeNoSandbox), scratch);
  }

  /**
   * {@return the check as eval needs it, over any verifier}: compile (no tests: the model's own tests do not grade),
   * start the service, run the hidden scenarios, fuzzing and security probes
   */
  public static HiddenScenarioGrader.SandboxedCheck over(Verifier verifier, boolean unsafeNoSandbox) {
    return (project, contract, scenarios) -> {
      VerifyResult r;
      try {
        r = verifier.verify(project, new VerifyOptions(VerifyOptions.DEFAULT_WALL_CLOCK_LIMIT, unsafeNoSandbox,
            ProgressListener.NONE).withCheck(new ServiceCheck(contract, List.of(scenarios), GRADING_FUZZ,
            ServiceCheck.BUILD_SEED, true, false)));
      } catch (SandboxUnavailableException e) {
        return HiddenScenarioGrader.Checked.notRun(e.getMessage());
      }
      if (!r.compiled()) {
        return HiddenScenarioGrader.Checked.notRun("the built service does not compile" + (r.compileErrors().isEmpty()
            ? "" : ": " + r.compileErrors().get(0).file() + ":" + r.compileErrors().get(0).line() + " "
            + r.compileErrors().get(0).message()));
      }
      CheckOutcome c = r.check();
      if (c == null) return HiddenScenarioGrader.Checked.notRun("the service was not checked (verification timed out)");
      if (!c.ran()) return HiddenScenarioGrader.Checked.notRun(c.problem());
      List<HiddenScenarioGrader.ScenarioRun> runs = c.scenarios().stream().map(s -> new HiddenScenarioGrader.ScenarioRun(
          s.name(), s.passed(), s.failedStep(), c.findings().stream()
              .filter(f -> f.kind().equals("scenario") && f.scenario().equals(s.name())).findFirst()
              .map(f -> f.summary() + " (expected " + f.expected() + "; actual " + f.actual() + ")").orElse("")))
          .toList();
      List<String> security = c.failures().stream().filter(f -> f.kind().equals("security"))
          .map(f -> f.cwe() + " in " + f.operation() + ": " + f.summary()).toList();
      return new HiddenScenarioGrader.Checked("", runs, security);
    };
  }
}
