package dev.spectra.orchestrator.queue;

import java.util.Locale;
import java.util.Objects;

/**
 * One unit of work in the queue.
 *
 * @param id the job's id: a build's id, or an eval sample's id ({@code RUN_ID/subject/task/repeat})
 * @param runId the eval run a sample belongs to; null for a build
 * @param payload what the job needs, as JSON (a {@code run} request, or a sample's coordinates)
 */
public record Job(String id, Kind kind, String runId, String payload) {
  /** What a job does. */
  public enum Kind {
    BUILD, SAMPLE;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind fromWire(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }

  public Job {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(payload, "payload");
    if (id.isBlank() || id.length() > 200) throw new IllegalArgumentException("a job id is 1 to 200 characters");
  }
}
