package dev.spectra.orchestrator.ledger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Brings a ledger database to the current schema: a {@code schema_version} table and ordered scripts under
 * {@code migrations/}, each applied in its own transaction together with its version row, so a crash leaves
 * the database at the previous version, never between two.
 */
final class Migrations {
  /** In order. Append only: a released script is never edited. */
  static final List<String> SCRIPTS = List.of("V1__initial.sql");

  private Migrations() {}

  static int latest() { return SCRIPTS.size(); }

  /** Applies what is missing and returns the version the database is at. */
  static int migrate(Connection c, String where, long nowMillis) throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      if (!hasTable(c, "schema_version")) {
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)");
        }
        c.commit();
      }
      int current = current(c);
      if (current > latest()) {
        throw new LedgerException("ledger " + where + " is at schema version " + current
            + ", newer than this orchestrator understands (" + latest() + "): upgrade orchestrator, or point "
            + "ORCHESTRATOR_DB_URL at another database");
      }
      for (int v = current + 1; v <= latest(); v++) {
        try (Statement s = c.createStatement()) {
          for (String sql : statements(read(SCRIPTS.get(v - 1)))) s.execute(sql);
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
          p.setInt(1, v);
          p.setLong(2, nowMillis);
          p.executeUpdate();
        }
        c.commit();
      }
      return latest();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private static boolean hasTable(Connection c, String name) throws SQLException {
    DatabaseMetaData md = c.getMetaData();
    for (String candidate : List.of(name, name.toUpperCase(java.util.Locale.ROOT))) {
      try (ResultSet rs = md.getTables(null, null, candidate, new String[] {"TABLE"})) {
        if (rs.next()) return true;
      }
    }
    return false;
  }

  private static int current(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM schema_version")) {
      return rs.next() ? rs.getInt(1) : 0;
    }
  }

  private static String read(String script) {
    try (InputStream in = Migrations.class.getResourceAsStream("migrations/" + script)) {
      if (in == null) throw new IllegalStateException("migration script missing from the jar: " + script);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read migration script " + script, e);
    }
  }

  /** Splits a script on semicolons at line ends, dropping {@code --} comment lines. */
  static List<String> statements(String script) {
    List<String> out = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    for (String line : script.split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("--")) continue;
      sb.append(line).append('\n');
      if (t.endsWith(";")) {
        String sql = sb.toString().strip();
        out.add(sql.substring(0, sql.length() - 1));
        sb.setLength(0);
      }
    }
    if (!sb.toString().isBlank()) out.add(sb.toString().strip());
    return out;
  }
}
