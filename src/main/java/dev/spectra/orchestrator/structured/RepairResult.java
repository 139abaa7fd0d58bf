package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Attempt.JsonStage;
import dev.spectra.orchestrator.model.ModelError.InvalidOutput;
import java.util.List;
import java.util.Objects;

/** What {@link JsonRepair} made of a model's text: a value and how it was obtained, or why there is none. */
public sealed interface RepairResult {

  /**
   * A JSON value was recovered: with edits forced by the grammar or the schema only, or (lenient mode) with every
   * other edit listed in {@code guesses}.
   *
   * @param json the value as checked strict JSON; {@link #value()} builds the tree on first use
   * @param stage {@code RAW_VALID}, {@code EXTRACTED} or {@code REPAIRED}
   * @param repairs stable names of what was done ({@code fence}, {@code trailing-comma}, ...), in a fixed order
   * @param guesses every edit that had another reading, in text order; empty in the default mode
   * @param coercions type changes the schema made unambiguous, each with its JSON pointer
   */
  record Recovered(JsonText json, JsonStage stage, List<String> repairs, List<Guess> guesses,
      List<Coercion> coercions) implements RepairResult {
    public Recovered {
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(stage, "stage");
      repairs = List.copyOf(repairs);
      guesses = List.copyOf(guesses);
      coercions = List.copyOf(coercions);
    }

    /** {@return the value as a tree} Built from {@link #json()} on first use, then kept. */
    public JsonNode value() {
      return json.tree();
    }
  }

  /**
   * No value could be recovered (without guessing, in the default mode).
   *
   * @param kind {@code EMPTY}, {@code UNPARSEABLE}, {@code TRUNCATED} or {@code REFUSED}
   * @param reason what is wrong and where (line and column of the text given)
   */
  record Unrecoverable(InvalidOutput.Kind kind, String reason) implements RepairResult {
    public Unrecoverable {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(reason, "reason");
    }
  }
}
