package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class EvalReportTest {
  static final List<String> SIX = List.of("mistral-7b-instruct-v0.3", "qwen2.5-coder-32b", "gpt-4o-mini",
      "claude-3-5-sonnet", "local-first", "hybrid");

  /**
   * Six subjects at similar costs, as a simulated run gives them: varied success, repairs, fallbacks and one
   * warm-up outlier per subject.
   */
  static EvalReport sixSubjects(String mode) {
    Random random = new Random(7);
    Suite suite = Suite.builtin();
    List<Sample> samples = new ArrayList<>();
    List<Subject> subjects = new ArrayList<>();
    double[] success = {0.3, 0.85, 0.85, 0.95, 0.6, 0.9};
    String[] cost = {"0", "0", "0.0009", "0.011", "0.0003", "0.0005"};
    for (int k = 0; k < SIX.size(); k++) {
      String name = SIX.get(k);
      subjects.add(new Subject(name, EvalRunnerTest.NO_MODEL, true, k < 2, 2));
      for (EvalTask t : suite.tasks()) {
        boolean raw = random.nextDouble() < success[k];
        boolean ok = raw || random.nextDouble() < 0.5;
        boolean fellBack = !raw && k >= 4;
        long latency = t.id().startsWith("01") ? 40_000 : 800 + random.nextInt(2_000);
        Boolean built = mode.equals("build") ? ok : null;
        Boolean secure = mode.equals("build") ? random.nextDouble() < 0.8 : null;
        samples.add(new Sample(name, true, t.id(), t.complexity(), 0, mode, true, raw, ok,
            raw ? "RAW_VALID" : ok ? "REPAIRED" : "FAILED", ok, built, secure, 0, latency, 100, 2000, 500,
            k < 2 ? 2500 : fellBack ? 1200 : 0, new BigDecimal(cost[k]), BigDecimal.ZERO,
            fellBack ? List.of("invalid-output") : List.of(), name, ok ? null : "plan misses operation POST /loans"));
      }
    }
    RunInfo info = new RunInfo("eval-test", mode, "builtin", suite.tasks().size(), 1,
        Instant.parse("2026-01-01T00:00:00Z"), 100, Scorecard.Weights.SEED, "orchestrator eval --simulate", "test",
        42L, BuildProjection.seedEstimate(), List.of(new RunInfo.SubjectInfo("gpt-4o-mini", List.of(
            new RunInfo.RouteInfo("gpt-4o-mini", "gpt-4o-mini", "http://127.0.0.1:1234/v1", false, "$0.15 / $0.6",
                "catalog 2026-11-builtin-1")))));
    EvalRunner runner = new EvalRunner((s, t, r) -> null,
        new EvalRunner.Options(mode, 1, 1, 100, Scorecard.Weights.SEED, 3), EvalRunner.Progress.NONE,
        java.time.Clock.systemUTC());
    return runner.report(info, suite, subjects, samples, Instant.parse("2026-01-01T00:10:00Z"), false,
        java.util.Map.of());
  }

  static List<List<List<String>>> markdownTables(String md) {
    List<List<List<String>>> tables = new ArrayList<>();
    List<List<String>> current = null;
    for (String line : md.split("\n")) {
      if (line.startsWith("|")) {
        if (line.startsWith("|---")) continue;
        if (current == null) tables.add(current = new ArrayList<>());
        List<String> cells = new ArrayList<>();
        for (String c : line.substring(1, line.length() - 1).split("\\|", -1)) cells.add(c.strip());
        current.add(cells);
      } else {
        current = null;
      }
    }
    return tables;
  }

  static List<List<List<String>>> htmlTables(String html) {
    List<List<List<String>>> tables = new ArrayList<>();
    Matcher t = Pattern.compile("<table[^>]*>(.*?)</table>", Pattern.DOTALL).matcher(html);
    while (t.find()) {
      List<List<String>> rows = new ArrayList<>();
      Matcher r = Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(t.group(1));
      while (r.find()) {
        List<String> cells = new ArrayList<>();
        Matcher c = Pattern.compile("<t[hd][^>]*>(.*?)</t[hd]>", Pattern.DOTALL).matcher(r.group(1));
        while (c.find()) {
          cells.add(c.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
              .replace("&amp;", "&"));
        }
        rows.add(cells);
      }
      tables.add(rows);
    }
    return tables;
  }

  static List<List<List<String>>> jsonTables(String json) throws Exception {
    List<List<List<String>>> tables = new ArrayList<>();
    for (JsonNode t : new ObjectMapper().readTree(json).path("tables")) {
      List<List<String>> rows = new ArrayList<>();
      List<String> header = new ArrayList<>();
      t.path("header").forEach(h -> header.add(h.asText()));
      rows.add(header);
      for (JsonNode r : t.path("rows")) {
        List<String> cells = new ArrayList<>();
        r.forEach(c -> cells.add(c.asText()));
        rows.add(cells);
      }
      tables.add(rows);
    }
    return tables;
  }

  @Test
  void markdownJsonAndHtmlReportsAgreeCellByCell() throws Exception {
    for (String mode : List.of("plan", "build")) {
      EvalReport report = sixSubjects(mode);
      List<List<List<String>>> md = markdownTables(report.markdown());
      List<List<List<String>>> html = htmlTables(new HtmlReport(report).render());
      List<List<List<String>>> json = jsonTables(report.json());
      assertThat(json).as(mode).hasSize(report.tables().size());
      assertThat(md).as(mode).isEqualTo(json);
      assertThat(html).as(mode).isEqualTo(json);
    }
  }

  @Test
  void everyCountInTheTablesIsTheCountInTheRawFigures() throws Exception {
    EvalReport report = sixSubjects("plan");
    JsonNode root = new ObjectMapper().readTree(report.json());
    for (JsonNode s : root.path("subjects")) {
      int raw = s.path("raw_validity").path("successes").asInt();
      // "raw-valid N" in the obtained-by column is the raw-validity count, not a different tally.
      assertThat(s.path("obtained_by").path("RAW_VALID").asInt(0)).as(s.path("subject").asText()).isEqualTo(raw);
      String label = s.path("subject").asText() + " (simulated)";
      List<String> row = report.tables().get(2).rows().stream().filter(r -> r.get(0).equals(label)).findFirst()
          .orElseThrow();
      assertThat(row.get(2)).contains("(" + raw + "/" + s.path("samples").asInt() + ";");
      if (raw > 0) assertThat(row.get(row.size() - 1)).contains("raw-valid " + raw);
    }
  }

  @Test
  void rowsAreSortedBySpectraScoreBestFirst() {
    EvalReport report = sixSubjects("plan");
    List<Double> totals = report.scores().stream().map(Scorecard.Score::total).toList();
    assertThat(totals).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(report.tables().get(0).rows().get(0).get(0)).isEqualTo(report.subjects().get(0).subject()
        + " (simulated)");
  }

  @Test
  void planModeReportsCostPerPlanAndAProjectedCostPerBuildFromWholeBuildTokens() {
    EvalReport report = sixSubjects("plan");
    SubjectMetrics mini = report.subjects().stream().filter(m -> m.subject().equals("gpt-4o-mini")).findFirst()
        .orElseThrow();
    assertThat(mini.costPerSampleUsd()).isEqualByComparingTo("0.0009");
    // 2,500 plan tokens + 47,500 tokens of the other steps, at the same $ per token: 20 times the plan.
    assertThat(mini.projectedCostPerBuildUsd()).isEqualByComparingTo("0.018");
    assertThat(mini.monthlyCostUsd()).isEqualByComparingTo("1.8");
    assertThat(report.tables().get(3).header()).contains("$ per plan", "Projected $ per build", "$ per month (100 builds)");
    assertThat(report.markdown()).contains("the seed's estimate of 50K tokens per build");
  }

  @Test
  void theTopOfEveryReportSaysHowToReproduceTheRun() throws Exception {
    EvalReport report = sixSubjects("plan");
    assertThat(report.markdown()).contains("Command: `orchestrator eval --simulate`").contains("Tool version: orchestrator test")
        .contains("simulator seed 42");
    assertThat(new HtmlReport(report).render()).contains("<code>orchestrator eval --simulate</code>")
        .contains("http://127.0.0.1:1234/v1").contains("catalog 2026-11-builtin-1");
    assertThat(new ObjectMapper().readTree(report.json()).path("command").asText()).isEqualTo("orchestrator eval --simulate");
  }

  @Test
  void theTaskMatrixGivesTheFirstFailureReasonOfEachFailedCell() {
    EvalReport report = sixSubjects("plan");
    ReportTable matrix = report.tables().stream().filter(t -> t.id().equals("matrix")).findFirst().orElseThrow();
    assertThat(matrix.rows()).hasSize(Suite.builtin().tasks().size());
    assertThat(matrix.rows().stream().flatMap(List::stream)).anySatisfy(c ->
        assertThat(c).startsWith("0/1 ✗ plan misses operation POST /loans"));
    assertThat(matrix.rows().stream().flatMap(List::stream)).anySatisfy(c -> assertThat(c).isEqualTo("1/1 ✓"));
  }

  @Test
  void theLatencyAxisEndsNearTheLargestP95AndCountsOutliersAtTheEdge() {
    String html = new HtmlReport(sixSubjects("plan")).render();
    // Every subject has one 40 s warm-up; the others are under 3 s: the axis must not stretch to 40 s.
    assertThat(html).contains("slower than").doesNotContain(">40.0 s<");
    assertThat(HtmlReport.niceAxis(2_870)).containsExactly(3_000, 1_000);
    assertThat(HtmlReport.niceAxis(41)).containsExactly(50, 10);
    assertThat(HtmlReport.niceAxis(1_900_000)).containsExactly(2_000_000, 500_000);
  }
}
