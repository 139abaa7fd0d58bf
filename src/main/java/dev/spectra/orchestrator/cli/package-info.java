/**
 * The command line: one picocli command per class that parses, calls the jobs through {@code app} and prints; exit
 * codes are decided in {@link dev.spectra.orchestrator.cli.ExitCodes}.
 */
package dev.spectra.orchestrator.cli;
