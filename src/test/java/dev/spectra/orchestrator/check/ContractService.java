package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An in-memory CRUD service for any contract, for measuring the checker's speed on the examples: it validates
 * request bodies against the contract, stores items of collection/item pairs, fills read-only fields with values
 * their schema accepts and answers 501 to everything else. Run {@code main(contract, port)} to serve.
 */
final class ContractService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ApiContract contract;
  private final SchemaCheck schemas = new SchemaCheck();
  private final Map<String, Map<String, JsonNode>> store = new LinkedHashMap<>();
  private final Random random = new Random(1);
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private long nextId = 1;

  ContractService(Path contractFile, int port) throws Exception {
    contract = new ContractLoader().load(contractFile);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public static void main(String[] args) throws Exception {
    ContractService s = new ContractService(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 0);
    System.out.println(s.url());
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String path = ex.getRequestURI().getRawPath();
      Optional<Operation> op = contract.find(ex.getRequestMethod(), path);
      int[] status = {404};
      JsonNode out;
      synchronized (this) {
        out = op.isEmpty() ? error("no such route") : answer(op.get(), path, body, ex, status);
      }
      if (op.isEmpty()) status[0] = 404;
      send(ex, status[0], out);
    }
  }

  private JsonNode answer(Operation op, String path, String body, HttpExchange ex, int[] status) {
    String[] seg = path.split("/");
    String last = URLDecoder.decode(seg[seg.length - 1], StandardCharsets.UTF_8);
    for (Operation.Param p : op.params("path")) {
      if (!schemas.valid(p.schema(), coerce(p.schema(), last)) && op.path().endsWith("{" + p.name() + "}")) {
        status[0] = 400;
        return error("bad path parameter " + p.name());
      }
    }
    Map<String, String> query = query(ex.getRequestURI().getRawQuery());
    for (Operation.Param p : op.params("query")) {
      String v = query.get(p.name());
      if ((v == null && p.required()) || (v != null && !schemas.valid(p.schema(), coerce(p.schema(), v)))) {
        status[0] = 400;
        return error("bad query parameter " + p.name());
      }
    }
    JsonNode input = null;
    if (op.body().isPresent()) {
      String ct = ex.getRequestHeaders().getFirst("Content-Type");
      try {
        input = ct != null && ct.contains("json") ? JSON.readTree(body) : null;
      } catch (IOException e) {
        input = null;
      }
      if ((input == null || input.isMissingNode()) && op.body().get().required()
          || input != null && !schemas.valid(op.body().get().schema(), input)) {
        status[0] = 400;
        return error("the body does not match the contract");
      }
    }
    boolean item = op.path().endsWith("}");
    String collection = item ? op.path().substring(0, op.path().lastIndexOf('/')) : op.path();
    boolean crud = store.containsKey(collection) || contract.operations().stream().anyMatch(
        o -> o.method().equals("POST") && o.path().equals(collection));
    if (!crud || (op.method().equals("POST") && item) || collection.contains("{")) {
      status[0] = 501;
      return error("not implemented");
    }
    Map<String, JsonNode> items = store.computeIfAbsent(collection, k -> new LinkedHashMap<>());
    switch (op.method()) {
      case "POST" -> {
        ObjectNode created = complete(op, 201, input);
        status[0] = 201;
        items.put(created.get("id").asText(), created);
        return created;
      }
      case "GET" -> {
        if (!item) {
          status[0] = 200;
          return JSON.valueToTree(new ArrayList<>(items.values()));
        }
        return found(items.get(last), status, 200);
      }
      case "PUT", "PATCH" -> {
        JsonNode existing = items.get(last);
        if (existing == null) return found(null, status, 200);
        ObjectNode updated = ((ObjectNode) existing).deepCopy();
        JsonNode props = op.body().map(b -> ValueGenerator.merge(b.schema()).path("properties")).orElse(null);
        if (input != null && input.isObject() && props != null) {
          input.fields().forEachRemaining(e -> {
            // Only what the contract describes is stored; read-only fields stay the server's.
            if (props.has(e.getKey()) && !SchemaView.flagged(props.get(e.getKey()), "readOnly")) {
              updated.set(e.getKey(), e.getValue());
            }
          });
        }
        items.put(last, updated);
        status[0] = 200;
        return updated;
      }
      case "DELETE" -> {
        if (items.remove(last) == null) return found(null, status, 204);
        status[0] = 204;
        return null;
      }
      default -> {
        status[0] = 501;
        return error("not implemented");
      }
    }
  }

  /** The sent body plus an id and values for the read-only fields the response schema requires. */
  private ObjectNode complete(Operation op, int status, JsonNode input) {
    JsonNode schema = op.responseFor(status).map(Operation.Response::schema).orElse(null);
    ObjectNode out = JSON.createObjectNode();
    JsonNode props = schema == null ? JSON.createObjectNode() : ValueGenerator.merge(schema).path("properties");
    String idType = props.path("id").path("type").asText("integer");
    if (idType.equals("string")) {
      out.put("id", new java.util.UUID(random.nextLong() & ~0xF000L | 0x4000L,
          random.nextLong() & 0x3FFFFFFFFFFFFFFFL | 0x8000000000000000L).toString());
    } else {
      out.put("id", nextId++);
    }
    for (JsonNode r : schema == null ? JSON.createArrayNode() : ValueGenerator.merge(schema).path("required")) {
      String name = r.asText();
      boolean clientSends = input != null && input.has(name) && !SchemaView.flagged(props.path(name), "readOnly");
      if (out.has(name) || clientSends || !props.has(name)) continue;
      new ValueGenerator(random).generate(((ObjectNode) props.get(name).deepCopy()).without("readOnly"))
          .ifPresent(v -> out.set(name, v));
    }
    if (input != null && input.isObject()) {
      input.fields().forEachRemaining(e -> {
        // Only what the contract describes is stored; read-only fields stay the server's.
        JsonNode ps = props.get(e.getKey());
        if (ps != null && !SchemaView.flagged(ps, "readOnly")) out.set(e.getKey(), e.getValue());
      });
    }
    return out;
  }

  private static JsonNode found(JsonNode item, int[] status, int ok) {
    if (item == null) {
      status[0] = 404;
      return error("not found");
    }
    status[0] = ok;
    return item;
  }

  private static JsonNode coerce(JsonNode schema, String raw) {
    String type = schema.path("type").asText("string");
    try {
      return switch (type) {
        case "integer" -> JSON.getNodeFactory().numberNode(Long.parseLong(raw));
        case "number" -> JSON.getNodeFactory().numberNode(new java.math.BigDecimal(raw));
        case "boolean" -> raw.equals("true") || raw.equals("false") ? JSON.getNodeFactory().booleanNode(
            Boolean.parseBoolean(raw)) : JSON.getNodeFactory().textNode(raw);
        default -> JSON.getNodeFactory().textNode(raw);
      };
    } catch (NumberFormatException e) {
      return JSON.getNodeFactory().textNode(raw);
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw == null) return out;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static ObjectNode error(String message) {
    return JSON.createObjectNode().put("error", message);
  }

  private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
    if (body == null || status == 204) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    byte[] out = body.toString().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @Override public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
