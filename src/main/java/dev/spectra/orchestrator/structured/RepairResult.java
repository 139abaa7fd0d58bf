package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Attempt.JsonStage;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput;
import java.util.List;
import java.util.Objects;

/** What {@link JsonRepair} made of a model's text: a value and how it was obtained, or why there is none. */
public sealed interface RepairResult {

  /**
   * A JSON value was recovered without guessing.
   *
   * @param stage {@code RAW_VALID}, {@code EXTRACTED} or {@code REPAIRED}
   * @param repairs stable names of what was done ({@code fence}, {@code trailing-comma}, ...), in a fixed order
   */
  record Recovered(JsonNode value, JsonStage stage, List<String> repairs) implements RepairResult {
    public Recovered {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(stage, "stage");
      repairs = List.copyOf(repairs);
    }
  }

  /**
   * No value could be recovered without guessing.
   *
   * @param kind {@code EMPTY}, {@code UNPARSEABLE} or {@code TRUNCATED}
   * @param reason what is wrong and where (line and column of the text given), phrased so a model can fix it
   */
  record Unrecoverable(InvalidOutput.Kind kind, String reason) implements RepairResult {
    public Unrecoverable {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
