package dev.spectra.orchestrator.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.StepRecord;
import dev.spectra.orchestrator.run.Ports;
import java.nio.file.Path;

/** Build and step rows of a {@code run} in the ledger, next to the rows of its model calls. */
final class LedgerBuildRecorder implements Ports.BuildRecorder {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Ledger ledger;

  LedgerBuildRecorder(Ledger ledger) {
    this.ledger = ledger;
  }

  @Override public void buildStarted(String buildId, String request, Path out, Path staging) {
    ledger.buildStarted(buildId, BuildRecord.Kind.RUN, request, out, staging);
  }

  @Override public void stepFinished(String buildId, String step, String model, int tokens, String costUsd,
      long millis, String outcome) {
    String detail = JSON.createObjectNode().put("models", model).put("tokens", tokens).put("costUsd", costUsd)
        .put("millis", millis).put("outcome", outcome).toString();
    ledger.stepFinished(buildId, step, outcome.startsWith("failed") ? StepRecord.FAILED : StepRecord.DONE, detail);
  }

  @Override public void buildFinished(String buildId, String outcome, Path out) {
    ledger.buildFinished(buildId, outcome, out);
  }

  @Override public String lastCompletedStep(String buildId) {
    return ledger.lastCompletedStep(buildId).orElse(null);
  }

  @Override public Path stagingDir(String buildId) {
    return ledger.build(buildId).map(BuildRecord::stagingDir).map(Path::of).orElse(null);
  }
}
