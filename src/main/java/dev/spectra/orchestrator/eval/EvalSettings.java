package dev.spectra.orchestrator.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The settings of one eval run, kept in its {@code run.json} so {@code eval --resume} continues it exactly as it
 * started, whatever flags the resume is given.
 *
 * @param command the command line that started the run, for the reports
 * @param models subject names as given to {@code --models} (empty: the default subjects)
 */
public record EvalSettings(String runId, Instant started, String mode, String suite, int repeat, int concurrency,
    int buildsPerMonth, boolean simulate, long seed, int maxIterations, boolean keepGoing, boolean unsafeNoSandbox,
    String weights, List<String> models, String command) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public EvalSettings {
    models = models == null ? List.of() : List.copyOf(models);
  }

  public EvalSettings withModels(List<String> names) {
    return new EvalSettings(runId, started, mode, suite, repeat, concurrency, buildsPerMonth, simulate, seed,
        maxIterations, keepGoing, unsafeNoSandbox, weights, names, command);
  }

  /** Writes {@code run.json} into {@code dir}, atomically. */
  public void write(Path dir) throws IOException {
    ObjectNode run = JSON.createObjectNode();
    run.put("run_id", runId).put("started", started.toString()).put("mode", mode).put("suite", suite)
        .put("repeat", repeat).put("concurrency", concurrency).put("builds_per_month", buildsPerMonth)
        .put("simulate", simulate).put("seed", seed).put("max_iterations", maxIterations)
        .put("keep_going", keepGoing).put("unsafe_no_sandbox", unsafeNoSandbox).put("command", command);
    if (weights != null) run.put("weights", weights);
    models.forEach(run.putArray("models")::add);
    EvalReport.writeAtomically(dir.resolve("run.json"), JSON.writeValueAsString(run) + "\n");
  }

  /**
   * Reads a {@code run.json}.
   *
   * @throws IOException when it cannot be read or is not a run file
   */
  public static EvalSettings read(Path file) throws IOException {
    JsonNode r = JSON.readTree(file.toFile());
    if (r == null || !r.hasNonNull("run_id") || !r.hasNonNull("mode")) {
      throw new IOException(file + " is not the run.json of an eval run (no run_id or mode)");
    }
    List<String> names = new ArrayList<>();
    r.path("models").forEach(n -> names.add(n.asText()));
    return new EvalSettings(r.get("run_id").asText(), Instant.parse(r.path("started").asText(Instant.EPOCH.toString())),
        r.get("mode").asText(), r.path("suite").asText("builtin"), r.path("repeat").asInt(1),
        r.path("concurrency").asInt(4), r.path("builds_per_month").asInt(100), r.path("simulate").asBoolean(false),
        r.path("seed").asLong(42), r.path("max_iterations").asInt(3), r.path("keep_going").asBoolean(false),
        r.path("unsafe_no_sandbox").asBoolean(false), r.hasNonNull("weights") ? r.get("weights").asText() : null,
        names, r.path("command").asText(""));
  }
}
