/**
 * What every provider shares: the HTTP transport and exchange, the shared chat model over HTTP, token estimates, and
 * the mapping of HTTP failures to model errors.
 */
package dev.spectra.orchestrator.model.provider;
