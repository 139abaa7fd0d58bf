package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.spectra.orchestrator.builder.BuildHistory;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code orchestrator builds}: past builds, newest last. */
@Command(name = "builds", mixinStandardHelpOptions = true,
    description = {"List past builds (from the builds index in the user's data directory).",
        "Each finished 'build' adds a line: outcome, tests, operations implemented and the output directory."})
public final class BuildsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Io io;

  @Option(names = "--json", description = "Print the builds as a JSON array.")
  boolean json;

  @Option(names = "--limit", paramLabel = "N", description = "Show only the last N builds (default: all).")
  Integer limit;

  public BuildsCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws Exception {
    BuildHistory history = BuildHistory.forEnvironment(io.env());
    List<BuildHistory.Entry> all = history.list();
    if (limit != null && limit < 0) throw new ExitException(ExitCodes.USAGE, "--limit must not be negative");
    List<BuildHistory.Entry> shown = limit == null || limit >= all.size() ? all : all.subList(all.size() - limit,
        all.size());
    if (json) {
      io.out().println(JSON.writeValueAsString(shown));
      return ExitCodes.OK;
    }
    if (shown.isEmpty()) {
      io.out().println("no builds yet (index: " + history.file() + "); try: orchestrator build --openapi"
          + " examples/todo-api.yaml");
      return ExitCodes.OK;
    }
    io.out().printf("%-22s %-20s %-7s %-9s %-11s %-8s %s%n", "BUILD", "FINISHED", "OUTCOME", "TESTS", "OPERATIONS",
        "TIME", "OUT");
    for (var e : shown) {
      io.out().printf("%-22s %-20s %-7s %-9s %-11s %-8s %s%n", e.id(), shorten(e.finishedAt()), e.outcome(),
          e.testsPassed() + "/" + e.testsRun(), e.implemented() + "+" + e.needsModel() + "?",
          String.format("%.1fs", e.wallMillis() / 1000.0), e.out());
    }
    io.out().println("OPERATIONS: implemented + needing a model. Index: " + history.file());
    return ExitCodes.OK;
  }

  private static String shorten(String instant) {
    return instant.length() >= 19 ? instant.substring(0, 19).replace('T', ' ') : instant;
  }
}
