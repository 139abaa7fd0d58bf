package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.bench.ReplicaLoad;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code orchestrator bench load}: many concurrent keyed clients over several gateway replicas for a bounded time,
 * every request recorded; the load half of {@code bench/scale-test.sh}.
 */
@Command(name = "load", mixinStandardHelpOptions = true, description = {
    "Drive running gateway replicas with concurrent clients for a bounded time, round-robin over the replicas,",
    "each group of clients with its own gateway key and model; print requests and answers per second per replica.",
    "--records writes one CSV line per request (replica, key name, sent/answered times, status, error code,",
    "request id) for checking against the database afterwards (bench/scale-test.sh does)."})
public final class BenchLoadCommand implements Callable<Integer> {
  private final Io io;

  @Option(names = "--target", paramLabel = "URL", required = true,
      description = "A replica: its chat-completions URL or http://HOST:PORT (repeatable; requests go round-robin).")
  List<String> targets = new ArrayList<>();

  @Option(names = "--group", paramLabel = "NAME:MODEL:CLIENTS", required = true,
      description = "CLIENTS concurrent clients sending MODEL with the key named NAME in --keys (repeatable).")
  List<String> groups = new ArrayList<>();

  @Option(names = "--keys", paramLabel = "FILE", required = true,
      description = "NAME=KEY lines: the gateway key of each group (a file, so that no key is on a command line).")
  Path keysFile;

  @Option(names = "--duration", paramLabel = "SECONDS",
      description = "How long the measured load lasts, after the warm-up (default: ${DEFAULT-VALUE}).")
  int durationSeconds = 60;

  @Option(names = "--warmup", paramLabel = "SECONDS", description = "Load before the measured part, left out of "
      + "the figures: at least this long, and until every client has had its first answer (default: ${DEFAULT-VALUE}).")
  int warmupSeconds = 10;

  @Option(names = "--measuring-file", paramLabel = "FILE",
      description = "Create FILE when the warm-up is over and the measured part begins.")
  Path measuringFile;

  @Option(names = "--after-file", paramLabel = "FILE",
      description = "With --after-seconds: keep sending until that long after FILE appears (at most 10 x --duration).")
  Path afterFile;

  @Option(names = "--after-seconds", paramLabel = "SECONDS",
      description = "How long the load goes on after --after-file appears (default: ${DEFAULT-VALUE}).")
  int afterSeconds = 10;

  @Option(names = "--records", paramLabel = "FILE", description = "Write every request as a CSV line to FILE.")
  Path records;

  @Option(names = "--json", description = "Print the figures as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "No progress on stderr.")
  boolean quiet;

  public BenchLoadCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() throws InterruptedException {
    if (durationSeconds <= 0 || durationSeconds > 86_400) {
      throw ExitException.usage("--duration must be 1..86400 seconds, got " + durationSeconds);
    }
    if (warmupSeconds < 0 || warmupSeconds > 3_600) {
      throw ExitException.usage("--warmup must be 0..3600 seconds, got " + warmupSeconds);
    }
    if (afterSeconds < 0 || afterSeconds > 86_400) {
      throw ExitException.usage("--after-seconds must be 0..86400, got " + afterSeconds);
    }
    List<URI> uris = new ArrayList<>();
    for (String t : targets) uris.add(target(t));
    Map<String, String> keys = readKeys(io.cwd().resolve(keysFile));
    List<ReplicaLoad.Group> parsed = new ArrayList<>();
    for (String g : groups) parsed.add(group(g, keys));
    Path recordsPath = records == null ? null : io.cwd().resolve(records);
    if (recordsPath != null && recordsPath.getParent() != null && !Files.isDirectory(recordsPath.getParent())) {
      throw ExitException.usage("--records: directory " + recordsPath.getParent() + " does not exist");
    }
    ReplicaLoad load = new ReplicaLoad(uris, parsed, Duration.ofSeconds(warmupSeconds), Clock.systemUTC(),
        line -> {
          if (quiet || json) return;
          io.err().println("bench load: " + line);
          io.err().flush();
        });
    Path measuringPath = measuringFile == null ? null : io.cwd().resolve(measuringFile);
    Runnable measuring = () -> {
      if (measuringPath == null) return;
      try {
        Files.writeString(measuringPath, Long.toString(System.currentTimeMillis()) + "\n");
      } catch (IOException e) {
        io.err().println("bench load: cannot create --measuring-file " + measuringPath + ": " + e.getMessage());
        io.err().flush();
      }
    };
    ReplicaLoad.Result r;
    if (afterFile == null) {
      r = load.run(ReplicaLoad.Stop.after(Duration.ofSeconds(durationSeconds)), s -> {}, measuring);
    } else {
      try (FileWatch watch = new FileWatch(io.cwd().resolve(afterFile))) {
        Duration least = Duration.ofSeconds(durationSeconds);
        Duration most = least.multipliedBy(10);
        Duration after = Duration.ofSeconds(afterSeconds);
        r = load.run(measured -> measured.compareTo(most) >= 0
            || measured.compareTo(least) >= 0 && watch.seenFor().map(d -> d.compareTo(after) >= 0).orElse(false),
            s -> {}, measuring);
      }
    }
    if (recordsPath != null) writeRecords(recordsPath, r.sent());
    print(r);
    return ExitCodes.OK;
  }

  /** Notices when a file appears, polling a few times a second (a stat per request would cost the load). */
  private static final class FileWatch implements AutoCloseable {
    private final java.util.concurrent.atomic.AtomicLong seenAtNanos = new java.util.concurrent.atomic.AtomicLong();
    private final Thread poller;

    FileWatch(Path file) {
      poller = Thread.ofVirtual().start(() -> {
        try {
          while (!Files.exists(file)) Thread.sleep(100);
          seenAtNanos.set(System.nanoTime());
        } catch (InterruptedException stopped) {
          // The load is over.
        }
      });
    }

    java.util.Optional<Duration> seenFor() {
      long at = seenAtNanos.get();
      return at == 0 ? java.util.Optional.empty() : java.util.Optional.of(Duration.ofNanos(System.nanoTime() - at));
    }

    @Override public void close() {
      poller.interrupt();
    }
  }

  private static URI target(String t) {
    URI u;
    try {
      u = URI.create(t);
    } catch (IllegalArgumentException e) {
      throw ExitException.usage("--target '" + t + "' is not a URL: " + e.getMessage());
    }
    if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
      throw ExitException.usage("--target '" + t + "' must be an http(s) URL such as http://127.0.0.1:8080");
    }
    String path = u.getPath() == null ? "" : u.getPath();
    if (path.isEmpty() || path.equals("/")) return URI.create(t.replaceAll("/+$", "") + "/v1/chat/completions");
    return u;
  }

  private static Map<String, String> readKeys(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw ExitException.usage("--keys: cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
    }
    Map<String, String> keys = new HashMap<>();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank() || line.startsWith("#")) continue;
      int eq = line.indexOf('=');
      // The line may hold a key: the message names the line, never its text.
      if (eq <= 0) throw ExitException.usage("--keys: " + file + ":" + n + ": expected NAME=KEY");
      keys.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return keys;
  }

  private static ReplicaLoad.Group group(String spec, Map<String, String> keys) {
    String[] p = spec.split(":");
    if (p.length != 3 || p[0].isBlank() || p[1].isBlank()) {
      throw ExitException.usage("--group '" + spec + "': expected NAME:MODEL:CLIENTS, e.g. team:local-first:90");
    }
    int clients;
    try {
      clients = Integer.parseInt(p[2]);
    } catch (NumberFormatException e) {
      clients = -1;
    }
    if (clients <= 0 || clients > 10_000) {
      throw ExitException.usage("--group '" + spec + "': CLIENTS must be 1..10000, got '" + p[2] + "'");
    }
    if (!p[0].matches("[A-Za-z0-9_.-]{1,64}")) {
      throw ExitException.usage("--group '" + spec + "': NAME may hold only letters, digits, '_', '.' and '-'");
    }
    String secret = keys.get(p[0]);
    if (secret == null || secret.isEmpty()) {
      throw ExitException.usage("--group '" + spec + "': no key named '" + p[0] + "' in --keys");
    }
    return new ReplicaLoad.Group(p[0], secret, p[1], clients);
  }

  /** Written beside the target and moved into place, so a reader never sees half a file. */
  private static void writeRecords(Path file, List<ReplicaLoad.Sent> sent) {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      w.write(ReplicaLoad.Sent.CSV_HEADER);
      w.write('\n');
      for (ReplicaLoad.Sent s : sent) {
        w.write(s.csv());
        w.write('\n');
      }
    } catch (IOException e) {
      throw new ExitException(ExitCodes.FAILED, "cannot write --records " + file + ": " + e.getMessage());
    }
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new ExitException(ExitCodes.FAILED, "cannot write --records " + file + ": " + e.getMessage());
    }
  }

  private void print(ReplicaLoad.Result r) {
    if (json) {
      ObjectMapper m = new ObjectMapper();
      ObjectNode root = m.createObjectNode();
      root.put("clients", r.clients());
      root.put("seconds", round(r.seconds()));
      root.put("warmupSeconds", warmupSeconds);
      root.put("requests", r.requests());
      root.put("ok", r.ok());
      root.put("okPerSecond", round(r.okPerSecond()));
      root.put("requestsPerSecond", round(r.requestsPerSecond()));
      ArrayNode arr = root.putArray("replicas");
      for (ReplicaLoad.ReplicaFigures f : r.replicas()) {
        arr.addObject().put("replica", f.replica()).put("target", f.target().toString()).put("requests", f.requests())
            .put("ok", f.ok()).put("unauthorized", f.unauthorized()).put("refusedOther", f.refusedOther())
            .put("failed", f.failed()).put("okPerSecond", round(f.okPerSecond()))
            .put("requestsPerSecond", round(f.requestsPerSecond()));
      }
      io.out().println(root.toPrettyString());
      io.out().flush();
      return;
    }
    var out = io.out();
    out.printf(Locale.ROOT, "%d clients over %d replicas, %.1f s measured after the warm-up%n", r.clients(),
        r.replicas().size(), r.seconds());
    out.printf(Locale.ROOT, "%-8s %-40s %9s %9s %7s %7s %7s %9s %9s%n", "replica", "target", "requests", "ok", "401",
        "4xx", "failed", "ok/s", "req/s");
    for (ReplicaLoad.ReplicaFigures f : r.replicas()) {
      out.printf(Locale.ROOT, "%-8d %-40s %9d %9d %7d %7d %7d %9.1f %9.1f%n", f.replica(), f.target(), f.requests(),
          f.ok(), f.unauthorized(), f.refusedOther(), f.failed(), f.okPerSecond(), f.requestsPerSecond());
    }
    out.printf(Locale.ROOT, "%-8s %-40s %9d %9d %7s %7s %7s %9.1f %9.1f%n", "all", "", r.requests(), r.ok(), "", "",
        "", r.okPerSecond(), r.requestsPerSecond());
    out.flush();
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
