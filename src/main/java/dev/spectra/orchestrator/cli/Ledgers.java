package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.LedgerException;
import java.time.Clock;

/**
 * Opens the ledger for a command and keeps its queued rows on Ctrl-C: a shutdown hook closes it (committing every
 * queued row) unless the command closed it first.
 */
final class Ledgers {
  private Ledgers() {}

  /** An open ledger and its shutdown hook. */
  record Handle(Ledger ledger, Thread hook) implements AutoCloseable {
    @Override public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: it closes the ledger.
      }
      try {
        ledger.close();
      } catch (LedgerException e) {
        throw new ExitException(ExitCodes.FAILED, e.getMessage());
      }
    }
  }

  /** {@return the ledger the configuration names; a corrupt, locked or unreachable one is a clear usage error} */
  static Handle open(Io io, Config config) {
    Ledger ledger;
    try {
      ledger = Ledger.open(config, io.env(), Clock.systemUTC());
    } catch (LedgerException e) {
      throw ExitException.usage(e.getMessage());
    }
    Thread hook = new Thread(() -> {
      try {
        ledger.close();
      } catch (LedgerException e) {
        io.err().println("error: " + e.getMessage());
        io.err().flush();
      }
    }, "ledger-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return new Handle(ledger, hook);
  }
}
