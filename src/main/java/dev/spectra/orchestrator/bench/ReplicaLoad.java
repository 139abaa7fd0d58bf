package dev.spectra.orchestrator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Drives several gateway replicas at once, as a team's tools behind a load balancer would: a fixed number of
 * concurrent clients, each with its own gateway key and model, for a bounded time, every request sent to the next
 * replica in turn (round-robin over all clients). Every request is recorded (replica, key, when it was sent and
 * answered, status, error code, request id), so that what the replicas did can be checked afterwards against the
 * shared database: a revoked key refused from the instant of revocation, one ledger row per answered request.
 *
 * <p>A client that is refused (any status but 200) waits {@link #REFUSED_PAUSE} before its next request, as a client
 * honouring 401/429 would; otherwise a refused client would spin and take the machine from the others. Requests of
 * the warm-up (connection pools filling, the JIT compiling the hot paths of every process) are recorded too, marked,
 * and left out of the throughput figures.
 */
public final class ReplicaLoad {
  /** How long a client waits after a refusal before its next request. */
  public static final Duration REFUSED_PAUSE = Duration.ofMillis(20);

  /** How long a client waits for an answer, as an OpenAI client's read timeout would (theirs is 10 minutes). */
  public static final Duration TIMEOUT = Duration.ofSeconds(120);

  /** Output cap of every request: what a paid call reserves against its key is bounded by it (docs/gateway.md). */
  public static final int MAX_TOKENS = 32;

  /** {@code clients} concurrent clients sending {@code model} with the key {@code secret}, known as {@code name}. */
  public record Group(String name, String secret, String model, int clients) {
    public Group {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(secret, "secret");
      Objects.requireNonNull(model, "model");
      if (clients <= 0) throw new IllegalArgumentException("clients of group " + name + " must be > 0, got " + clients);
    }

    /** Never the secret: this record may end up in a log line. */
    @Override public String toString() {
      return "Group[" + name + ", " + model + ", " + clients + " clients]";
    }
  }

  /**
   * One request: the replica it went to (index into the targets), the key's group name, epoch milliseconds when it
   * was sent and when its answer was complete, the HTTP status (0 when no answer came: connection refused, timeout),
   * the error code of a refusal ({@code invalid_api_key}, {@code budget_exhausted}, ...) and the gateway's request id.
   */
  public record Sent(int replica, String group, long sentMs, long doneMs, int status, String code, String requestId,
      boolean warmup) {
    /** {@return one CSV line as {@link #CSV_HEADER} names the fields (none of them holds a comma)} */
    public String csv() {
      return replica + "," + group + "," + sentMs + "," + doneMs + "," + status + "," + (code == null ? "" : code)
          + "," + (requestId == null ? "" : requestId) + "," + (warmup ? 1 : 0);
    }

    public static final String CSV_HEADER = "replica,key_name,sent_ms,done_ms,status,code,request_id,warmup";
  }

  /** When the measured part ends, asked before every request with the time since it began. */
  @FunctionalInterface
  public interface Stop {
    boolean reached(Duration measured);

    /** {@return a stop after {@code duration} of measured load} */
    static Stop after(Duration duration) {
      return measured -> measured.compareTo(duration) >= 0;
    }
  }

  /** Requests and answers of one replica; {@code ok} are the 200s. */
  public record ReplicaFigures(int replica, URI target, long requests, long ok, long unauthorized, long refusedOther,
      long failed, double okPerSecond, double requestsPerSecond) {}

  /** The run's figures, warm-up left out: per replica and over all of them, in the measured {@code seconds}. */
  public record Result(int clients, double seconds, List<ReplicaFigures> replicas, long requests, long ok,
      double okPerSecond, double requestsPerSecond, List<Sent> sent) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<URI> targets;
  private final List<Group> groups;
  private final Duration warmup;
  private final Clock clock;
  private final Consumer<String> progress;

  /**
   * @param targets chat-completions URLs of the replicas
   * @param groups the clients: each group's clients share its key and model
   * @param warmup how long clients send at least before the measured part begins; it begins only once every client
   *     has had its first answer too (the first request to a cold process can take many seconds)
   */
  public ReplicaLoad(List<URI> targets, List<Group> groups, Duration warmup, Clock clock, Consumer<String> progress) {
    if (targets.isEmpty()) throw new IllegalArgumentException("at least one target is needed");
    if (groups.isEmpty()) throw new IllegalArgumentException("at least one group of clients is needed");
    if (warmup.isNegative()) throw new IllegalArgumentException("warm-up must be >= 0");
    this.targets = List.copyOf(targets);
    this.groups = List.copyOf(groups);
    this.warmup = warmup;
    this.clock = clock;
    this.progress = progress;
  }

  /**
   * Runs every client through the warm-up, then until {@code stop} says the measured part is over (a request in
   * flight then is awaited and counted), and returns what each request got.
   */
  public Result run(Stop stop) throws InterruptedException {
    return run(stop, s -> {}, () -> {});
  }

  /**
   * As {@link #run(Stop)}, telling {@code observer} of every answer as it comes (from the client's thread) and
   * running {@code measuring} when the measured part begins.
   */
  public Result run(Stop stop, Consumer<Sent> observer, Runnable measuring) throws InterruptedException {
    int clients = groups.stream().mapToInt(Group::clients).sum();
    ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
    AtomicLong next = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    long start = System.nanoTime();
    long warmupEnds = start + warmup.toNanos();
    // Long.MAX_VALUE until the warm-up is over: set by the reporting loop below.
    AtomicLong measuredFrom = new AtomicLong(Long.MAX_VALUE);
    java.util.concurrent.CountDownLatch firstAnswers = new java.util.concurrent.CountDownLatch(clients);
    AtomicLong started = new AtomicLong();
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> all = new ArrayList<>();
      for (Group g : groups) {
        String body = body(g.model());
        for (int c = 0; c < g.clients(); c++) {
          // Clients join one by one over the first half of the warm-up: a hundred connections opened in the same
          // instant to processes that have not warmed up measure the stampede, not the replicas.
          long joinAt = start + warmup.toNanos() / 2 * started.getAndIncrement() / Math.max(1, clients);
          all.add(pool.submit(() -> {
            long wait = joinAt - System.nanoTime();
            if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
            boolean first = true;
            while (!stop.reached(measuredSoFar(measuredFrom.get()))) {
              boolean warm = System.nanoTime() < measuredFrom.get();
              int replica = (int) (next.getAndIncrement() % targets.size());
              Sent s = send(http, replica, g, body, warm);
              sent.add(s);
              observer.accept(s);
              if (first) {
                first = false;
                firstAnswers.countDown();
              }
              answered.incrementAndGet();
              if (s.status() == 200) {
                ok.incrementAndGet();
              } else {
                Thread.sleep(REFUSED_PAUSE);
              }
            }
            return null;
          }));
        }
      }
      reportWhileRunning(all, start, warmupEnds, firstAnswers, measuredFrom, measuring, answered, ok);
      for (Future<?> f : all) {
        try {
          f.get();
        } catch (java.util.concurrent.ExecutionException e) {
          throw new IllegalStateException("a load client failed: " + e.getCause(), e.getCause());
        }
      }
    } finally {
      http.close();
    }
    long from = measuredFrom.get();
    double seconds = from == Long.MAX_VALUE ? 1e-9 : Math.max(1e-9, (System.nanoTime() - from) / 1e9);
    return result(clients, seconds, List.copyOf(sent));
  }

  private static Duration measuredSoFar(long measuredFrom) {
    return measuredFrom == Long.MAX_VALUE ? Duration.ZERO
        : Duration.ofNanos(Math.max(0, System.nanoTime() - measuredFrom));
  }

  private void reportWhileRunning(List<Future<?>> all, long start, long warmupEnds,
      java.util.concurrent.CountDownLatch firstAnswers, AtomicLong measuredFrom, Runnable measuring,
      AtomicLong answered, AtomicLong ok) throws InterruptedException {
    long every = 5_000_000_000L;
    long nextReport = start + every;
    while (!all.stream().allMatch(Future::isDone)) {
      Thread.sleep(200);
      long now = System.nanoTime();
      if (measuredFrom.get() == Long.MAX_VALUE && now >= warmupEnds && firstAnswers.getCount() == 0) {
        measuredFrom.set(now);
        progress.accept(String.format(java.util.Locale.ROOT, "%d s: warm-up over (every client answered); measuring",
            (now - start) / 1_000_000_000L));
        measuring.run();
      }
      if (now >= nextReport) {
        nextReport += every;
        String phase = now < measuredFrom.get() ? "warm-up" : "measured";
        progress.accept(String.format(java.util.Locale.ROOT, "%d s (%s): %,d answers, %,d ok",
            (now - start) / 1_000_000_000L, phase, answered.get(), ok.get()));
      }
    }
  }

  private Sent send(HttpClient http, int replica, Group g, String body, boolean warm) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(targets.get(replica)).timeout(TIMEOUT)
        .header("Content-Type", "application/json").header("Authorization", "Bearer " + g.secret())
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    long sentMs = clock.millis();
    try {
      HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      long doneMs = clock.millis();
      String id = r.headers().firstValue("x-request-id").orElse(null);
      String code = r.statusCode() == 200 ? null : errorCode(r.body());
      return new Sent(replica, g.name(), sentMs, doneMs, r.statusCode(), code, id, warm);
    } catch (IOException e) {
      // What kind of failure (a timeout, a refused or reset connection) is all the record keeps.
      return new Sent(replica, g.name(), sentMs, clock.millis(), 0, "no_answer_" + e.getClass().getSimpleName(), null,
          warm);
    }
  }

  /** {@return {@code error.code} of an OpenAI-shaped error body, else {@code unreadable}} */
  private static String errorCode(byte[] body) {
    try {
      JsonNode code = JSON.readTree(body).path("error").path("code");
      return code.isTextual() && code.asText().matches("[A-Za-z0-9_.-]{1,64}") ? code.asText() : "unreadable";
    } catch (IOException e) {
      return "unreadable";
    }
  }

  private static String body(String model) {
    return JSON.createObjectNode().put("model", model).put("max_tokens", MAX_TOKENS)
        .set("messages", JSON.createArrayNode().add(JSON.createObjectNode().put("role", "user")
            .put("content", "Say hello to the replicas."))).toString();
  }

  private Result result(int clients, double seconds, List<Sent> sent) {
    List<ReplicaFigures> replicas = new ArrayList<>();
    for (int i = 0; i < targets.size(); i++) {
      long requests = 0;
      long ok = 0;
      long unauthorized = 0;
      long refused = 0;
      long failed = 0;
      for (Sent s : sent) {
        if (s.replica() != i || s.warmup()) continue;
        requests++;
        if (s.status() == 200) ok++;
        else if (s.status() == 401) unauthorized++;
        else if (s.status() >= 400 && s.status() < 500) refused++;
        else failed++;
      }
      replicas.add(new ReplicaFigures(i, targets.get(i), requests, ok, unauthorized, refused, failed, ok / seconds,
          requests / seconds));
    }
    long measured = sent.stream().filter(s -> !s.warmup()).count();
    long ok = sent.stream().filter(s -> !s.warmup() && s.status() == 200).count();
    return new Result(clients, seconds, replicas, measured, ok, ok / seconds, measured / seconds, sent);
  }
}
