package dev.spectra.orchestrator.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code orchestrator bench}: the parent of the benchmarks. Each benchmark is its own command class, added as an
 * instance in {@link Main}: {@code bench.addSubcommand(new BenchProvidersCommand(io))}.
 */
@Command(name = "bench", description = {
    "Run a benchmark and print its figures (see the subcommands).",
    "Every number the project quotes comes from one of these, with the command that produced it."})
public final class BenchCommand implements java.util.concurrent.Callable<Integer> {
  private final Io io;

  @Spec CommandSpec spec;

  public BenchCommand(Io io) {
    this.io = io;
  }

  /** {@return a command line for {@code bench} without subcommands; add each benchmark to it} */
  public CommandLine commandLine() {
    return new CommandLine(this);
  }

  /** Without a subcommand: the usage and exit 2, or the benchmarks as JSON. */
  @Override public Integer call() {
    return Main.parentWithoutSubcommand(spec);
  }
}
