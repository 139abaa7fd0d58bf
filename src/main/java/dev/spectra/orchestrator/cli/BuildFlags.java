package dev.spectra.orchestrator.cli;

import picocli.CommandLine.Option;

/** The flags {@code run} and {@code resume} share: how a build's output is written and shown. */
final class BuildFlags {
  @Option(names = "--force", description = "Replace a non-empty output directory.")
  boolean force;

  @Option(names = "--unsafe-no-sandbox", description = "Run generated code without a sandbox when none exists.")
  boolean unsafeNoSandbox;

  @Option(names = "--json", description = "Print the outcome and the report as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  /** {@return whether live progress is off: with --quiet, and with --json so stdout stays parseable} */
  boolean silent() {
    return quiet || json;
  }
}
