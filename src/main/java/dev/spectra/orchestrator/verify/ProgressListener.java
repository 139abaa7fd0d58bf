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
}
