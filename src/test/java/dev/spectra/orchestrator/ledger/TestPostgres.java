package dev.spectra.orchestrator.ledger;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster for tests: {@code initdb} into a temporary directory, {@code pg_ctl start} on a free
 * port, trust authentication on 127.0.0.1 only, stopped and deleted by {@link #close}. Uses the server binaries of
 * the Debian {@code postgresql} package (or any {@code initdb} on the PATH). PostgreSQL refuses to run as root, so
 * as root the server runs as the {@code postgres} (else {@code nobody}) user through {@code runuser}.
 *
 * <p>{@link #start} returns empty, with the reason in {@link #unavailable}, when no server binaries are installed:
 * tests then skip with that message instead of failing on a machine without PostgreSQL.
 */
public final class TestPostgres implements AutoCloseable {
  private static volatile String unavailableReason;

  private final Path bin;
  private final Path dir;
  private final int port;
  private final List<String> asUser;

  private TestPostgres(Path bin, Path dir, int port, List<String> asUser) {
    this.bin = bin;
    this.dir = dir;
    this.port = port;
    this.asUser = asUser;
  }

  /** {@return why {@link #start} returned empty} */
  public static String unavailable() {
    return unavailableReason == null ? "PostgreSQL is available" : unavailableReason;
  }

  public static Optional<TestPostgres> start() {
    Optional<Path> bin = binaries();
    if (bin.isEmpty()) {
      unavailableReason = "no PostgreSQL server binaries (initdb, pg_ctl): install the Debian package 'postgresql' "
          + "(apt-get install -y --no-install-recommends postgresql) to run the PostgreSQL tests";
      return Optional.empty();
    }
    try {
      List<String> asUser = List.of();
      Path dir = Files.createTempDirectory("orchestrator-pg-");
      if ("root".equals(System.getProperty("user.name"))) {
        String user = userExists("postgres") ? "postgres" : "nobody";
        asUser = List.of("runuser", "-u", user, "--");
        run(List.of("chown", user, dir.toString()));
        // The server must be able to reach its directory through /tmp's parents.
      }
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      TestPostgres pg = new TestPostgres(bin.get(), dir, port, asUser);
      pg.as(List.of(bin.get().resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
          "-U", "test", "-E", "UTF8", "--no-sync"));
      pg.as(List.of(bin.get().resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l",
          dir.resolve("log").toString(), "-w", "-t", "60", "-o",
          "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -F -c max_connections=200", "start"));
      return Optional.of(pg);
    } catch (IOException | InterruptedException e) {
      unavailableReason = "PostgreSQL could not be started: " + e.getMessage();
      return Optional.empty();
    }
  }

  /** {@return a JDBC URL of a new, empty database in this cluster} */
  public String newDatabase(String name) throws IOException, InterruptedException {
    as(List.of(bin.resolve("createdb").toString(), "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "test",
        name));
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=test";
  }

  private void as(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(asUser);
    full.addAll(command);
    run(full);
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out.strip());
    }
  }

  private static boolean userExists(String user) {
    try {
      return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
    } catch (IOException e) {
      return false;
    }
  }

  private static Optional<Path> binaries() {
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        Optional<Path> newest = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.comparing(b -> b.getParent().getFileName().toString(),
                Comparator.comparingInt(v -> v.matches("\\d+") ? Integer.parseInt(v) : 0)));
        if (newest.isPresent()) return newest;
      } catch (IOException e) {
        // Fall through to the PATH.
      }
    }
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, "initdb")) && Files.isExecutable(Path.of(d, "pg_ctl"))) {
        return Optional.of(Path.of(d));
      }
    }
    return Optional.empty();
  }

  @Override public void close() {
    try {
      as(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w",
          "stop"));
    } catch (IOException | InterruptedException e) {
      // Deleting the directory below still frees the disk; the server dies with its data directory gone.
    }
    try (Stream<Path> all = Files.walk(dir)) {
      all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // A temporary directory left behind is harmless.
    }
  }
}
