package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.verify.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Renders progress on stderr for people. On a terminal, the current step is one line updated in place, and it
 * stays on screen when the next step starts, so a run leaves one line per step. Elsewhere (a pipe, a log file, CI)
 * each step prints plain lines and counted work prints at most one line every {@link #PLAIN_INTERVAL_NANOS}.
 * Individual items (each file downloaded) appear only with {@code --verbose}.
 *
 * <p>The terminal's width comes from {@value #COLUMNS_ENV}, which the {@code orchestrator} launcher sets only
 * when stderr is a terminal; without it the output is plain lines.
 */
final class ProgressLine implements ProgressListener {
  /** Set by the launcher to the terminal's width when stderr is a terminal. */
  static final String COLUMNS_ENV = "ORCHESTRATOR_TERMINAL_COLUMNS";
  static final long PLAIN_INTERVAL_NANOS = 15_000_000_000L;
  /** A terminal line is redrawn at most this often; counting faster than the eye reads is wasted output. */
  private static final long REDRAW_NANOS = 100_000_000L;
  private static final long SECOND = 1_000_000_000L;

  private final PrintWriter err;
  private final int columns;
  private final boolean verbose;
  private final LongSupplier nanoTime;
  private final long start;

  private String step;
  private long stepStart;
  private static final long NEVER = Long.MIN_VALUE;
  private long lastDraw = NEVER;
  private boolean lineOpen;
  private long lastDone;
  private String pendingPlain;

  /**
   * @param columns the terminal's width, or 0 when stderr is not a terminal
   * @param nanoTime the clock ({@link System#nanoTime} in production)
   */
  ProgressLine(PrintWriter err, int columns, boolean verbose, LongSupplier nanoTime) {
    this.err = err;
    this.columns = columns;
    this.verbose = verbose;
    this.nanoTime = nanoTime;
    this.start = nanoTime.getAsLong();
  }

  /** The renderer for a command: nothing with {@code --quiet} or {@code --json}, else by the terminal hint. */
  static ProgressListener forCommand(Io io, boolean quiet, boolean json, boolean verbose) {
    if (quiet || json) return ProgressListener.NONE;
    return new ProgressLine(io.err(), terminalColumns(io), verbose, System::nanoTime);
  }

  /** {@return the terminal width the launcher passed, or 0 when stderr is not a terminal} */
  static int terminalColumns(Io io) {
    String value = io.env().get(COLUMNS_ENV);
    if (value == null || "dumb".equals(io.env().get("TERM"))) return 0;
    try {
      int n = Integer.parseInt(value.strip());
      return n >= 20 ? n : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  boolean terminal() {
    return columns > 0;
  }

  @Override public synchronized void onProgress(String step, String detail) {
    if (step.equals("warning")) {
      // A warning (what the contract loader tolerated) is a line of its own that no update overwrites.
      closeLine();
      err.println("warning: " + detail);
      err.flush();
      return;
    }
    long now = nanoTime.getAsLong();
    enter(step, now);
    show(prefix(now) + detail, now, true);
  }

  @Override public synchronized void onCount(String step, String unit, long done, long total, long bytes,
      String item) {
    long now = nanoTime.getAsLong();
    enter(step, now);
    // Workers finish out of order: a count below one already shown adds nothing.
    if (done < lastDone) return;
    lastDone = done;
    if (verbose && item != null && !item.isBlank()) {
      closeLine();
      err.println(prefix(now) + item);
    }
    String text = prefix(now) + counts(unit, done, total, bytes, now - stepStart);
    boolean last = total > 0 && done >= total;
    if (terminal()) {
      if (last || lastDraw == NEVER || now - lastDraw >= REDRAW_NANOS) show(text, now, true);
    } else if (last || lastDraw == NEVER || now - lastDraw >= PLAIN_INTERVAL_NANOS) {
      show(text, now, true);
    } else {
      pendingPlain = text;
    }
  }

  /** Ends the open line, so what the command prints next starts on a fresh one. */
  synchronized void finish() {
    closeLine();
    err.flush();
  }

  /**
   * "12 of 40 samples (30%), 0:45 elapsed, about 1:10 left". The estimate appears once a tenth of the work and at
   * least three units are done and ten seconds have passed: earlier, one slow first item makes it wild.
   */
  static String counts(String unit, long done, long total, long bytes, long elapsedNanos) {
    StringBuilder sb = new StringBuilder();
    if (total > 0) {
      sb.append(done).append(" of ").append(total).append(' ').append(unit)
          .append(String.format(Locale.ROOT, " (%d%%)", Math.min(100, done * 100 / total)));
    } else {
      sb.append(done).append(' ').append(unit);
    }
    if (bytes >= 0) sb.append(", ").append(megabytes(bytes));
    sb.append(", ").append(clock(elapsedNanos)).append(" elapsed");
    if (total > 0 && done < total && done >= 3 && done * 10 >= total && elapsedNanos >= 10 * SECOND) {
      long left = elapsedNanos / done * (total - done);
      sb.append(", about ").append(clock(left)).append(" left");
    }
    return sb.toString();
  }

  static String megabytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MB", bytes / 1_000_000.0);
  }

  static String clock(long nanos) {
    long s = Math.max(0, nanos / SECOND);
    return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }

  private void enter(String newStep, long now) {
    if (newStep.equals(step)) return;
    // The step that ends keeps its last line: on a terminal the line stays, elsewhere its latest count is printed.
    if (pendingPlain != null) err.println(pendingPlain);
    pendingPlain = null;
    closeLine();
    step = newStep;
    stepStart = now;
    lastDone = 0;
    lastDraw = NEVER;
  }

  private String prefix(long now) {
    return String.format(Locale.ROOT, "[%6.1fs] %-8s ", (now - start) / 1e9, step);
  }

  private void show(String text, long now, boolean flush) {
    lastDraw = now;
    pendingPlain = null;
    if (terminal()) {
      String fitted = text.length() < columns ? text : text.substring(0, columns - 2) + "~";
      // \r returns to the line's start, ESC[K clears what a longer previous text left behind.
      err.print("\r" + fitted + "\u001b[K");
      lineOpen = true;
    } else {
      err.println(text);
    }
    if (flush) err.flush();
  }

  private void closeLine() {
    if (lineOpen) {
      err.println();
      lineOpen = false;
    }
  }
}
