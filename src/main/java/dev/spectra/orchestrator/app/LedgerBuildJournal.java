package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.StepRecord;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import java.nio.file.Path;

/** A {@link BuildJournal} writing build and step rows to the ledger, next to the rows of the build's model calls. */
final class LedgerBuildJournal implements BuildJournal {
  private final Ledger ledger;
  private final BuildRecord.Kind kind;

  /** @param kind which command the builds come from ({@code build} or {@code run}) */
  LedgerBuildJournal(Ledger ledger, BuildRecord.Kind kind) {
    this.ledger = ledger;
    this.kind = kind;
  }

  @Override public void buildStarted(String id, String request, Path out, Path staging) {
    ledger.buildStarted(id, kind, request, out, staging);
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

  @Override public String lastCompletedStep(String id) {
    return ledger.lastCompletedStep(id).orElse(null);
  }

  @Override public Path stagingDir(String id) {
    return ledger.build(id).map(BuildRecord::stagingDir).map(Path::of).orElse(null);
  }
}
