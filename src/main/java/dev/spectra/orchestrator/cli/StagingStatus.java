package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.verify.workspace.UntrustedTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What became of the staging directory of a build that never finished (the orchestrator was killed): a
 * {@code run} keeps its journal there and is resumable; a {@code build --openapi} cannot be resumed, so its staging
 * directory is removed once no orchestrator could still be working in it.
 */
final class StagingStatus {
  private StagingStatus() {}

  /** {@return a short status for an unfinished build, or null when there is nothing to say} */
  static String of(BuildRecord b, boolean otherOrchestratorRunning) {
    if (b.finished() != null) return null;
    if (b.kind() == BuildRecord.Kind.RUN && b.stagingDir() != null) {
      Path staging = Path.of(b.stagingDir());
      if (Files.isRegularFile(staging.resolve("state.json"), LinkOption.NOFOLLOW_LINKS)) {
        return "resumable: orchestrator resume " + b.id();
      }
      return "cleaned (no staging directory left)";
    }
    if (b.kind() == BuildRecord.Kind.BUILD && b.outDir() != null) {
      Path out = Path.of(b.outDir());
      if (out.getParent() == null) return null;
      Path staging = out.resolveSibling("." + out.getFileName() + ".staging-" + b.id());
      if (!Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) return "cleaned";
      if (otherOrchestratorRunning) return "staging kept while another orchestrator runs: " + staging;
      try {
        // Written by generated code too: removed without following any link it left.
        new UntrustedTree(staging).deleteAll();
        return "cleaned now (" + staging + ")";
      } catch (IOException e) {
        return "staging left at " + staging + " (" + e.getMessage() + "); delete it";
      }
    }
    return null;
  }

  /** {@return true when another JVM runs the orchestrator now (it could be the owner of a staging directory)} */
  static boolean otherOrchestratorRunning() {
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses().filter(h -> h.pid() != self)
        .anyMatch(h -> h.info().commandLine().orElse("").contains("dev.spectra.orchestrator"));
  }
}
