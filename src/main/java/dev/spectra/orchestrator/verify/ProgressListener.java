package dev.spectra.orchestrator.verify;

/** Receives progress of a long step, for the user's stderr. Called on the working thread; keep it quick. */
@FunctionalInterface
public interface ProgressListener {
  /** Ignores progress (for {@code --quiet} and {@code --json}). */
  ProgressListener NONE = (step, detail) -> {};

  /**
   * @param step a short stable name: {@code "cache"}, {@code "compile"}, {@code "test"}, ...
   * @param detail a human-readable line, for example {@code "downloading junit-jupiter 5.14.4 (12/31)"}
   */
  void onProgress(String step, String detail);

  /**
   * Counted work inside a step, called often (once per file or sample). A renderer shows it on one updating line
   * and prints each {@code item} only when asked to be verbose; a listener that ignores counts sees the step's
   * {@link #onProgress} lines only.
   *
   * @param step the step this count belongs to, as in {@link #onProgress}
   * @param unit what is counted, plural, with any running tallies: {@code "files"}, {@code "samples, 9 ok"}
   * @param done units finished so far
   * @param total units expected, or {@code -1} when not known yet
   * @param bytes bytes moved so far, or {@code -1} when sizes do not apply
   * @param item the unit just finished, for verbose output: {@code "downloaded doxia-2.0.0.pom"}
   */
  default void onCount(String step, String unit, long done, long total, long bytes, String item) {}
}
