/**
 * Every benchmark behind {@code orchestrator bench}: providers, cascade, gateway, verify and run, each against the
 * in-process simulator.
 */
package dev.spectra.orchestrator.bench;
