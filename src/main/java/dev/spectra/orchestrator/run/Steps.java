package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Runs one build step and keeps the books: wall time, tokens and cost (a {@link Tally}), the state file saved
 * after the step, a ledger row, a progress line, and the hook that may stop the build between steps.
 */
public final class Steps {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunState state;
  private final Path stateDir;
  private final BuildJournal journal;
  private final Progress progress;
  private final Clock clock;
  private final Hook hook;

  /** Called after every completed step; may stop the build there (Ctrl-C, tests simulating a kill). */
  @FunctionalInterface
  public interface Hook {
    void afterStep(String step) throws Stopped;

    Hook NONE = step -> {};
  }

  /** The build was stopped between two steps; everything before is saved. */
  static final class Stopped extends Exception {
    Stopped(String message) {
      super(message, null, false, false);
    }
  }

  @FunctionalInterface
  interface ModelBody<T> {
    T run(Tally tally) throws ModelException, IOException;
  }

  @FunctionalInterface
  interface Body<T> {
    T run() throws IOException, InterruptedException, Ports.CannotVerify;
  }

  Steps(RunState state, Path stateDir, BuildJournal journal, Progress progress, Clock clock, Hook hook) {
    this.state = state;
    this.stateDir = stateDir;
    this.journal = journal;
    this.progress = progress;
    this.clock = clock;
    this.hook = hook;
  }

  <T> T model(String name, String modelName, ModelBody<T> body) throws ModelException, IOException, Stopped {
    progress.stepStarted(name, modelName);
    Instant start = clock.instant();
    Tally tally = new Tally();
    T result;
    try {
      result = body.run(tally);
    } catch (ModelException e) {
      finish(name, tally, start, "failed: " + e.error().type());
      throw e;
    }
    finish(name, tally, start, "ok");
    progress.stepFinished(name, tally.tokens() + " tokens by " + String.join(", ", tally.models)
        + (tally.cost.isZero() ? "" : ", " + tally.cost));
    hook.afterStep(name);
    return result;
  }

  <T> T plain(String name, Body<T> body) throws IOException, InterruptedException, Ports.CannotVerify, Stopped {
    progress.stepStarted(name, null);
    Instant start = clock.instant();
    T result;
    try {
      result = body.run();
    } catch (IOException | Ports.CannotVerify | RuntimeException e) {
      finish(name, new Tally(), start, "failed: " + e.getMessage());
      throw e;
    }
    finish(name, new Tally(), start, "ok");
    progress.stepFinished(name, "done");
    hook.afterStep(name);
    return result;
  }

  Verification verify(String name, Body<Verification> body)
      throws IOException, InterruptedException, Ports.CannotVerify, Stopped {
    progress.stepStarted(name, null);
    Instant start = clock.instant();
    Verification v = body.run();
    state.verification = new RunState.LastVerification(v.compiled(), v.testsRun(), v.testsFailed(),
        v.problems().stream().limit(20).map(Verification.Problem::render).toList(), v.sandbox(), v.limits(),
        v.refused());
    long findings = v.problems().stream().filter(p -> p.kind() == Verification.Problem.Kind.FINDING).count();
    String outcome = v.passed() ? "passed" : !v.compiled() ? "compile errors"
        : v.testsFailed() + " tests failed, " + findings + " check findings";
    finish(name, new Tally(), start, outcome);
    progress.stepFinished(name, outcome + " (" + v.testsRun() + " tests, " + v.sandbox() + ")");
    hook.afterStep(name);
    return v;
  }

  void save() throws IOException {
    state.save(stateDir);
  }

  private void finish(String name, Tally tally, Instant start, String outcome) throws IOException {
    long millis = Duration.between(start, clock.instant()).toMillis();
    state.steps.add(tally.record(name, millis, outcome));
    if (!outcome.startsWith("failed")) state.completedSteps.add(name);
    state.save(stateDir);
    String detail = JSON.createObjectNode().put("models", String.join(",", tally.models)).put("tokens", tally.tokens())
        .put("costUsd", tally.cost.usd().toPlainString()).put("millis", millis).put("outcome", outcome).toString();
    journal.stepFinished(state.buildId, name, !outcome.startsWith("failed"), detail);
  }
}
