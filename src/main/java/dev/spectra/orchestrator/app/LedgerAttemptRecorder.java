package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.ledger.CallRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.reliability.AttemptListener;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Writes every attempt of the cascade to the ledger as one call row. Queues only: the ledger writes on its thread. */
final class LedgerAttemptRecorder implements AttemptListener {
  private final Ledger ledger;

  private final AtomicLong sequence = new AtomicLong();

  /** The ledger's names of the JSON stages, lower case, computed once rather than per row. */
  private static final String[] JSON_STAGES = java.util.Arrays.stream(Attempt.JsonStage.values())
      .map(s -> s.name().toLowerCase(Locale.ROOT)).toArray(String[]::new);

  LedgerAttemptRecorder(Ledger ledger) { this.ledger = ledger; }

  /**
   * Ids sort in recording order within a process (the ledger breaks ties of equal start times by id), and a random
   * suffix keeps them unique across processes sharing one database.
   */
  private String newId() {
    // The same text as String.format("%012x%06x-%08x", ...), without the formatter: this runs once per call on the
    // gateway's request path, where the format parser cost more than the rest of the row.
    char[] id = new char[27];
    hex(id, 0, 12, System.currentTimeMillis());
    hex(id, 12, 6, sequence.incrementAndGet() & 0xFFFFFF);
    id[18] = '-';
    hex(id, 19, 8, ThreadLocalRandom.current().nextInt() & 0xFFFFFFFFL);
    return new String(id);
  }

  /** Writes the low {@code digits} hex digits of {@code value} into {@code out} from {@code at}, zero-padded. */
  private static void hex(char[] out, int at, int digits, long value) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = Character.forDigit((int) (value & 0xF), 16);
      value >>>= 4;
    }
  }

  @Override public void attemptEnded(Ended e) {
    Attempt a = e.attempt();
    ModelError error = a.error();
    String outcome = error == null ? "ok"
        : error instanceof ModelError.CircuitOpen || error instanceof ModelError.BudgetExhausted ? "skipped"
        : "failed";
    ledger.record(new CallRecord(
        newId(),
        a.started(), e.context().requestId(), e.context().buildId(), e.context().step(), e.requestedAs(), a.route(),
        e.tier(), a.model(), e.servedModelId(), e.spec().local(), a.usage().promptTokens(),
        a.usage().completionTokens(), a.usage().estimated(), a.timeToFirstToken(), a.latency(), outcome,
        error == null ? null : error.type(), error == null ? null : error.message(), e.decision(),
        JSON_STAGES[a.json().ordinal()], a.repairs().isEmpty() ? "" : String.join(",", a.repairs()),
        a.reasks(), a.cost(), a.saved(),
        e.catalogVersion(), e.context().apiKeyId()));
  }
}
