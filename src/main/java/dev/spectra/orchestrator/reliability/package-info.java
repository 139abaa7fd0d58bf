/**
 * The cascade every model call goes through: budget guard, fallback across routes, circuit breakers, retry ({@link
 * dev.spectra.orchestrator.reliability.Retry}) and the routing policies, configured by settings records.
 */
package dev.spectra.orchestrator.reliability;
