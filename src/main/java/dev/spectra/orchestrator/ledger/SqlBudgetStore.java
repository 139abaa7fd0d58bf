package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.reliability.BudgetStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Budgets counted in the ledger database, shared by every process on it. A reservation is one transaction of
 * conditional updates, {@code held = held + x WHERE spent + held + x <= limit}, one per limit: the row lock (or
 * SQLite's single writer) makes check and hold one step, so no interleaving of processes can pass a limit. Each
 * hold is also a row with an expiry, so a process killed mid-call does not keep its hold forever.
 *
 * <p>Money is counted in nano-dollars, rounded up.
 */
public final class SqlBudgetStore implements BudgetStore {
  /** How often a process looks for holds that dead processes left behind. */
  private static final long SWEEP_EVERY_MS = 30_000;

  private final Database db;
  private final Clock clock;
  private final AtomicLong lastSweep = new AtomicLong();

  public SqlBudgetStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override public Outcome reserve(List<Claim> claims, Money amount, Duration ttl) {
    sweepIfDue();
    long nanos = amount.nanosRoundedUp();
    String holdId = UUID.randomUUID().toString();
    long expires = clock.millis() + ttl.toMillis();
    try (Connection c = db.connection()) {
      Outcome refused = inTransaction(c, tx -> {
        for (Claim claim : claims) {
          Outcome refusal = holdOne(tx, claim, nanos);
          if (refusal != null) {
            // Held against none: undo the claims already held; the commit that follows then holds nothing.
            tx.rollback();
            return refusal;
          }
          update(tx, "INSERT INTO budget_holds (id, scope, amount_nanos, expires_at) VALUES (?, ?, ?, ?)",
              holdId, claim.scope(), nanos, expires);
        }
        return null;
      });
      if (refused != null) return refused;
    } catch (SQLException e) {
      throw new LedgerException("cannot reserve budget in ledger " + db.location() + ": " + e.getMessage(), e);
    }
    return new Outcome.Held(new Hold(holdId, claims.stream().map(Claim::scope).toList(), Money.ofNanos(nanos)));
  }

  /** {@return null when held, else the refusal} */
  private static Outcome holdOne(Connection c, Claim claim, long nanos) throws SQLException {
    String scope = claim.scope();
    if (scope.startsWith("key:")) {
      String keyId = scope.substring(4);
      if (update(c, "UPDATE gateway_keys SET held_nanos = held_nanos + ? "
          + "WHERE id = ? AND (budget_nanos IS NULL OR spent_nanos + held_nanos + ? <= budget_nanos)",
          nanos, keyId, nanos) == 1) {
        return null;
      }
      long[] key = row(c, "SELECT spent_nanos + held_nanos, budget_nanos FROM gateway_keys WHERE id = ?", keyId);
      // A key deleted under a running call: nothing to count against, and nothing to refuse for.
      if (key == null) return null;
      return new Outcome.Refused(claim, Money.ofNanos(key[0]), Money.ofNanos(key[1]));
    }
    update(c, "INSERT INTO budget_counters (scope, spent_nanos, held_nanos) VALUES (?, 0, 0) "
        + "ON CONFLICT (scope) DO NOTHING", scope);
    if (claim.limit() == null) {
      update(c, "UPDATE budget_counters SET held_nanos = held_nanos + ? WHERE scope = ?", nanos, scope);
      return null;
    }
    if (update(c, "UPDATE budget_counters SET held_nanos = held_nanos + ? "
        + "WHERE scope = ? AND spent_nanos + held_nanos + ? <= ?", nanos, scope, nanos,
        claim.limit().nanosRoundedUp()) == 1) {
      return null;
    }
    long[] committed = row(c, "SELECT spent_nanos + held_nanos FROM budget_counters WHERE scope = ?", scope);
    return new Outcome.Refused(claim, Money.ofNanos(committed[0]), claim.limit());
  }

  @Override public void settle(Hold hold, Money actual) {
    long held = hold.amount().nanosRoundedUp();
    long spent = actual.nanosRoundedUp();
    try (Connection c = db.connection()) {
      inTransaction(c, tx -> {
        for (String scope : hold.scopes()) apply(tx, hold.id(), scope, held, spent);
        return null;
      });
    } catch (SQLException e) {
      throw new LedgerException("cannot settle budget in ledger " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes one hold row and moves its amount from held to spent. A hold already released (it expired, and another
   * process swept it) is no longer in {@code held}: only the spend is added.
   */
  private static void apply(Connection c, String holdId, String scope, long held, long spent) throws SQLException {
    int removed = update(c, "DELETE FROM budget_holds WHERE id = ? AND scope = ?", holdId, scope);
    long release = removed == 1 ? held : 0;
    if (scope.startsWith("key:")) {
      update(c, "UPDATE gateway_keys SET held_nanos = held_nanos - ?, spent_nanos = spent_nanos + ? WHERE id = ?",
          release, spent, scope.substring(4));
    } else {
      update(c, "UPDATE budget_counters SET held_nanos = held_nanos - ?, spent_nanos = spent_nanos + ? "
          + "WHERE scope = ?", release, spent, scope);
    }
  }

  /** Releases holds whose process died before settling them. */
  void sweepExpired() {
    List<String[]> expired = new ArrayList<>();
    try (Connection c = db.connection()) {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT id, scope, amount_nanos FROM budget_holds WHERE expires_at < ?")) {
        p.setLong(1, clock.millis());
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) expired.add(new String[] {rs.getString(1), rs.getString(2), Long.toString(rs.getLong(3))});
        }
      }
      for (String[] h : expired) {
        // Whoever deletes the row releases the amount; a settle or another sweeper racing us finds it gone.
        inTransaction(c, tx -> {
          apply(tx, h[0], h[1], Long.parseLong(h[2]), 0);
          return null;
        });
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot release expired budget holds in ledger " + db.location() + ": "
          + e.getMessage(), e);
    }
  }

  /** Work on one connection inside a transaction. */
  @FunctionalInterface
  private interface Transaction<T> {
    T run(Connection c) throws SQLException;
  }

  /** {@return what {@code work} returned, committed; rolled back when it throws} */
  private static <T> T inTransaction(Connection c, Transaction<T> work) throws SQLException {
    c.setAutoCommit(false);
    try {
      T result = work.run(c);
      c.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** {@return the rows {@code sql} changed}, its {@code ?}s bound to {@code params} (strings and longs) */
  private static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, params)) {
      return p.executeUpdate();
    }
  }

  /** {@return the first row of {@code sql} as numbers, or null when there is none} */
  private static long[] row(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, params); ResultSet rs = p.executeQuery()) {
      if (!rs.next()) return null;
      long[] values = new long[rs.getMetaData().getColumnCount()];
      for (int i = 0; i < values.length; i++) values[i] = rs.getLong(i + 1);
      return values;
    }
  }

  private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
    PreparedStatement p = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.length; i++) {
        switch (params[i]) {
          case String text -> p.setString(i + 1, text);
          case Long number -> p.setLong(i + 1, number);
          default -> throw new IllegalArgumentException("parameter " + (i + 1) + " of " + sql + ": " + params[i]);
        }
      }
      return p;
    } catch (SQLException | RuntimeException e) {
      p.close();
      throw e;
    }
  }

  private void sweepIfDue() {
    long now = clock.millis();
    long last = lastSweep.get();
    if (now - last < SWEEP_EVERY_MS || !lastSweep.compareAndSet(last, now)) return;
    sweepExpired();
  }

  @Override public Money spent(String scope) {
    boolean key = scope.startsWith("key:");
    try (Connection c = db.connection()) {
      long[] spent = row(c, key ? "SELECT spent_nanos FROM gateway_keys WHERE id = ?"
          : "SELECT spent_nanos FROM budget_counters WHERE scope = ?", key ? scope.substring(4) : scope);
      return spent == null ? Money.ZERO : Money.ofNanos(spent[0]);
    } catch (SQLException e) {
      throw new LedgerException("cannot read budget from ledger " + db.location() + ": " + e.getMessage(), e);
    }
  }

  @Override public void seed(String scope, Money spent) {
    try (Connection c = db.connection()) {
      update(c, "INSERT INTO budget_counters (scope, spent_nanos, held_nanos) VALUES (?, ?, 0) "
          + "ON CONFLICT (scope) DO NOTHING", scope, spent.nanosRoundedUp());
    } catch (SQLException e) {
      throw new LedgerException("cannot write budget to ledger " + db.location() + ": " + e.getMessage(), e);
    }
  }
}
