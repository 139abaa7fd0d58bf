package dev.spectra.orchestrator.ledger;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * The ledger database as shared state: a small connection pool for the statements that must run synchronously and
 * concurrently (key checks, budget reservations, rate windows), on a schema Flyway keeps current. SQLite by default;
 * with a PostgreSQL URL any number of processes share it.
 */
public final class Database implements AutoCloseable {
  private final String url;
  private final String where;
  private final Dialect dialect;
  private final HikariDataSource pool;

  private Database(String url, String where, Dialect dialect, HikariDataSource pool) {
    this.url = url;
    this.where = where;
    this.dialect = dialect;
    this.pool = pool;
  }

  /** Opens the database at a JDBC URL and brings its schema up to date. */
  public static Database open(String jdbcUrl) {
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    String where = Ledger.describe(jdbcUrl);
    Dialect dialect = Dialect.of(jdbcUrl);
    // A plain connection first: it fails at once with the driver's own reason (not a database, locked,
    // unreachable), where the pool would only time out.
    try (Connection probe = java.sql.DriverManager.getConnection(jdbcUrl)) {
      dialect.onOpen(probe);
    } catch (SQLException e) {
      throw Ledger.failure(where, "cannot open", e);
    }
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbcUrl);
    cfg.setPoolName("orchestrator-db");
    // Fail with our message, not after Hikari's 30 s default.
    cfg.setConnectionTimeout(10_000);
    cfg.setInitializationFailTimeout(-1);
    if (dialect == Dialect.SQLITE) {
      // One writer at a time in SQLite anyway; a few connections let readers run beside it (WAL).
      cfg.setMaximumPoolSize(4);
      cfg.addDataSourceProperty("busy_timeout", Integer.toString(Dialect.BUSY_TIMEOUT_MS));
      cfg.addDataSourceProperty("journal_mode", "WAL");
      cfg.addDataSourceProperty("synchronous", "NORMAL");
      // Take the write lock at BEGIN: a transaction that reads and then writes could otherwise fail at once with
      // SQLITE_BUSY instead of waiting for the other writer.
      cfg.addDataSourceProperty("transaction_mode", "IMMEDIATE");
    } else {
      cfg.setMaximumPoolSize(16);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(cfg);
    } catch (RuntimeException e) {
      throw new LedgerException("cannot open ledger " + where + ": " + e.getMessage(), e);
    }
    try {
      Migrations.migrate(pool, where);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new Database(jdbcUrl, where, dialect, pool);
  }

  /** {@return a pooled connection; close it to give it back} */
  public Connection connection() throws SQLException {
    return pool.getConnection();
  }

  /** {@return the pool itself, for libraries that take a data source (the job queue's scheduler)} */
  public DataSource dataSource() {
    return pool;
  }

  /** {@return where the database is, for messages: a file path or a URL without credentials} */
  public String location() { return where; }

  /** {@return true for a server database (PostgreSQL), which other processes and machines can share} */
  public boolean shared() { return dialect == Dialect.POSTGRESQL; }

  String url() { return url; }

  Dialect dialect() { return dialect; }

  @Override public void close() {
    pool.close();
  }
}
