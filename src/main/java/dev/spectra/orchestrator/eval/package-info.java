/**
 * The scorecard: evaluation suites, samples, Wilson intervals, the SPECTRA formula ({@link
 * dev.spectra.orchestrator.eval.Scorecard}) and the HTML and JSON reports.
 */
package dev.spectra.orchestrator.eval;
