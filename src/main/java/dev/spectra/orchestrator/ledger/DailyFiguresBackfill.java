package dev.spectra.orchestrator.ledger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 3.1: fills the per-day tables from the calls a ledger already holds, with the same code every insert
 * uses (in Java, because turning epoch milliseconds into a day and decimal text into pico-dollars has no SQL that
 * SQLite and PostgreSQL share).
 */
final class DailyFiguresBackfill implements JavaMigration {
  @Override public MigrationVersion getVersion() { return MigrationVersion.fromVersion("3.1"); }

  @Override public String getDescription() { return "daily figures from existing calls"; }

  @Override public Integer getChecksum() { return 31; }

  @Override public boolean canExecuteInTransaction() { return true; }

  @Override public void migrate(Context context) throws Exception {
    Connection c = context.getConnection();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT " + Ledger.CALL_COLUMNS
        + " FROM calls");
        PreparedStatement figures = c.prepareStatement(DailyFigures.UPSERT_FIGURES);
        PreparedStatement builds = c.prepareStatement(DailyFigures.UPSERT_BUILD)) {
      while (rs.next()) DailyFigures.add(Ledger.call(rs), figures, builds);
    }
  }
}
