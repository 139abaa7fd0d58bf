package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
  private static final long S = 1_000_000_000L;
  final StringWriter text = new StringWriter();
  final AtomicLong now = new AtomicLong();

  @Test
  void onATerminalAStepIsOneLineUpdatedInPlaceAndStaysWhenTheNextStepStarts() {
    ProgressLine p = new ProgressLine(new PrintWriter(text), 100, false, now::get);
    p.onProgress("cache", "filling");
    for (int i = 1; i <= 50; i++) {
      now.addAndGet(S / 5);
      p.onCount("cache", "files downloaded", i, -1, i * 100_000L, "downloaded f" + i + ".jar");
    }
    p.onProgress("verify", "compiling");
    p.finish();

    String[] lines = text.toString().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).contains("\r").endsWith("\u001b[K").contains("50 files downloaded, 5.0 MB");
    assertThat(lines[0]).doesNotContain("f49.jar");
    assertThat(lines[1]).contains("verify").contains("compiling");
  }

  @Test
  void withoutATerminalCountsArePlainLinesAtMostEveryFifteenSecondsPlusTheLast() {
    ProgressLine p = new ProgressLine(new PrintWriter(text), 0, false, now::get);
    for (int i = 1; i <= 300; i++) {
      now.addAndGet(S / 5);   // 60 s in all
      p.onCount("cache", "files downloaded", i, -1, -1, "downloaded f" + i);
    }
    p.onProgress("verify", "compiling");

    String out = text.toString();
    assertThat(out).doesNotContain("\r");
    long countLines = out.lines().filter(l -> l.contains("files downloaded")).count();
    assertThat(countLines).isBetween(4L, 6L);
    assertThat(out.lines().filter(l -> l.contains("files downloaded")).reduce((a, b) -> b).orElseThrow())
        .contains("300 files downloaded");
  }

  @Test
  void verboseShowsEveryItem() {
    ProgressLine p = new ProgressLine(new PrintWriter(text), 0, true, now::get);
    p.onCount("cache", "files downloaded", 1, -1, -1, "downloaded a.pom");
    p.onCount("cache", "files downloaded", 2, -1, -1, "downloaded b.jar");
    assertThat(text.toString()).contains("downloaded a.pom").contains("downloaded b.jar");
  }

  @Test
  void theEstimateAppearsOnlyOnceItMeansSomething() {
    // One slow first sample says little about the rest.
    assertThat(ProgressLine.counts("samples", 1, 40, -1, 30 * S)).contains("1 of 40 samples").doesNotContain("left");
    // A tenth done but too early.
    assertThat(ProgressLine.counts("samples", 4, 40, -1, 5 * S)).doesNotContain("left");
    assertThat(ProgressLine.counts("samples", 10, 40, -1, 60 * S)).contains("10 of 40 samples (25%)")
        .contains("1:00 elapsed").contains("about 3:00 left");
    assertThat(ProgressLine.counts("samples", 40, 40, -1, 240 * S)).doesNotContain("left");
  }

  @Test
  void theTerminalWidthComesFromTheLauncherAndDumbTerminalsGetPlainLines() {
    Io tty = new Io(new PrintWriter(text), new PrintWriter(text), System.in,
        java.util.Map.of(ProgressLine.COLUMNS_ENV, "120"), java.nio.file.Path.of("."));
    Io dumb = new Io(new PrintWriter(text), new PrintWriter(text), System.in,
        java.util.Map.of(ProgressLine.COLUMNS_ENV, "120", "TERM", "dumb"), java.nio.file.Path.of("."));
    Io pipe = new Io(new PrintWriter(text), new PrintWriter(text), System.in, java.util.Map.of(),
        java.nio.file.Path.of("."));
    assertThat(ProgressLine.terminalColumns(tty)).isEqualTo(120);
    assertThat(ProgressLine.terminalColumns(dumb)).isZero();
    assertThat(ProgressLine.terminalColumns(pipe)).isZero();
  }
}
