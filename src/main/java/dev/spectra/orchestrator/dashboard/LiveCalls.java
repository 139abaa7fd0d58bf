package dev.spectra.orchestrator.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.ledger.CallRecord;
import io.javalin.http.sse.SseClient;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Pushes each call the ledger records in this process to every open page as a server-sent event. One listener on
 * the ledger feeds every page: opening more pages adds no database reads. Sending happens on its own thread, so a
 * slow browser never delays the call being recorded; when that thread falls far behind, events are dropped (the
 * page still shows them on its next load).
 */
final class LiveCalls implements Consumer<CallRecord>, AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Most open event streams; more are refused so that page reloads cannot pile up connections. */
  static final int MAX_CLIENTS = 200;

  private final CopyOnWriteArrayList<SseClient> clients = new CopyOnWriteArrayList<>();
  private final BlockingQueue<CallRecord> queue = new ArrayBlockingQueue<>(4096);
  private final Thread sender;
  private volatile boolean closed;

  LiveCalls() {
    sender = Thread.ofVirtual().name("dashboard-live").start(this::send);
  }

  /** Called by the ledger for each recorded call; never blocks. */
  @Override public void accept(CallRecord call) {
    if (!clients.isEmpty()) queue.offer(call);
  }

  /** Keeps the stream open until the browser leaves. */
  void join(SseClient client) {
    if (clients.size() >= MAX_CLIENTS) {
      client.sendEvent("busy", "too many open dashboard pages");
      client.close();
      return;
    }
    client.keepAlive();
    client.onClose(() -> clients.remove(client));
    clients.add(client);
    client.sendComment("connected");
  }

  int clients() { return clients.size(); }

  private void send() {
    while (!closed) {
      CallRecord c;
      try {
        c = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      String data = json(c);
      for (SseClient client : clients) {
        try {
          if (client.terminated()) clients.remove(client);
          else client.sendEvent("call", data);
        } catch (RuntimeException gone) {
          clients.remove(client);
        }
      }
    }
  }

  static String json(CallRecord c) {
    ObjectNode o = JSON.createObjectNode();
    o.put("id", c.id());
    o.put("started", c.started().toString());
    o.put("request", c.requestId());
    o.put("model", c.model());
    o.put("route", c.route());
    o.put("key", c.keyId());
    o.put("outcome", c.outcome());
    o.put("failure", c.failureType() == null ? null
        : c.failureType() + (c.failureMessage() == null ? "" : ": " + c.failureMessage()));
    o.put("tokensIn", c.tokensIn());
    o.put("tokensOut", c.tokensOut());
    o.put("cost", Html.usd(c.cost()));
    o.put("latencyMs", c.latency() == null ? null : c.latency().toMillis());
    return o.toString();
  }

  @Override public void close() {
    closed = true;
    sender.interrupt();
    for (SseClient client : clients) {
      try {
        client.close();
      } catch (RuntimeException ignored) {
        // Already gone.
      }
    }
    clients.clear();
  }
}
