package dev.spectra.orchestrator.model;

import java.time.Duration;
import java.util.Objects;

/**
 * Three separate limits, because a cold local model can take more than 30 s to load: a loading model must
 * not be taken for a dead one, and a dead one must not be waited on for the whole generation budget.
 *
 * @param connect TCP connect
 * @param firstToken from request sent to the first byte of the answer (includes model load)
 * @param total the whole call
 */
public record Timeouts(Duration connect, Duration firstToken, Duration total) {
  public static final Timeouts LOCAL_DEFAULT =
      new Timeouts(Duration.ofSeconds(3), Duration.ofSeconds(120), Duration.ofSeconds(600));
  public static final Timeouts CLOUD_DEFAULT =
      new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(300));

  public Timeouts {
    Objects.requireNonNull(connect, "connect");
    Objects.requireNonNull(firstToken, "firstToken");
    Objects.requireNonNull(total, "total");
  }
}
