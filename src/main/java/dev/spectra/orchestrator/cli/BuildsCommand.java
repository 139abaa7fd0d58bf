package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.queue.BuildJob;
import dev.spectra.orchestrator.queue.JobQueue;
import dev.spectra.orchestrator.queue.JobRecord;
import dev.spectra.orchestrator.scaffold.BuildHistory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orchestrator builds}: past builds, newest first, from the ledger and the builds index. */
@Command(name = "builds", mixinStandardHelpOptions = true,
    description = {"List past builds, newest first: outcome, tests, operations implemented, cost, output directory.",
        "Builds come from the ledger (every kind: build, run, eval); test and operation counts of 'build' come from",
        "the builds index in the user's data directory."})
public final class BuildsCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Io io;

  @Option(names = "--json", description = "Print the builds as a JSON array.")
  boolean json;

  @Option(names = "--limit", paramLabel = "N", description = "Show at most N builds (default: 50).")
  int limit = 50;

  @Parameters(index = "0", arity = "0..1", paramLabel = "BUILD_ID",
      description = "Show only this build (with --json: one object); a submitted build shows queued or running.")
  String buildId;

  public BuildsCommand(Io io) {
    this.io = io;
  }

  /** One line of the listing: a ledger row, an index entry, or both (same id). */
  private record Row(String id, String kind, String started, String finished, String outcome, String out,
      String cost, BuildHistory.Entry details, String staging, String worker) {
    Row withQueue(JobRecord job) {
      // The ledger cannot tell a build a worker runs now from one whose process died: the queue can.
      // A build released by a stopping worker is recorded 'interrupted' but waits in the queue to be resumed.
      return job.ended() ? new Row(id, kind, started, finished, outcome, out, cost, details, staging, job.worker())
          : new Row(id, kind, started, null, job.status(), out, cost, details, null, job.worker());
    }
  }

  @Override public Integer call() throws Exception {
    if (limit <= 0) throw new ExitException(ExitCodes.USAGE, "--limit must be positive");
    BuildHistory history = new BuildHistory(Dirs.from(io.env()).buildHistoryFile());
    Map<String, Row> rows = new LinkedHashMap<>();
    for (BuildHistory.Entry e : history.list()) {
      rows.put(e.id(), new Row(e.id(), "build", e.startedAt(), e.finishedAt(), outcome(e.outcome(), true), e.out(),
          null, e, null, null));
    }
    String ledgerWhere = null;
    // Sandboxes that outlived a killed orchestrator are stopped before their staging directories are judged.
    for (String killed : dev.spectra.orchestrator.app.Verifiers.sandboxed(io.env()).killLeftovers()) {
      io.err().println(killed);
    }
    boolean otherRunning = StagingStatus.otherOrchestratorRunning();
    var config = ModelFailures.loadConfig(io, Overrides.NONE);
    try (Ledgers.Handle h = Ledgers.open(config, io.env(), io.err())) {
      ledgerWhere = h.ledger().location();
      for (BuildRecord b : h.ledger().builds(Ledger.BuildFilter.latest(limit))) {
        Row known = rows.get(b.id());
        rows.put(b.id(), new Row(b.id(), b.kind().wire(), b.started().toString(),
            b.finished() == null ? null : b.finished().toString(),
            outcome(b.outcome(), b.finished() != null),
            b.outDir(), b.cost() == null ? null : b.cost().usd().toPlainString(),
            known == null ? null : known.details(), StagingStatus.of(b, otherRunning), null));
      }
      if (JobQueue.supported(h.ledger().database())) {
        JobQueue queue = JobQueue.in(h.ledger().database(), java.time.Clock.systemUTC());
        for (JobRecord job : queue.builds(limit)) {
          Row known = rows.get(job.id());
          if (known != null) {
            rows.put(job.id(), known.withQueue(job));
          } else {
            // Submitted and not started by a worker yet, or refused by the worker before the build began (an
            // unknown model there): the ledger has no row for it.
            rows.put(job.id(), new Row(job.id(), "run", job.submitted().toString(),
                job.finished() == null ? null : job.finished().toString(),
                !job.ended() ? job.status() : JobRecord.FAILED.equals(job.status()) ? "failed"
                    : outcome(job.outcome(), true),
                BuildJob.fromJson(job.payload()).out(), null, null, null, job.worker()));
          }
        }
      }
    } catch (ExitException | dev.spectra.orchestrator.app.SetupException e) {
      io.err().println("warning: the ledger cannot be read (" + e.getMessage() + "); listing the builds index only");
    }
    List<Row> shown = new ArrayList<>(rows.values());
    if (buildId != null) {
      shown = new ArrayList<>(shown.stream().filter(r -> r.id().equals(buildId)).toList());
      if (shown.isEmpty()) {
        throw ExitException.usage("no build '" + buildId + "' in the ledger, the job queue or the builds index; "
            + "'orchestrator builds' lists them");
      }
    }
    shown.sort(Comparator.comparing(Row::started).reversed());
    if (shown.size() > limit) shown = shown.subList(0, limit);

    if (json) {
      ArrayNode arr = JSON.createArrayNode();
      for (Row r : shown) {
        ObjectNode o = arr.addObject().put("id", r.id()).put("kind", r.kind()).put("startedAt", r.started())
            .put("finishedAt", r.finished()).put("outcome", r.outcome()).put("out", r.out()).put("costUsd", r.cost())
            .put("worker", r.worker());
        if (r.staging() != null) o.put("staging", r.staging());
        if (r.details() != null) {
          var d = r.details();
          o.put("service", d.service()).put("openapi", d.openapi()).put("sandbox", d.sandbox());
          o.putObject("tests").put("run", d.testsRun()).put("passed", d.testsPassed()).put("failed", d.testsFailed());
          o.putObject("operations").put("implemented", d.implemented()).put("needsModel", d.needsModel());
        }
      }
      io.out().println(JSON.writeValueAsString(buildId != null ? arr.get(0) : arr));
      return ExitCodes.OK;
    }
    if (shown.isEmpty()) {
      io.out().println("no builds yet; try: orchestrator build --openapi examples/todo-api.yaml");
      return ExitCodes.OK;
    }
    // The WORKER column appears once any build shown ran on a worker; builds run in process have none.
    boolean workers = shown.stream().anyMatch(r -> r.worker() != null);
    String format = "%-22s %-6s %-19s %-11s " + (workers ? "%-16s " : "%s") + "%-7s %-10s %-9s %s%n";
    io.out().printf(format, "BUILD", "KIND", "STARTED", "OUTCOME", workers ? "WORKER" : "", "TESTS", "OPERATIONS",
        "COST", "OUT");
    for (Row r : shown) {
      var d = r.details();
      io.out().printf(format, r.id(), r.kind(), shorten(r.started()), r.outcome(),
          workers ? (r.worker() == null ? "-" : r.worker()) : "",
          d == null ? "-" : d.testsPassed() + "/" + d.testsRun(),
          d == null ? "-" : d.implemented() + " + " + d.needsModel(),
          r.cost() == null ? "-" : "$" + r.cost(), (r.out() == null ? "-" : r.out())
              + (r.staging() == null ? "" : "  [" + r.staging() + "]"));
    }
    io.out().println("TESTS: passed/run. OPERATIONS: implemented + needing a model. Index: " + history.file()
        + (ledgerWhere == null ? "" : "; ledger: " + ledgerWhere));
    return ExitCodes.OK;
  }

  /**
   * The one set of outcome words {@code builds} shows (docs/build.md): {@code verified}, {@code failed},
   * {@code rejected} (refused before anything ran), {@code stopped} (a budget, an unreachable model, a model error,
   * no sandbox, a question for the user: resumable), {@code interrupted} (Ctrl-C, or the process ended without
   * recording an end), {@code done} (an eval run). The index and the ledger word the same fact differently
   * ("passed" and "verified"), so a build reads the same whether or not the ledger could be opened.
   */
  static String outcome(String recorded, boolean finished) {
    if (!finished || recorded == null || recorded.isBlank()) return finished ? "failed" : "interrupted";
    return switch (recorded) {
      case "verified", "passed" -> "verified";
      case "failed" -> "failed";
      case "rejected" -> "rejected";
      case "interrupted", "partial" -> "interrupted";
      case "done" -> "done";
      default -> "stopped";
    };
  }

  private static String shorten(String instant) {
    return instant != null && instant.length() >= 19 ? instant.substring(0, 19).replace('T', ' ') : instant;
  }
}
