package dev.spectra.orchestrator.run;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Live progress of a build: step, model, tokens as they stream, elapsed time. */
interface Progress {
  void stepStarted(String step, String model);

  void token(String delta);

  void stepFinished(String step, String summary);

  void note(String message);

  Progress NONE = new Progress() {
    public void stepStarted(String step, String model) {}

    public void token(String delta) {}

    public void stepFinished(String step, String summary) {}

    public void note(String message) {}
  };

  /**
   * Progress on stderr. Streamed tokens update one line at most every {@code refresh}; tokens are estimated at
   * four characters each while streaming (the ledger counts the real figure once the call ends).
   */
  static Progress stderr(PrintWriter err, Clock clock, boolean interactive) {
    return new Progress() {
      private final Instant buildStart = clock.instant();
      private Instant stepStart = buildStart;
      private Instant lastPrint = Instant.EPOCH;
      private String step = "";
      private String model = "";
      private long chars;
      private final Duration refresh = Duration.ofSeconds(interactive ? 0 : 10).plusMillis(interactive ? 250 : 0);

      public void stepStarted(String s, String m) {
        step = s;
        model = m == null ? "" : m;
        chars = 0;
        stepStart = clock.instant();
        err.println(prefix() + (model.isEmpty() ? "" : " " + model));
        err.flush();
      }

      public void token(String delta) {
        chars += delta.length();
        Instant now = clock.instant();
        if (Duration.between(lastPrint, now).compareTo(refresh) < 0) return;
        lastPrint = now;
        String line = prefix() + " " + model + " ~" + (chars / 4) + " tokens, " + seconds(stepStart, now) + " s";
        if (interactive) err.print("\r" + line + "   "); else err.println(line);
        err.flush();
      }

      public void stepFinished(String s, String summary) {
        if (interactive && chars > 0) err.println();
        err.println("[" + s + "] " + summary + " (" + seconds(stepStart, clock.instant()) + " s, total "
            + seconds(buildStart, clock.instant()) + " s)");
        err.flush();
      }

      public void note(String message) {
        err.println("  " + message);
        err.flush();
      }

      private String prefix() {
        return "[" + step + "]";
      }

      private String seconds(Instant from, Instant to) {
        return String.format(java.util.Locale.ROOT, "%.1f", Duration.between(from, to).toMillis() / 1000.0);
      }
    };
  }
}
