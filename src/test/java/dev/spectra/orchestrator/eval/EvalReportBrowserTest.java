package dev.spectra.orchestrator.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the HTML report in a real browser (headless Chromium, the Debian package {@code chromium}) at a desktop and
 * a narrow width, and checks the layout the way a reader would see it: no sideways scrolling of the page, no chart
 * label outside its chart, no two chart labels on top of each other. Screenshots are kept under
 * {@code target/eval-report-screenshots} for a person to look at. Skipped, saying so, where no Chromium is installed.
 */
@Tag("e2e")   // A real headless browser: end to end; runs with ./test --all.
class EvalReportBrowserTest {
  /** Measures the laid-out page and writes the problems found into the title, which --dump-dom prints. */
  private static final String PROBE = """
      <script>
      (function () {
        var problems = [];
        if (document.documentElement.scrollWidth > window.innerWidth + 1) {
          problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
        }
        document.querySelectorAll('svg').forEach(function (svg, si) {
          var box = svg.getBoundingClientRect();
          var texts = Array.prototype.slice.call(svg.querySelectorAll('text'))
              .filter(function (t) { return t.getAttribute('fill') !== '#fff'; })
              .map(function (t) { return {t: t.textContent, r: t.getBoundingClientRect()}; });
          texts.forEach(function (a) {
            if (a.r.left < box.left - 1 || a.r.right > box.right + 1 || a.r.top < box.top - 1 || a.r.bottom > box.bottom + 1) {
              problems.push('svg ' + si + ': label outside the chart: ' + a.t);
            }
          });
          for (var i = 0; i < texts.length; i++) for (var j = i + 1; j < texts.length; j++) {
            var a = texts[i].r, b = texts[j].r;
            var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (w > 1 && h > 1) problems.push('svg ' + si + ': labels overlap: ' + texts[i].t + ' / ' + texts[j].t);
          }
        });
        document.title = 'PROBLEMS[' + problems.join(' | ') + ']';
      })();
      </script>
      """;

  static String chromium() {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(c))) return c;
    }
    return null;
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium did not finish in 120 s");
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void theHtmlReportLaysOutCleanlyInAHeadlessBrowserAtDesktopAndNarrowWidths(@TempDir Path dir) throws Exception {
    String chromium = chromium();
    assumeTrue(chromium != null, "no Chromium installed: install the Debian package 'chromium' to check the HTML "
        + "report in a browser (apt-get install -y --no-install-recommends chromium)");
    String html = new HtmlReport(EvalReportTest.sixSubjects("plan")).render();
    assertThat(html).doesNotContain("<script");
    Path page = dir.resolve("report.html");
    Files.writeString(page, html.replace("</body>", PROBE + "</body>"));
    Path shots = Path.of("target", "eval-report-screenshots");
    Files.createDirectories(shots);
    List<String> problems = new ArrayList<>();
    for (int width : new int[] {1280, 480}) {
      String dom = run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
          "--window-size=" + width + ",4000", "--virtual-time-budget=3000", "--dump-dom", page.toUri().toString());
      Matcher m = Pattern.compile("PROBLEMS\\[(.*?)]</title>", Pattern.DOTALL).matcher(dom);
      assertThat(m.find()).as("the probe ran at width " + width).isTrue();
      if (!m.group(1).isBlank()) problems.add("at " + width + " px: " + m.group(1));
      Path shot = shots.resolve("report-" + width + ".png").toAbsolutePath();
      run(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=" + width
          + ",2400", "--screenshot=" + shot, dir.resolve("report.html").toUri().toString());
      assertThat(Files.size(shot)).as("screenshot at " + width).isGreaterThan(10_000);
    }
    assertThat(problems).isEmpty();
  }
}
