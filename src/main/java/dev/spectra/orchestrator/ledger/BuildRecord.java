package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.time.Instant;
import java.util.Locale;

/**
 * One row of the {@code builds} table with its totals (summed from its calls when it finished, or live while
 * it runs).
 *
 * @param finished {@code null} while running (or after a crash: {@code resume} looks for these)
 * @param outcome {@code null} while running; then e.g. {@code verified}, {@code failed}, {@code interrupted}
 */
public record BuildRecord(
    String id,
    Kind kind,
    String request,
    Instant started,
    Instant finished,
    String outcome,
    String outDir,
    String stagingDir,
    int calls,
    long tokensIn,
    long tokensOut,
    Money cost,
    Money saved) {

  /** What started the build. */
  public enum Kind {
    RUN, BUILD, EVAL;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static Kind fromWire(String s) { return valueOf(s.toUpperCase(Locale.ROOT)); }
  }

  public boolean finishedCleanly() { return finished != null; }
}
