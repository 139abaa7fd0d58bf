package dev.spectra.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The evals pages: runs found in the eval results directory (each a directory holding {@code report.json}), a run's
 * scorecard and tables as {@code report.json} gives them, a chart, and the report files themselves. A run and a file
 * are looked up by name among what is there, never joined to a path from the request: names are checked against a
 * strict pattern and a short list, links are not followed, so no request reaches a file outside a run directory.
 */
final class EvalRuns {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern RUN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final long MAX_FILE_BYTES = 32L << 20;
  /** The files a run has, with the type each is served as. */
  private static final Map<String, String> FILES = new LinkedHashMap<>();

  static {
    FILES.put("report.html", "text/html; charset=utf-8");
    FILES.put("report.md", "text/plain; charset=utf-8");
    FILES.put("report.json", "application/json; charset=utf-8");
    FILES.put("run.json", "application/json; charset=utf-8");
    FILES.put("samples.jsonl", "text/plain; charset=utf-8");
  }

  private final Path dir;
  private final Pages pages;

  EvalRuns(Path dir, Pages pages) {
    this.dir = dir;
    this.pages = pages;
  }

  private record Run(String name, Path path, JsonNode report) {}

  void list(Context ctx, Access.Viewer viewer) throws IOException {
    Html h = pages.open("Evals", "evals", viewer);
    List<Run> runs = runs();
    if (runs.isEmpty()) {
      h.raw("<p>No eval runs in <code>").text(dir == null ? "(no directory)" : dir.toString())
          .raw("</code>. Run <code>orchestrator eval</code>; its reports go to <code>eval-results/RUN_ID</code>.</p>");
    } else {
      h.raw("<div class=\"scroll\"><table><thead><tr><th scope=\"col\">Run</th><th scope=\"col\">Mode</th>")
          .raw("<th scope=\"col\">Started</th><th scope=\"col\" class=\"n\">Subjects</th>")
          .raw("<th scope=\"col\" class=\"n\">Tasks</th><th scope=\"col\">Best</th></tr></thead><tbody>");
      for (Run r : runs) {
        JsonNode j = r.report();
        h.raw("<tr><td><a href=\"/ui/evals/").text(r.name()).raw("\">").text(r.name()).raw("</a>")
            .raw(j.path("partial").asBoolean() ? " (partial)" : "").raw("</td>").td(j.path("mode").asText("-"))
            .raw("<td>").time(instant(j.path("started").asText(null))).raw("</td>")
            .num(j.path("subjects").size()).num(j.path("tasks").isArray() ? j.path("tasks").size()
                : j.path("tasks").asText("-"))
            .td(best(j)).raw("</tr>");
      }
      h.raw("</tbody></table></div>");
    }
    pages.close(ctx, h);
  }

  void run(Context ctx, Access.Viewer viewer) throws IOException {
    Optional<Run> run = find(ctx.pathParam("run"));
    if (run.isEmpty()) {
      pages.error(ctx, 404, "No such eval run", "No eval run of that name has a report.");
      return;
    }
    JsonNode j = run.get().report();
    Html h = pages.open("Eval " + run.get().name(), "evals", viewer);
    h.raw("<p>").text(j.path("mode").asText("")).raw(" mode, started ").time(instant(j.path("started").asText(null)))
        .raw(j.path("partial").asBoolean() ? " (partial run)" : "").raw(". Command: <code>")
        .text(j.path("command").asText("")).raw("</code></p><p class=\"row\">Files: ");
    for (String f : FILES.keySet()) {
      if (regular(run.get().path().resolve(f))) {
        h.raw("<a href=\"/ui/evals/").text(run.get().name()).raw("/files/").text(f).raw("\">").text(f).raw("</a> ");
      }
    }
    h.raw("</p>");
    Map<String, Double> scores = new LinkedHashMap<>();
    for (JsonNode s : j.path("subjects")) {
      JsonNode score = s.path("scores").path("spectra");
      if (score.isNumber()) scores.put(s.path("subject").asText("?"), score.asDouble());
    }
    double top = scores.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double scale = top <= 1 ? 1 : top <= 10 ? 10 : 100;
    if (!scores.isEmpty()) {
      h.raw(Charts.bars("SPECTRA score per subject (0 to " + (int) scale + ")", scores, scale));
    }
    boolean first = true;
    for (JsonNode t : j.path("tables")) {
      h.raw("<section><h2>").text(first ? "Scorecard: " + t.path("title").asText("") : t.path("title").asText(""))
          .raw("</h2><div class=\"scroll\"><table data-table=\"").text(t.path("id").asText("")).raw("\"><thead><tr>");
      for (JsonNode c : t.path("header")) h.raw("<th scope=\"col\">").text(c.asText()).raw("</th>");
      h.raw("</tr></thead><tbody>");
      for (JsonNode row : t.path("rows")) {
        h.raw("<tr>");
        for (JsonNode c : row) h.td(c.asText());
        h.raw("</tr>");
      }
      h.raw("</tbody></table></div></section>");
      first = false;
    }
    pages.close(ctx, h);
  }

  void file(Context ctx) throws IOException {
    String name = ctx.pathParam("name");
    String type = FILES.get(name);
    Optional<Run> run = find(ctx.pathParam("run"));
    if (type == null || run.isEmpty()) {
      pages.error(ctx, 404, "Not found", "No such report file.");
      return;
    }
    Path f = run.get().path().resolve(name);
    if (!regular(f)) {
      pages.error(ctx, 404, "Not found", "This run has no " + name + ".");
      return;
    }
    // The HTML report is one offline file without script; it may not load anything or run anything here either.
    ctx.header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        + "sandbox");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.contentType(type).result(Files.readAllBytes(f));
  }

  private Optional<Run> find(String name) throws IOException {
    if (name == null || !RUN_NAME.matcher(name).matches()) return Optional.empty();
    for (Run r : runs()) if (r.name().equals(name)) return Optional.of(r);
    return Optional.empty();
  }

  /** Run directories directly under the eval directory, newest first; links and odd names are left out. */
  private List<Run> runs() throws IOException {
    List<Run> out = new ArrayList<>();
    if (dir == null || !Files.isDirectory(dir)) return out;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        if (!RUN_NAME.matcher(name).matches() || !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
        Path report = p.resolve("report.json");
        if (!regular(report)) continue;
        try {
          out.add(new Run(name, p, JSON.readTree(report.toFile())));
        } catch (IOException unreadable) {
          // A report being written or damaged: left out of the list rather than failing the page.
        }
      }
    }
    out.sort(Comparator.comparing((Run r) -> r.report().path("started").asText("")).reversed());
    return out;
  }

  private static boolean regular(Path f) {
    try {
      return Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && Files.size(f) <= MAX_FILE_BYTES;
    } catch (IOException e) {
      return false;
    }
  }

  private static java.time.Instant instant(String s) {
    try {
      return s == null ? null : java.time.Instant.parse(s);
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private static String best(JsonNode j) {
    JsonNode tables = j.path("tables");
    if (!tables.isArray() || tables.isEmpty()) return "-";
    JsonNode rows = tables.get(0).path("rows");
    return rows.isArray() && !rows.isEmpty() ? rows.get(0).path(0).asText("-") : "-";
  }
}
