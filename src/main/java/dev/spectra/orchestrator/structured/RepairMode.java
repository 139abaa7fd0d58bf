package dev.spectra.orchestrator.structured;

/** How far {@link JsonRepair} may go to get a value. */
public enum RepairMode {
  /**
   * Only edits forced by the grammar (one reading); anything with two readings is refused. What the pipeline uses:
   * a refused reply is re-asked, which is better than a confidently wrong value.
   */
  DEFAULT,
  /**
   * The best reading of everything (cut-off values completed, placeholders dropped, unquoted text quoted, ...), with
   * every edit that is not forced listed as a {@link Guess}. For a caller who only has the text.
   */
  LENIENT
}
