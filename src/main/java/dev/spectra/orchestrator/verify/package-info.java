/**
 * Verification of generated projects: the {@link dev.spectra.orchestrator.verify.Verifier} contract, the bubblewrap
 * sandbox, its limits ({@link dev.spectra.orchestrator.verify.Limits}) and the offline dependency cache.
 */
package dev.spectra.orchestrator.verify;
