package dev.spectra.orchestrator.ledger;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;

/**
 * Brings a ledger database to the current schema with Flyway: the scripts under {@code migrations/}, the same on
 * SQLite and PostgreSQL, each applied once and recorded in {@code flyway_schema_history}. A database created by
 * the earlier built-in migrator (a {@code schema_version} table at version 1) is taken over at version 1.
 */
final class Migrations {
  static final String LOCATION = "classpath:dev/spectra/orchestrator/ledger/migrations";
  /** The newest script this build knows; a database past it was migrated by a newer orchestrator. */
  static final int LATEST = 4;
  /** Migrations a new database gets: V1, V2, V3, the Java backfill 3.1 and V4. */
  static final int APPLIED = 5;

  private Migrations() {}

  /** Applies what is missing and returns the version the database is at. */
  static int migrate(DataSource dataSource, String where) {
    boolean legacy;
    try (Connection c = dataSource.getConnection()) {
      legacy = hasTable(c, "schema_version") && !hasTable(c, "flyway_schema_history");
    } catch (SQLException e) {
      throw new LedgerException("cannot read the schema of ledger " + where + ": " + e.getMessage(), e);
    }
    Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
        .dataSource(dataSource)
        .locations(LOCATION)
        .javaMigrations(new DailyFiguresBackfill())
        // Only a database the built-in migrator made is adopted; any other non-empty database is refused by Flyway
        // rather than assumed to hold our tables.
        .baselineOnMigrate(legacy)
        .baselineVersion("1")
        .cleanDisabled(true)
        .load();
    try {
      flyway.migrate();
    } catch (FlywayException e) {
      throw new LedgerException("cannot migrate ledger " + where + ": " + e.getMessage()
          + " (point " + Ledger.DB_URL_ENV + " at an orchestrator ledger or an empty database)", e);
    }
    MigrationInfo current = flyway.info().current();
    int version = current == null || current.getVersion() == null ? 0
        : Integer.parseInt(current.getVersion().getVersion().split("\\.")[0]);
    if (version > LATEST) {
      throw new LedgerException("ledger " + where + " is at schema version " + version
          + ", newer than this orchestrator understands (" + LATEST + "): upgrade orchestrator, or point "
          + Ledger.DB_URL_ENV + " at another database");
    }
    return version;
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    for (String candidate : List.of(name, name.toUpperCase(Locale.ROOT))) {
      try (ResultSet rs = md.getTables(null, null, candidate, new String[] {"TABLE"})) {
        if (rs.next()) return true;
      }
    }
    return false;
  }
}
