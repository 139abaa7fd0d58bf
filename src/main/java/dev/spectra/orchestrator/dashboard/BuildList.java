package dev.spectra.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.LedgerQueries;
import dev.spectra.orchestrator.scaffold.BuildHistory;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The builds page: every build the ledger knows, newest first, with what the builds index and the build's own
 * {@code build-report.json} add (tests, operations implemented and pending, {@code check} findings). Files in a
 * build's output directory were written from model output and sandbox results, so they are read without following
 * links and only when small.
 */
final class BuildList {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_REPORT_BYTES = 4L << 20;

  private final Dashboard.Settings settings;
  private final LedgerQueries queries;
  private final Pages pages;

  BuildList(Dashboard.Settings settings, LedgerQueries queries, Pages pages) {
    this.settings = settings;
    this.queries = queries;
    this.pages = pages;
  }

  void page(Context ctx, Access.Viewer viewer) throws IOException {
    String beforeText = Pages.param(ctx, "before");
    Instant before;
    try {
      before = beforeText == null ? null : Instant.ofEpochMilli(Long.parseLong(beforeText));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("before must be a page cursor from this page, got '" + beforeText + "'");
    }
    List<BuildRecord> rows = queries.builds(Pages.PAGE_SIZE + 1, before);
    Map<String, BuildHistory.Entry> index = new HashMap<>();
    if (settings.buildIndex() != null) {
      for (BuildHistory.Entry e : new BuildHistory(settings.buildIndex()).list()) index.put(e.id(), e);
    }
    Html h = pages.open("Builds", "builds", viewer);
    h.raw("<div class=\"scroll\"><table class=\"builds\"><thead><tr><th scope=\"col\">Started</th>")
        .raw("<th scope=\"col\">Build</th><th scope=\"col\">Kind</th><th scope=\"col\">Outcome</th>")
        .raw("<th scope=\"col\" class=\"n\">Operations implemented / pending</th>")
        .raw("<th scope=\"col\" class=\"n\">Tests passed / run</th><th scope=\"col\" class=\"n\">Check findings</th>")
        .raw("<th scope=\"col\" class=\"n\">Calls</th><th scope=\"col\" class=\"n\">Cost</th>")
        .raw("<th scope=\"col\">Report</th></tr></thead><tbody>");
    int shown = 0;
    for (BuildRecord b : rows) {
      if (shown++ == Pages.PAGE_SIZE) break;
      BuildHistory.Entry e = index.get(b.id());
      Optional<JsonNode> report = report(b);
      String ops = e != null ? e.implemented() + " / " + e.needsModel()
          : report.map(r -> count(r.path("operations"), "implemented") + " / "
              + (r.path("operations").size() - count(r.path("operations"), "implemented"))).orElse("-");
      String tests = e != null ? e.testsPassed() + " / " + e.testsRun()
          : report.map(r -> r.path("tests").path("passed").asInt() + " / " + r.path("tests").path("run").asInt())
              .orElse("-");
      String findings = report.map(r -> r.path("check").isObject()
          ? String.valueOf(r.path("check").path("findings").size()) : "not run").orElse("-");
      h.raw("<tr>").raw("<td>").time(b.started()).raw("</td>").td(b.id()).td(b.kind().wire())
          .td(outcome(b)).num(ops).num(tests).num(findings).num(b.calls() < 0 ? "-" : b.calls())
          .num(b.cost() == null ? "-" : Html.usd(b.cost())).raw("<td>");
      if (report.isPresent() || reportFile(b, "BUILD-REPORT.md").isPresent()) {
        h.raw("<a href=\"/ui/builds/").text(java.net.URLEncoder.encode(b.id(), java.nio.charset.StandardCharsets.UTF_8))
            .raw("/report\">report</a>");
      } else {
        h.text(b.outDir() == null ? "-" : b.outDir());
      }
      h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    if (rows.isEmpty()) h.raw("<p>No builds yet: <code>orchestrator build --openapi CONTRACT</code> records one.</p>");
    if (rows.size() > Pages.PAGE_SIZE) {
      h.raw("<p><a rel=\"next\" href=\"/ui/builds?before=").text(rows.get(Pages.PAGE_SIZE - 1).started().toEpochMilli())
          .raw("\">Older builds</a></p>");
    }
    pages.close(ctx, h);
  }

  /** Serves a build's BUILD-REPORT.md as plain text: the path comes from the ledger, never from the request. */
  void report(Context ctx) throws IOException {
    String id = ctx.pathParam("id");
    Optional<BuildRecord> b = find(id);
    Optional<Path> file = b.flatMap(x -> reportFile(x, "BUILD-REPORT.md"));
    if (file.isEmpty()) file = b.flatMap(x -> reportFile(x, "build-report.json"));
    if (file.isEmpty()) {
      pages.error(ctx, 404, "No report", "Build " + id + " has no report in its output directory.");
      return;
    }
    ctx.header("Content-Security-Policy", "default-src 'none'");
    ctx.contentType(file.get().toString().endsWith(".json") ? "application/json; charset=utf-8"
        : "text/plain; charset=utf-8").result(Files.readAllBytes(file.get()));
  }

  private Optional<BuildRecord> find(String id) {
    // Builds are few next to calls: the newest thousand cover any link a page shows.
    for (BuildRecord b : queries.builds(1000, null)) if (b.id().equals(id)) return Optional.of(b);
    return Optional.empty();
  }

  private static String outcome(BuildRecord b) {
    if (b.finished() == null) return "running or interrupted";
    return b.outcome() == null ? "failed" : b.outcome();
  }

  private Optional<JsonNode> report(BuildRecord b) {
    return reportFile(b, "build-report.json").flatMap(p -> {
      try {
        return Optional.of(JSON.readTree(p.toFile()));
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  /** A regular file directly in the build's output directory, not a link, not larger than a report can be. */
  static Optional<Path> reportFile(BuildRecord b, String name) {
    if (b.outDir() == null) return Optional.empty();
    try {
      Path dir = Path.of(b.outDir());
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return Optional.empty();
      Path f = dir.resolve(name);
      if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.size(f) > MAX_REPORT_BYTES) return Optional.empty();
      return Optional.of(f);
    } catch (InvalidPathException | IOException e) {
      return Optional.empty();
    }
  }

  private static int count(JsonNode ops, String status) {
    int n = 0;
    for (JsonNode o : ops) if (status.equals(o.path("status").asText())) n++;
    return n;
  }
}
