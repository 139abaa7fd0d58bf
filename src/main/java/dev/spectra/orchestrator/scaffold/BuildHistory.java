package dev.spectra.orchestrator.scaffold;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The list of past builds: one JSON line per finished build in {@code $XDG_DATA_HOME/orchestrator/builds.jsonl}
 * (default {@code ~/.local/share/orchestrator/builds.jsonl}). Append-only, so concurrent builds do not lose each
 * other's lines; unreadable lines are skipped when listing.
 */
public final class BuildHistory {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path file;

  public BuildHistory(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /**
   * One finished build.
   *
   * @param wallMillis from start to the end of verification and reports
   */
  public record Entry(String id, String startedAt, String finishedAt, String service, String openapi, String stack,
      String out, String outcome, long implemented, long needsModel, int testsRun, int testsPassed, int testsFailed,
      String sandbox, long wallMillis) {

    static Entry of(BuildReport r) {
      long wall = r.steps().stream().mapToLong(BuildReport.Step::millis).sum();
      return new Entry(r.id(), r.startedAt(), r.finishedAt(), r.service(), r.openapi(), r.stack(), r.out(),
          r.outcome(), r.implementedCount(), r.needsModelCount(), r.tests().run(), r.tests().passed(),
          r.tests().failed(), r.tests().sandbox(), wall);
    }
  }

  public void append(BuildReport report) throws IOException {
    Files.createDirectories(file.getParent());
    String line = JSON.writeValueAsString(Entry.of(report)) + "\n";
    Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE);
  }

  /** {@return every readable entry, oldest first; empty when no build has finished yet} */
  public List<Entry> list() throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<Entry> out = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank()) continue;
      try {
        out.add(JSON.readValue(line, Entry.class));
      } catch (JsonProcessingException e) {
        // A line cut short by a crash: skip it rather than hide every other build.
      }
    }
    return out;
  }
}
