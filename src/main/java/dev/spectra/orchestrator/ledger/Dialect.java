package dev.spectra.orchestrator.ledger;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The only database-specific spot: everything else is portable SQL that runs on SQLite and PostgreSQL.
 */
enum Dialect {
  SQLITE {
    @Override void onOpen(Connection c) throws SQLException {
      try (Statement s = c.createStatement()) {
        // Wait for a lock held by another orchestrator process instead of failing at once.
        s.execute("PRAGMA busy_timeout = " + BUSY_TIMEOUT_MS);
        // WAL: readers (stats, ledger) do not block the writer, and a crash never leaves a half-written page.
        s.execute("PRAGMA journal_mode = WAL");
        // NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commit.
        s.execute("PRAGMA synchronous = NORMAL");
      }
    }
  },
  POSTGRESQL {
    @Override void onOpen(Connection c) {}
  },
  OTHER {
    @Override void onOpen(Connection c) {}
  };

  static final int BUSY_TIMEOUT_MS = 5_000;

  abstract void onOpen(Connection c) throws SQLException;

  static Dialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:sqlite:")) return SQLITE;
    if (jdbcUrl.startsWith("jdbc:postgresql:")) return POSTGRESQL;
    return OTHER;
  }
}
