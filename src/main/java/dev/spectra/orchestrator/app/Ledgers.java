package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.ledger.LedgerException;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Opens the ledger the configuration names and keeps its queued rows on Ctrl-C: a shutdown hook closes it
 * (committing every queued row) unless the command closed it first.
 */
public final class Ledgers {
  private Ledgers() {}

  /**
   * How long the shutdown hook lets an interrupted command finish with the ledger (record {@code interrupted}, say
   * how to resume) before it closes the ledger under it.
   */
  private static final long OWNER_GRACE_SECONDS = 20;

  /** An open ledger and its shutdown hook; {@code closed} opens once the command has closed it. */
  public record Handle(Ledger ledger, Thread hook, CountDownLatch closed) implements AutoCloseable {
    @Override public void close() {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running or about to: it waits for this close, or closes the ledger itself.
      }
      try {
        ledger.close();
      } catch (LedgerException e) {
        throw new SetupException(SetupException.Kind.FAILED, e.getMessage());
      } finally {
        closed.countDown();
      }
    }
  }

  /**
   * {@return the ledger the configuration names, closed by a shutdown hook unless closed first}
   *
   * @param err where the shutdown hook reports rows it could not write
   * @throws SetupException for a corrupt, locked or unreachable ledger (a usage error naming it)
   */
  public static Handle open(Config config, Map<String, String> env, PrintWriter err) {
    Ledger ledger;
    try {
      ledger = open(config, env, Clock.systemUTC());
    } catch (LedgerException e) {
      throw SetupException.usage(e.getMessage());
    }
    CountDownLatch closed = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      try {
        // Ctrl-C interrupts the command, which still writes its last rows; closing now would make them fail.
        if (closed.await(OWNER_GRACE_SECONDS, TimeUnit.SECONDS)) return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      try {
        ledger.close();
      } catch (LedgerException e) {
        err.println("error: " + e.getMessage());
        err.flush();
      }
    }, "ledger-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return new Handle(ledger, hook, closed);
  }

  /**
   * Opens the ledger the configuration names: {@code ORCHESTRATOR_DB_URL} (environment or {@code .env}), else
   * {@code ledger.url} or {@code ledger.file} in orchestrator.yaml, else {@link Dirs#ledgerFile()}.
   *
   * @throws LedgerException for a corrupt, locked or unreachable ledger
   */
  public static Ledger open(Config config, Map<String, String> env, Clock clock) {
    Optional<String> url = config.setting(Ledger.DB_URL_ENV);
    if (url.isPresent()) return Ledger.open(url.get().strip(), clock);
    var section = config.ledger().value();
    if (section.url() != null && !section.url().isBlank()) return Ledger.open(section.url().strip(), clock);
    if (section.file() != null && !section.file().isBlank()) {
      return Ledger.openFile(Path.of(section.file().strip()), clock);
    }
    return Ledger.openFile(Dirs.from(env).ledgerFile(), clock);
  }

  /** {@return a journal writing {@code build --openapi} builds and their steps to {@code ledger}} */
  public static BuildJournal buildJournal(Ledger ledger) {
    return new LedgerBuildJournal(ledger, BuildRecord.Kind.BUILD);
  }
}
