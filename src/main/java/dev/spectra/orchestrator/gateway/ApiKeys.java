package dev.spectra.orchestrator.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.model.Money;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gateway's own API keys, kept in one JSON file readable only by its owner (0600). A key is shown once, when
 * created; the file holds a per-key random salt and {@code SHA-256(salt || secret)}, compared in constant time.
 *
 * <p>A key looks like {@code sko_<id>_<secret>}: the id finds the row without scanning, the secret is 32 random
 * bytes. Every change re-reads the file under a lock and replaces it atomically, so {@code orchestrator keys create}
 * run while a server is up is neither lost nor half-written, and the server picks it up on the next request.
 */
public final class ApiKeys {
  private static final String PREFIX = "sko_";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

  /** What the file says about one key; never the secret or its hash. */
  public record KeyInfo(String id, String name, Instant created, Money budget, Money spent, Integer rateLimitRpm,
      Instant revoked) {
    public boolean active() { return revoked == null; }
  }

  /** A new key: {@link #secret} is shown to the user once and never stored. */
  public record Created(KeyInfo info, String secret) {
    @Override public String toString() {
      return "Created[info=" + info + ", secret=[redacted]]";
    }
  }

  private record Row(KeyInfo info, byte[] salt, byte[] hash) {}

  /**
   * What the file looked like when its rows were read. The modification time alone can miss a rewrite within
   * the file system's timestamp granularity; the atomic replace gives every write a new inode, and size catches the
   * rest.
   */
  private record Stamp(FileTime modified, long size, Object fileKey) {
    static Stamp of(BasicFileAttributes a) {
      return new Stamp(a.lastModifiedTime(), a.size(), a.fileKey());
    }
  }

  private record Snapshot(Stamp stamp, Map<String, Row> rows) {
    static final Snapshot EMPTY = new Snapshot(null, Map.of());
  }

  private final Path file;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final ObjectMapper json = new ObjectMapper();
  /**
   * One lock object per keys file for the whole process. A {@link FileLock} is held by the JVM, not by a thread or
   * an {@code ApiKeys} instance, so two instances on the same file in one process would otherwise both call
   * {@code lock()} and the second would get {@code OverlappingFileLockException}. Holding this monitor around every
   * file lock of the file makes that impossible; the file lock still guards against other processes.
   */
  private static final ConcurrentHashMap<Path, Object> WRITERS = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  private final Object writeLock;
  /** Held by the one thread writing pending spend; others leave their spend to it (see {@link #flush}). */
  private final ReentrantLock flushing = new ReentrantLock();
  /**
   * Rows as last read, with what identified the file then (size, modification time, inode), so a request costs one
   * stat when nothing changed and never takes the file lock.
   */
  private volatile Snapshot snapshot = Snapshot.EMPTY;
  /** Spend recorded by this process and not yet written; added to the file's figure under the lock. */
  private final Map<String, BigDecimal> pendingSpend = new HashMap<>();

  private ApiKeys(Path file, Clock clock) {
    this.file = file.toAbsolutePath().normalize();
    this.clock = clock;
    this.writeLock = WRITERS.computeIfAbsent(this.file, f -> new Object());
  }

  public static ApiKeys open(Path file) {
    return open(file, Clock.systemUTC());
  }

  static ApiKeys open(Path file, Clock clock) {
    ApiKeys keys = new ApiKeys(file, clock);
    keys.reloadIfChanged();
    return keys;
  }

  /**
   * {@return where keys live: {@code ORCHESTRATOR_GATEWAY_KEYS}, else {@code $XDG_CONFIG_HOME/orchestrator/}, else
   * {@code ~/.config/orchestrator/}, file {@code gateway-keys.json}}
   */
  public static Path defaultFile(Map<String, String> env) {
    String explicit = env.get("ORCHESTRATOR_GATEWAY_KEYS");
    if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
    String xdg = env.get("XDG_CONFIG_HOME");
    Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".config");
    return base.resolve("orchestrator").resolve("gateway-keys.json");
  }

  public Path file() { return file; }

  public Created create(String name, Money budget, Integer rateLimitRpm) {
    if (budget != null && budget.usd().signum() < 0) throw new IllegalArgumentException("budget must be >= 0");
    if (rateLimitRpm != null && rateLimitRpm <= 0) throw new IllegalArgumentException("rate limit must be > 0");
    byte[] secretBytes = new byte[32];
    random.nextBytes(secretBytes);
    String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(secretBytes);
    byte[] salt = new byte[16];
    random.nextBytes(salt);
    return update(current -> {
      String id;
      do {
        byte[] idBytes = new byte[5];
        random.nextBytes(idBytes);
        id = HexFormat.of().formatHex(idBytes);
      } while (current.containsKey(id));
      KeyInfo info = new KeyInfo(id, name == null || name.isBlank() ? "key-" + id : name, clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
          budget, Money.ZERO, rateLimitRpm, null);
      current.put(id, new Row(info, salt, hash(salt, secret)));
      return new Created(info, PREFIX + id + "_" + secret);
    });
  }

  public List<KeyInfo> list() {
    Map<String, Row> rows = reloadIfChanged();
    synchronized (lock) {
      List<KeyInfo> out = new ArrayList<>();
      for (Row r : rows.values()) out.add(withPending(r.info()));
      return out;
    }
  }

  /** {@return false when no key has that id} Revoked keys stay listed, for the record. */
  public boolean revoke(String id) {
    return update(current -> {
      Row r = current.get(id);
      if (r == null) return false;
      if (r.info().revoked() == null) {
        KeyInfo i = r.info();
        current.put(id, new Row(new KeyInfo(i.id(), i.name(), i.created(), i.budget(), i.spent(), i.rateLimitRpm(),
            clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)), r.salt(), r.hash()));
      }
      return true;
    });
  }

  boolean hasActiveKeys() {
    return list().stream().anyMatch(KeyInfo::active);
  }

  /** {@return the active key matching {@code presented}, or empty} Never says which part was wrong. */
  Optional<KeyInfo> authenticate(String presented) {
    if (presented == null || !presented.startsWith(PREFIX)) return Optional.empty();
    int sep = presented.indexOf('_', PREFIX.length());
    if (sep < 0) return Optional.empty();
    String id = presented.substring(PREFIX.length(), sep);
    String secret = presented.substring(sep + 1);
    Row row = reloadIfChanged().get(id);
    if (row == null || row.info().revoked() != null) return Optional.empty();
    if (!MessageDigest.isEqual(row.hash(), hash(row.salt(), secret))) return Optional.empty();
    synchronized (lock) {
      return Optional.of(withPending(row.info()));
    }
  }

  /** Adds what a call by key {@code id} cost; written by {@link #flush}. */
  void addSpend(String id, Money cost) {
    if (cost == null || cost.isZero()) return;
    synchronized (lock) {
      pendingSpend.merge(id, cost.usd(), BigDecimal::add);
    }
  }

  /**
   * Writes pending spend to the file (re-read first, so concurrent edits survive). Each write replaces the file and
   * syncs it to disk, so concurrent callers do not queue up for one write each: the thread writing keeps writing
   * until nothing is pending, and a caller that finds a write in progress leaves its spend to that thread. A single
   * caller still finds its spend in the file when this returns.
   */
  void flush() {
    while (hasPending()) {
      if (!flushing.tryLock()) return;
      try {
        while (hasPending()) writePending();
      } finally {
        flushing.unlock();
      }
      // Spend added after the last check but before the unlock would otherwise wait for the next call.
    }
  }

  /** Like {@link #flush}, but waits for a write in progress instead of leaving spend to it: for shutdown. */
  void flushAll() {
    flushing.lock();
    try {
      while (hasPending()) writePending();
    } finally {
      flushing.unlock();
    }
  }

  private boolean hasPending() {
    synchronized (lock) {
      return !pendingSpend.isEmpty();
    }
  }

  private void writePending() {
    update(current -> {
      Map<String, BigDecimal> pending;
      synchronized (lock) {
        pending = new HashMap<>(pendingSpend);
        pendingSpend.clear();
      }
      pending.forEach((id, amount) -> {
        Row r = current.get(id);
        if (r == null) return;
        KeyInfo i = r.info();
        current.put(id, new Row(new KeyInfo(i.id(), i.name(), i.created(), i.budget(),
            i.spent().plus(new Money(amount)), i.rateLimitRpm(), i.revoked()), r.salt(), r.hash()));
      });
      return null;
    });
  }

  private KeyInfo withPending(KeyInfo i) {
    BigDecimal p = pendingSpend.get(i.id());
    if (p == null) return i;
    return new KeyInfo(i.id(), i.name(), i.created(), i.budget(), i.spent().plus(new Money(p)), i.rateLimitRpm(),
        i.revoked());
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

  /**
   * {@return the rows, re-read only when the file changed since the last read} No file lock: writers replace the
   * file atomically, so a reader sees the old or the new file, whole. When the file changes while it is being read,
   * the stamp taken before the read no longer matches and the next call reads again.
   */
  private Map<String, Row> reloadIfChanged() {
    try {
      Stamp now = Stamp.of(Files.readAttributes(file, BasicFileAttributes.class));
      Snapshot seen = snapshot;
      if (now.equals(seen.stamp())) return seen.rows();
      Map<String, Row> read = Collections.unmodifiableMap(read());
      Snapshot fresh = new Snapshot(now, read);
      snapshot = fresh;
      return fresh.rows();
    } catch (NoSuchFileException e) {
      snapshot = Snapshot.EMPTY;
      return Map.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read gateway keys file " + file + ": " + e.getMessage(), e);
    }
  }

  @FunctionalInterface
  private interface Change<T> {
    T apply(Map<String, Row> rows);
  }

  /**
   * Read-modify-write under an exclusive file lock, replacing the file atomically. File locks are held per process,
   * so writers in this process are serialised first on the file's one in-process lock object, and only then take
   * the file lock (which then can never overlap one held by this process).
   */
  private <T> T update(Change<T> change) {
    synchronized (writeLock) {
      return lockedUpdate(change);
    }
  }

  private <T> T lockedUpdate(Change<T> change) {
    try {
      Path dir = file.getParent();
      if (!Files.isDirectory(dir)) {
        try {
          Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } catch (UnsupportedOperationException e) {
          Files.createDirectories(dir);
        }
      }
      Path lockFile = dir.resolve(file.getFileName() + ".lock");
      try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        Map<String, Row> current = new LinkedHashMap<>(Files.exists(file) ? read() : Map.of());
        T result = change.apply(current);
        write(current);
        snapshot = new Snapshot(Stamp.of(Files.readAttributes(file, BasicFileAttributes.class)),
            Collections.unmodifiableMap(new LinkedHashMap<>(current)));
        return result;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write gateway keys file " + file + ": " + e.getMessage(), e);
    }
  }

  private Map<String, Row> read() throws IOException {
    JsonNode root = json.readTree(Files.readAllBytes(file));
    Map<String, Row> out = new LinkedHashMap<>();
    if (root == null) return out;
    for (JsonNode k : root.path("keys")) {
      String id = k.path("id").asText();
      KeyInfo info = new KeyInfo(id, k.path("name").asText(id), Instant.parse(k.path("created").asText()),
          k.hasNonNull("budget_usd") ? Money.usd(k.get("budget_usd").asText()) : null,
          k.hasNonNull("spent_usd") ? Money.usd(k.get("spent_usd").asText()) : Money.ZERO,
          k.hasNonNull("rate_limit_rpm") ? k.get("rate_limit_rpm").asInt() : null,
          k.hasNonNull("revoked") ? Instant.parse(k.get("revoked").asText()) : null);
      out.put(id, new Row(info, Base64.getDecoder().decode(k.path("salt").asText()),
          HexFormat.of().parseHex(k.path("sha256").asText())));
    }
    return out;
  }

  private void write(Map<String, Row> current) throws IOException {
    ObjectNode root = json.createObjectNode();
    root.put("version", 1);
    root.put("hash", "sha256(salt || secret)");
    ArrayNode arr = root.putArray("keys");
    for (Row r : current.values()) {
      KeyInfo i = r.info();
      ObjectNode k = arr.addObject();
      k.put("id", i.id());
      k.put("name", i.name());
      k.put("created", i.created().toString());
      if (i.budget() == null) k.putNull("budget_usd"); else k.put("budget_usd", i.budget().usd().toPlainString());
      k.put("spent_usd", i.spent().usd().toPlainString());
      if (i.rateLimitRpm() == null) k.putNull("rate_limit_rpm"); else k.put("rate_limit_rpm", i.rateLimitRpm());
      if (i.revoked() == null) k.putNull("revoked"); else k.put("revoked", i.revoked().toString());
      k.put("salt", Base64.getEncoder().encodeToString(r.salt()));
      k.put("sha256", HexFormat.of().formatHex(r.hash()));
    }
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try {
      Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (UnsupportedOperationException e) {
      Files.createFile(tmp);
    } catch (FileAlreadyExistsException e) {
      throw new IOException("another process is writing " + tmp, e);
    }
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  @Override public String toString() {
    return "ApiKeys[" + Objects.toString(file) + "]";
  }
}
