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
      c.setAutoCommit(false);
      try {
        for (Claim claim : claims) {
          Outcome refused = holdOne(c, claim, nanos);
          if (refused != null) {
            c.rollback();
            return refused;
          }
          try (PreparedStatement p = c.prepareStatement(
              "INSERT INTO budget_holds (id, scope, amount_nanos, expires_at) VALUES (?, ?, ?, ?)")) {
            p.setString(1, holdId);
            p.setString(2, claim.scope());
            p.setLong(3, nanos);
            p.setLong(4, expires);
            p.executeUpdate();
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot reserve budget in ledger " + db.location() + ": " + e.getMessage(), e);
    }
    return new Outcome.Held(new Hold(holdId, claims.stream().map(Claim::scope).toList(), Money.ofNanos(nanos)));
  }

  /** {@return null when held, else the refusal} */
  private Outcome holdOne(Connection c, Claim claim, long nanos) throws SQLException {
    String scope = claim.scope();
    if (scope.startsWith("key:")) {
      String keyId = scope.substring(4);
      try (PreparedStatement p = c.prepareStatement("UPDATE gateway_keys SET held_nanos = held_nanos + ? "
          + "WHERE id = ? AND (budget_nanos IS NULL OR spent_nanos + held_nanos + ? <= budget_nanos)")) {
        p.setLong(1, nanos);
        p.setString(2, keyId);
        p.setLong(3, nanos);
        if (p.executeUpdate() == 1) return null;
      }
      try (PreparedStatement p = c.prepareStatement(
          "SELECT spent_nanos + held_nanos, budget_nanos FROM gateway_keys WHERE id = ?")) {
        p.setString(1, keyId);
        try (ResultSet rs = p.executeQuery()) {
          if (!rs.next()) {
            // A key deleted under a running call: nothing to count against, and nothing to refuse for.
            return null;
          }
          return new Outcome.Refused(claim, Money.ofNanos(rs.getLong(1)), Money.ofNanos(rs.getLong(2)));
        }
      }
    }
    try (PreparedStatement p = c.prepareStatement("INSERT INTO budget_counters (scope, spent_nanos, held_nanos) "
        + "VALUES (?, 0, 0) ON CONFLICT (scope) DO NOTHING")) {
      p.setString(1, scope);
      p.executeUpdate();
    }
    if (claim.limit() == null) {
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE budget_counters SET held_nanos = held_nanos + ? WHERE scope = ?")) {
        p.setLong(1, nanos);
        p.setString(2, scope);
        p.executeUpdate();
      }
      return null;
    }
    long limit = claim.limit().nanosRoundedUp();
    try (PreparedStatement p = c.prepareStatement("UPDATE budget_counters SET held_nanos = held_nanos + ? "
        + "WHERE scope = ? AND spent_nanos + held_nanos + ? <= ?")) {
      p.setLong(1, nanos);
      p.setString(2, scope);
      p.setLong(3, nanos);
      p.setLong(4, limit);
      if (p.executeUpdate() == 1) return null;
    }
    try (PreparedStatement p = c.prepareStatement(
        "SELECT spent_nanos + held_nanos FROM budget_counters WHERE scope = ?")) {
      p.setString(1, scope);
      try (ResultSet rs = p.executeQuery()) {
        rs.next();
        return new Outcome.Refused(claim, Money.ofNanos(rs.getLong(1)), claim.limit());
      }
    }
  }

  @Override public void settle(Hold hold, Money actual) {
    long held = hold.amount().nanosRoundedUp();
    long spent = actual.nanosRoundedUp();
    try (Connection c = db.connection()) {
      c.setAutoCommit(false);
      try {
        for (String scope : hold.scopes()) apply(c, hold.id(), scope, held, spent);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot settle budget in ledger " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Removes one hold row and moves its amount from held to spent. A hold already released (it expired, and another
   * process swept it) is no longer in {@code held}: only the spend is added.
   */
  private static void apply(Connection c, String holdId, String scope, long held, long spent) throws SQLException {
    int removed;
    try (PreparedStatement p = c.prepareStatement("DELETE FROM budget_holds WHERE id = ? AND scope = ?")) {
      p.setString(1, holdId);
      p.setString(2, scope);
      removed = p.executeUpdate();
    }
    long release = removed == 1 ? held : 0;
    String sql = scope.startsWith("key:")
        ? "UPDATE gateway_keys SET held_nanos = held_nanos - ?, spent_nanos = spent_nanos + ? WHERE id = ?"
        : "UPDATE budget_counters SET held_nanos = held_nanos - ?, spent_nanos = spent_nanos + ? WHERE scope = ?";
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setLong(1, release);
      p.setLong(2, spent);
      p.setString(3, scope.startsWith("key:") ? scope.substring(4) : scope);
      p.executeUpdate();
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
        c.setAutoCommit(false);
        try {
          // Whoever deletes the row releases the amount; a settle or another sweeper racing us finds it gone.
          apply(c, h[0], h[1], Long.parseLong(h[2]), 0);
          c.commit();
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot release expired budget holds in ledger " + db.location() + ": "
          + e.getMessage(), e);
    }
  }

  private void sweepIfDue() {
    long now = clock.millis();
    long last = lastSweep.get();
    if (now - last < SWEEP_EVERY_MS || !lastSweep.compareAndSet(last, now)) return;
    sweepExpired();
  }

  @Override public Money spent(String scope) {
    String sql = scope.startsWith("key:") ? "SELECT spent_nanos FROM gateway_keys WHERE id = ?"
        : "SELECT spent_nanos FROM budget_counters WHERE scope = ?";
    try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, scope.startsWith("key:") ? scope.substring(4) : scope);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Money.ofNanos(rs.getLong(1)) : Money.ZERO;
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot read budget from ledger " + db.location() + ": " + e.getMessage(), e);
    }
  }

  @Override public void seed(String scope, Money spent) {
    try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement("INSERT INTO budget_counters "
        + "(scope, spent_nanos, held_nanos) VALUES (?, ?, 0) ON CONFLICT (scope) DO NOTHING")) {
      p.setString(1, scope);
      p.setLong(2, spent.nanosRoundedUp());
      p.executeUpdate();
    } catch (SQLException e) {
      throw new LedgerException("cannot write budget to ledger " + db.location() + ": " + e.getMessage(), e);
    }
  }
}
