/** The web dashboard at {@code /ui}: server-rendered pages over the ledger, gateway keys, builds and eval reports. */
package dev.spectra.orchestrator.dashboard;
