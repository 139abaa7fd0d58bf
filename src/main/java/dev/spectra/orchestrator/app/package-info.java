/**
 * The only composition root: builds every object graph from the configuration (cascade, ledger and its listeners, run
 * pipelines, the sandboxed verifier) and resolves the XDG directories once, in {@link
 * dev.spectra.orchestrator.app.Dirs}.
 */
package dev.spectra.orchestrator.app;
