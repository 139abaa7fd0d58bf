/**
 * The ledger: every model call, build and step in SQLite or PostgreSQL, and the queries behind {@code stats}, {@code
 * ledger} and {@code builds}.
 */
package dev.spectra.orchestrator.ledger;
