package dev.spectra.orchestrator.eval;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a reader needs to reproduce an eval run, printed at the top of every report: the exact command, the tool
 * version, and for each subject the models it routes to, where they were served and what they cost.
 *
 * @param command the command line as typed (arguments quoted where needed)
 * @param seed the simulators' seed with {@code --simulate}, else null
 * @param projection how plan mode projects a build's cost
 */
public record RunInfo(String runId, String mode, String suite, int tasks, int repeat, Instant started,
    int buildsPerMonth, Scorecard.Weights weights, String command, String toolVersion, Long seed,
    BuildProjection projection, List<SubjectInfo> subjects) {

  public RunInfo {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(projection, "projection");
    command = command == null ? "" : command;
    toolVersion = toolVersion == null ? "unknown" : toolVersion;
    subjects = List.copyOf(subjects);
  }

  /** A subject and the routes its requests can take, in order. */
  public record SubjectInfo(String name, List<RouteInfo> routes) {
    public SubjectInfo {
      routes = List.copyOf(routes);
    }
  }

  /**
   * One model a subject can be served by.
   *
   * @param price per million tokens in/out as text, or {@code unpriced}
   * @param priceSource where the price came from ({@code catalog ...}, a configuration file and line)
   */
  public record RouteInfo(String model, String modelId, String endpoint, boolean local, String price,
      String priceSource) {}
}
