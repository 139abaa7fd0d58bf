/**
 * The in-sandbox check runner: starts the generated service on a loopback port inside the sandbox and runs
 * {@code orchestrator check} against it there, so model-written code never runs on the host.
 */
package dev.spectra.orchestrator.verify.checkrunner;
