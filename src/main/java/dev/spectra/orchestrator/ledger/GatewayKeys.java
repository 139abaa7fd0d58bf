package dev.spectra.orchestrator.ledger;

import dev.spectra.orchestrator.model.Money;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The gateway's own API keys, in the ledger database: every gateway replica on the database reads the key row on
 * each request, so a revocation is effective everywhere on the next request, and a key's spend is counted by the
 * same reservations as every other budget ({@link SqlBudgetStore}). A key is shown once, when created; the database
 * holds a per-key random salt and {@code SHA-256(salt || secret)}, compared in constant time.
 *
 * <p>A key looks like {@code sko_<id>_<secret>}: the id finds the row by primary key, the secret is 32 random bytes.
 */
public final class GatewayKeys {
  private static final String PREFIX = "sko_";
  private static final String COLUMNS = "id, name, created_at, budget_nanos, spent_nanos, held_nanos, rate_limit_rpm, "
      + "revoked_at, admin_key";

  /**
   * What the database says about one key; never the secret or its hash.
   *
   * @param admin the key may manage keys in the dashboard (every key may use the gateway and read the dashboard)
   */
  public record KeyInfo(String id, String name, Instant created, Money budget, Money spent, Money held,
      Integer rateLimitRpm, Instant revoked, boolean admin) {
    public boolean active() { return revoked == null; }

    /** {@return true when the key has a budget and its settled spend has reached it} */
    public boolean exhausted() { return budget != null && !budget.exceeds(spent); }
  }

  /** A new key: {@link #secret} is shown to the user once and never stored. */
  public record Created(KeyInfo info, String secret) {
    @Override public String toString() {
      return "Created[info=" + info + ", secret=[redacted]]";
    }
  }

  private final Database db;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public GatewayKeys(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** {@return where the keys are, for messages} */
  public String location() { return db.location(); }

  public Created create(String name, Money budget, Integer rateLimitRpm) {
    return create(name, budget, rateLimitRpm, false);
  }

  /** Creates a key; an {@code admin} key may also create and revoke keys in the dashboard. */
  public Created create(String name, Money budget, Integer rateLimitRpm, boolean admin) {
    if (budget != null && budget.usd().signum() < 0) throw new IllegalArgumentException("budget must be >= 0");
    if (rateLimitRpm != null && rateLimitRpm <= 0) throw new IllegalArgumentException("rate limit must be > 0");
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    byte[] idBytes = new byte[5];
    random.nextBytes(idBytes);
    String id = HexFormat.of().formatHex(idBytes);
    Instant created = Instant.ofEpochSecond(clock.instant().getEpochSecond());
    String label = name == null || name.isBlank() ? "key-" + id : name;
    try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement("INSERT INTO gateway_keys (id, name, "
        + "created_at, salt, sha256, budget_nanos, spent_nanos, held_nanos, rate_limit_rpm, revoked_at, admin_key) "
        + "VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, NULL, ?)")) {
      p.setString(1, id);
      p.setString(2, label);
      p.setLong(3, created.toEpochMilli());
      p.setString(4, Base64.getEncoder().encodeToString(salt));
      p.setString(5, HexFormat.of().formatHex(hash(salt, secret)));
      if (budget == null) p.setNull(6, Types.BIGINT); else p.setLong(6, budget.nanosRoundedUp());
      if (rateLimitRpm == null) p.setNull(7, Types.INTEGER); else p.setInt(7, rateLimitRpm);
      p.setInt(8, admin ? 1 : 0);
      p.executeUpdate();
    } catch (SQLException e) {
      throw new LedgerException("cannot create a gateway key in " + db.location() + ": " + e.getMessage(), e);
    }
    return new Created(new KeyInfo(id, label, created, budget, Money.ZERO, Money.ZERO, rateLimitRpm, null,
        admin),
        PREFIX + id + "_" + secret);
  }

  public List<KeyInfo> list() {
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM gateway_keys ORDER BY created_at, id");
        ResultSet rs = p.executeQuery()) {
      List<KeyInfo> out = new ArrayList<>();
      while (rs.next()) out.add(info(rs));
      return out;
    } catch (SQLException e) {
      throw new LedgerException("cannot read gateway keys from " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /** {@return false when no key has that id} Revoked keys stay listed, for the record. */
  public boolean revoke(String id) {
    try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(
        "UPDATE gateway_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?")) {
      p.setLong(1, clock.millis());
      p.setString(2, id);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new LedgerException("cannot revoke gateway key in " + db.location() + ": " + e.getMessage(), e);
    }
  }

  public boolean hasActiveKeys() {
    try (Connection c = db.connection();
        PreparedStatement p = c.prepareStatement("SELECT 1 FROM gateway_keys WHERE revoked_at IS NULL");
        ResultSet rs = p.executeQuery()) {
      return rs.next();
    } catch (SQLException e) {
      throw new LedgerException("cannot read gateway keys from " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /** {@return the key with this id, active or revoked} */
  public Optional<KeyInfo> byId(String id) {
    try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM gateway_keys WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? Optional.of(info(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot read gateway keys from " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Sets a key's budget and rate limit (null: none), effective on its next request everywhere.
   *
   * @return false when no key has that id
   */
  public boolean updateLimits(String id, Money budget, Integer rateLimitRpm) {
    if (budget != null && budget.usd().signum() < 0) throw new IllegalArgumentException("budget must be >= 0");
    if (rateLimitRpm != null && rateLimitRpm <= 0) throw new IllegalArgumentException("rate limit must be > 0");
    try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(
        "UPDATE gateway_keys SET budget_nanos = ?, rate_limit_rpm = ? WHERE id = ?")) {
      if (budget == null) p.setNull(1, Types.BIGINT); else p.setLong(1, budget.nanosRoundedUp());
      if (rateLimitRpm == null) p.setNull(2, Types.INTEGER); else p.setInt(2, rateLimitRpm);
      p.setString(3, id);
      return p.executeUpdate() == 1;
    } catch (SQLException e) {
      throw new LedgerException("cannot update gateway key in " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /**
   * {@return the active key matching {@code presented}, or empty} One primary-key read per call, so a key revoked
   * by any process is refused from the next request on. Never says which part was wrong.
   */
  public Optional<KeyInfo> authenticate(String presented) {
    if (presented == null || !presented.startsWith(PREFIX)) return Optional.empty();
    int sep = presented.indexOf('_', PREFIX.length());
    if (sep < 0 || sep - PREFIX.length() > 32) return Optional.empty();
    String id = presented.substring(PREFIX.length(), sep);
    String secret = presented.substring(sep + 1);
    try (Connection c = db.connection(); PreparedStatement p = c.prepareStatement(
        "SELECT " + COLUMNS + ", salt, sha256 FROM gateway_keys WHERE id = ?")) {
      p.setString(1, id);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        KeyInfo info = info(rs);
        byte[] salt = Base64.getDecoder().decode(rs.getString(10));
        byte[] expected = HexFormat.of().parseHex(rs.getString(11));
        if (!MessageDigest.isEqual(expected, hash(salt, secret)) || !info.active()) return Optional.empty();
        return Optional.of(info);
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot read gateway keys from " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Counts one request of {@code keyId} in the current minute, for every replica on the database at once.
   *
   * @return empty when the request may proceed, else how long until the next minute starts
   */
  public Optional<Duration> admitRequest(String keyId, int perMinute) {
    long now = clock.millis();
    long window = now - Math.floorMod(now, 60_000L);
    try (Connection c = db.connection()) {
      int count;
      // ON CONFLICT ... DO UPDATE ... RETURNING: one atomic statement on SQLite (3.35+) and PostgreSQL alike.
      try (PreparedStatement p = c.prepareStatement("INSERT INTO rate_windows (key_id, window_start, requests) "
          + "VALUES (?, ?, 1) ON CONFLICT (key_id, window_start) DO UPDATE SET requests = rate_windows.requests + 1 "
          + "RETURNING requests")) {
        p.setString(1, keyId);
        p.setLong(2, window);
        try (ResultSet rs = p.executeQuery()) {
          rs.next();
          count = rs.getInt(1);
        }
      }
      if (count == 1) {
        // First request of a new minute: windows older than the previous one are no longer needed.
        try (PreparedStatement p = c.prepareStatement(
            "DELETE FROM rate_windows WHERE key_id = ? AND window_start < ?")) {
          p.setString(1, keyId);
          p.setLong(2, window - 60_000L);
          p.executeUpdate();
        }
      }
      return count <= perMinute ? Optional.empty() : Optional.of(Duration.ofMillis(window + 60_000L - now));
    } catch (SQLException e) {
      throw new LedgerException("cannot count requests in " + db.location() + ": " + e.getMessage(), e);
    }
  }

  /** What {@link #importFile} did. */
  public record ImportResult(int imported, int skipped) {}

  /**
   * Copies keys from the JSON file earlier versions kept ({@code gateway-keys.json}): the same salts and hashes, so
   * the keys clients hold keep working. Keys whose id is already in the database are left unchanged.
   *
   * @throws IllegalArgumentException when the file is not such a keys file
   */
  public ImportResult importFile(java.nio.file.Path file) {
    com.fasterxml.jackson.databind.JsonNode root;
    try {
      root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(java.nio.file.Files.readAllBytes(file));
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not readable as JSON: " + e.getMessage(), e);
    }
    if (root == null || !root.path("keys").isArray()) throw new IllegalArgumentException("no 'keys' array");
    int imported = 0;
    int skipped = 0;
    try (Connection c = db.connection()) {
      for (var k : root.path("keys")) {
        String id = k.path("id").asText("");
        if (!id.matches("[0-9a-f]{1,32}") || !k.path("salt").isTextual() || !k.path("sha256").isTextual()) {
          throw new IllegalArgumentException("entry '" + id + "' lacks id, salt or sha256");
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO gateway_keys (id, name, created_at, salt, sha256, "
            + "budget_nanos, spent_nanos, held_nanos, rate_limit_rpm, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?) "
            + "ON CONFLICT (id) DO NOTHING")) {
          p.setString(1, id);
          p.setString(2, k.path("name").asText(id));
          p.setLong(3, Instant.parse(k.path("created").asText()).toEpochMilli());
          p.setString(4, k.path("salt").asText());
          p.setString(5, k.path("sha256").asText());
          if (k.hasNonNull("budget_usd")) p.setLong(6, Money.usd(k.get("budget_usd").asText()).nanosRoundedUp());
          else p.setNull(6, Types.BIGINT);
          p.setLong(7, k.hasNonNull("spent_usd") ? Money.usd(k.get("spent_usd").asText()).nanosRoundedUp() : 0);
          if (k.hasNonNull("rate_limit_rpm")) p.setInt(8, k.get("rate_limit_rpm").asInt());
          else p.setNull(8, Types.INTEGER);
          if (k.hasNonNull("revoked")) p.setLong(9, Instant.parse(k.get("revoked").asText()).toEpochMilli());
          else p.setNull(9, Types.BIGINT);
          if (p.executeUpdate() == 1) imported++; else skipped++;
        }
      }
    } catch (SQLException e) {
      throw new LedgerException("cannot import gateway keys into " + db.location() + ": " + e.getMessage(), e);
    } catch (java.time.format.DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException("bad value: " + e.getMessage(), e);
    }
    return new ImportResult(imported, skipped);
  }

  private static KeyInfo info(ResultSet rs) throws SQLException {
    long budget = rs.getLong(4);
    Money budgetMoney = rs.wasNull() ? null : Money.ofNanos(budget);
    int rpm = rs.getInt(7);
    Integer rate = rs.wasNull() ? null : rpm;
    long revoked = rs.getLong(8);
    Instant revokedAt = rs.wasNull() ? null : Instant.ofEpochMilli(revoked);
    return new KeyInfo(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)), budgetMoney,
        Money.ofNanos(rs.getLong(5)), Money.ofNanos(rs.getLong(6)), rate, revokedAt, rs.getInt(9) != 0);
  }

  private static byte[] hash(byte[] salt, String secret) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(salt);
      return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
