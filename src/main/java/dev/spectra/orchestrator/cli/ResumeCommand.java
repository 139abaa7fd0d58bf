package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.run.RunOutcome;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orchestrator resume BUILD_ID}: continues a stopped {@code run} from its last completed step. */
@Command(name = "resume", mixinStandardHelpOptions = true,
    description = {"Continues a stopped build (budget, Ctrl-C, a crash) from its last completed step.",
        "Completed steps are not asked of a model again; the staging directory holds their results."})
public final class ResumeCommand implements Callable<Integer> {
  private final Io io;

  @Parameters(index = "0", paramLabel = "BUILD_ID", description = "The build id printed by run (or its staging directory).")
  String buildId;

  @Option(names = "--budget", paramLabel = "USD", description = "A new total budget for the whole build, in US dollars.")
  BigDecimal budget;

  @Option(names = "--max-iterations", paramLabel = "N", description = "A new limit of fix iterations.")
  Integer maxIterations;

  @Option(names = "--model", paramLabel = "M", description = "Continue with another catalog model or routing policy.")
  String model;

  @Option(names = "--out", paramLabel = "DIR", description = "Another output directory.")
  Path out;




  @Mixin BuildFlags flags = new BuildFlags();

  public ResumeCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws IOException {
    if (maxIterations != null && maxIterations < 0) {
      throw ExitException.usage("--max-iterations must be 0 or more, got " + maxIterations);
    }
    if (budget != null && budget.signum() < 0) throw ExitException.usage("--budget must be 0 or more, got " + budget);
    var config = RunCommand.config(io);
    try (Ledgers.Handle ledger = Ledgers.open(config, io.env(), io.err())) {
      var pipeline = RunCommand.pipeline(io, config, ledger, model, flags.unsafeNoSandbox,
          flags.silent());
      RunOutcome outcome = pipeline.resume(buildId, budget == null ? null : new Money(budget), maxIterations, out,
          flags.force);
      return RunCommand.print(io, outcome, flags.json);
    }
  }
}
