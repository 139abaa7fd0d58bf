/**
 * Behavioural checking of a running HTTP service against its OpenAPI contract: scenarios, seeded contract fuzzing,
 * stateful checks and security probes, reported as findings a person or a fix step can act on.
 */
package dev.spectra.orchestrator.check;
