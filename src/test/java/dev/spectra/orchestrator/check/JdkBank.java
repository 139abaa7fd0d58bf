package dev.spectra.orchestrator.check;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bank of examples/bank-api.yaml on the JDK's own HTTP server, with routing by hand, so the checker is not
 * tuned to one framework's habits (error pages, content types, body limits).
 */
final class JdkBank implements AutoCloseable {
  private static final Pattern ITEM = Pattern.compile("^/accounts/([^/]+)$");
  private static final Pattern MOVE = Pattern.compile("^/accounts/([^/]+)/(deposits|withdrawals)$");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final Bank bank;

  JdkBank(Set<Defect> defects) throws IOException {
    bank = new Bank(defects);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] bytes;
      try (InputStream in = ex.getRequestBody()) {
        bytes = in.readAllBytes();
      }
      String body = new String(bytes, StandardCharsets.UTF_8);
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getRawPath();
      String contentType = ex.getRequestHeaders().getFirst("Content-Type");
      Bank.Reply reply;
      try {
        reply = route(method, path, ex, contentType, body);
      } catch (Bank.BadInput e) {
        reply = bank.badInput(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        reply = Bank.Reply.error(500, "internal error");
      }
      send(ex, reply);
    }
  }

  private Bank.Reply route(String method, String path, HttpExchange ex, String contentType, String body)
      throws Bank.BadInput, InterruptedException {
    if (path.equals("/accounts")) {
      return switch (method) {
        case "GET" -> bank.list(query(ex.getRequestURI().getRawQuery()));
        case "POST" -> bank.open(Bank.parse(contentType, body));
        default -> Bank.Reply.error(405, "method not allowed");
      };
    }
    if (path.equals("/admin/audit") && method.equals("GET")) {
      return bank.audit(ex.getRequestHeaders().getFirst("Authorization"));
    }
    Matcher item = ITEM.matcher(path);
    if (item.matches()) {
      String id = URLDecoder.decode(item.group(1), StandardCharsets.UTF_8);
      return switch (method) {
        case "GET" -> {
          if (bank.hangs(id)) Thread.sleep(3_000);
          yield bank.get(id);
        }
        case "PATCH" -> bank.update(id, Bank.parse(contentType, body));
        case "DELETE" -> bank.close(id);
        default -> Bank.Reply.error(405, "method not allowed");
      };
    }
    Matcher move = MOVE.matcher(path);
    if (move.matches() && method.equals("POST")) {
      String id = URLDecoder.decode(move.group(1), StandardCharsets.UTF_8);
      return bank.move(id, Bank.parse(contentType, body), move.group(2).equals("deposits"));
    }
    return Bank.Reply.error(404, "no route " + method + " " + path);
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static void send(HttpExchange ex, Bank.Reply r) throws IOException {
    if (r.body() == null) {
      ex.sendResponseHeaders(r.status(), -1);
      return;
    }
    byte[] out = r.body().toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(r.status(), out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @Override public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
