package dev.spectra.orchestrator.scaffold;

import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.StepRecord;
import java.nio.file.Path;

/**
 * Where a build records itself as it goes: a row per build and per step. The ledger is the production journal;
 * tests record events. Calls must be cheap (the ledger queues its writes).
 */
public interface BuildJournal {
  /** Outcome of a build whose tests all passed. */
  String VERIFIED = "verified";
  /** Outcome of a build that ran and did not verify (or could not be written). */
  String FAILED = "failed";
  /** Outcome of a build refused before it ran: bad contract, non-empty output, no sandbox. */
  String REJECTED = "rejected";
  String INTERRUPTED = "interrupted";

  BuildJournal NONE = new BuildJournal() {
    @Override public void buildStarted(String id, String request, Path out, Path staging) {}
    @Override public void stepStarted(String id, String step) {}
    @Override public void stepFinished(String id, String step, boolean ok, String detailJson) {}
    @Override public void buildFinished(String id, String outcome, Path out) {}
  };

  void buildStarted(String id, String request, Path out, Path staging);

  void stepStarted(String id, String step);

  void stepFinished(String id, String step, boolean ok, String detailJson);

  /** @param out where the result now is, or null when nothing was delivered */
  void buildFinished(String id, String outcome, Path out);

  /** {@return a journal writing {@code kind = build} rows to the ledger} */
  static BuildJournal ledger(Ledger ledger) {
    return new BuildJournal() {
      @Override public void buildStarted(String id, String request, Path out, Path staging) {
        ledger.buildStarted(id, BuildRecord.Kind.BUILD, request, out, staging);
      }

      @Override public void stepStarted(String id, String step) {
        ledger.stepStarted(id, step);
      }

      @Override public void stepFinished(String id, String step, boolean ok, String detailJson) {
        ledger.stepFinished(id, step, ok ? StepRecord.DONE : StepRecord.FAILED, detailJson);
      }

      @Override public void buildFinished(String id, String outcome, Path out) {
        ledger.buildFinished(id, outcome, out);
      }
    };
  }
}
