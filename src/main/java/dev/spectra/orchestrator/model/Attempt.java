package dev.spectra.orchestrator.model;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One call to one model, successful or not, as the ledger and the eval see it.
 *
 * @param model catalog name of the model called
 * @param route the route (tier) it was called for, e.g. {@code local-first#1}; may equal {@code model}
 * @param started when the call started
 * @param usage tokens; estimated when the server gave none
 * @param timeToFirstToken may be null when nothing arrived
 * @param latency the whole call
 * @param error why it failed, or {@code null} when it succeeded
 * @param json how a JSON answer was obtained
 * @param repairs which repairs the structured engine applied (e.g. {@code trailing-comma}); with lenient repair
 *     also each guess, as {@code guess:KIND@LINE:COLUMN} (see {@link #guesses()})
 * @param reasks how many times the model was re-asked with the exact errors
 * @param cost priced by this model; {@code null} when unpriced
 * @param saved what a local call saved against the reference cloud model
 */
public record Attempt(
    String model,
    String route,
    Instant started,
    Usage usage,
    Duration timeToFirstToken,
    Duration latency,
    ModelError error,
    JsonStage json,
    List<String> repairs,
    int reasks,
    Money cost,
    Money saved) {

  public Attempt {
    usage = usage == null ? Usage.ZERO : usage;
    json = json == null ? JsonStage.NOT_REQUESTED : json;
    repairs = repairs == null ? List.of() : List.copyOf(repairs);
    saved = saved == null ? Money.ZERO : saved;
  }

  /** Marks the entries of {@link #repairs()} that are guesses of lenient repair, not edits the grammar forced. */
  public static final String GUESS_PREFIX = "guess:";

  public boolean succeeded() { return error == null; }

  /** {@return the guesses among {@link #repairs()}, without their prefix: {@code placeholder@3:14}} */
  public List<String> guesses() {
    return repairs.stream().filter(r -> r.startsWith(GUESS_PREFIX)).map(r -> r.substring(GUESS_PREFIX.length()))
        .toList();
  }

  /** How the JSON of an answer was obtained, for reliability statistics. */
  public enum JsonStage {
    /** No JSON was asked for. */
    NOT_REQUESTED,
    /** The reply parsed as-is and conformed. */
    RAW_VALID,
    /** Parsed after taking it out of fences, prose or reasoning blocks. */
    EXTRACTED,
    /** Parsed after unambiguous repairs. */
    REPAIRED,
    /** Conformed only after re-asking the model with the errors. */
    REASKED,
    /** No conforming value could be obtained. */
    FAILED
  }
}
