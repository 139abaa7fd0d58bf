package dev.spectra.orchestrator.scaffold;

import java.nio.file.Path;

/**
 * Where a build ({@code build} or {@code run}) records itself as it goes: a row per build and per step, read back
 * when a stopped build resumes. The ledger is the production journal (wired by the application); tests record
 * events. Calls must be cheap (the ledger queues its writes).
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

  /** {@return the last step the journal holds as completed for build {@code id}, or null}; read on resume */
  default String lastCompletedStep(String id) { return null; }

  /** {@return where the journal says build {@code id} staged its files, or null}; read on resume */
  default Path stagingDir(String id) { return null; }
}
