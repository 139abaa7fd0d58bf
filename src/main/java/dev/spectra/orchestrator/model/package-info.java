/**
 * The model contracts: {@link dev.spectra.orchestrator.model.Model}, requests, replies, usage, prices and the sealed
 * {@link dev.spectra.orchestrator.model.ModelError}; providers live in the sub-packages.
 */
package dev.spectra.orchestrator.model;
