package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/** What the phases of one check share: the contract, the wire, the judge, the pools and the notes. */
final class Session {
  private static final ObjectMapper JSON = new ObjectMapper();

  final ApiContract contract;
  final ServiceClient transport;
  final SchemaCheck schemas;
  final Judge judge;
  final Findings findings;
  final Pools pools;
  final RequestFactory factory;
  final Mutator mutator;
  final CheckRequest request;
  final CheckListener listener;
  private final List<String> notes = new ArrayList<>();

  Session(ApiContract contract, ServiceClient transport, CheckRequest request, CheckListener listener) {
    this.contract = contract;
    this.transport = transport;
    this.request = request;
    this.listener = listener;
    this.schemas = new SchemaCheck();
    this.findings = new Findings();
    this.judge = new Judge(contract, schemas, findings, transport.baseUrl(), request.security());
    this.pools = new Pools(contract);
    this.factory = new RequestFactory(schemas, pools);
    this.mutator = new Mutator(schemas, factory);
  }

  /** A random stream of its own for each operation and phase: adding an operation does not change the others. */
  Random random(String phase, Operation op) {
    return new Random(request.seed() * 31 + (phase + " " + op.method() + " " + op.path()).hashCode());
  }

  Call call(Operation op, RequestParts parts) {
    return parts.toCall(op, request.headers());
  }

  /** Sends, judges, learns identifiers from creates and deletes; returns the answer if there was one. */
  Optional<Answer.Answered> send(Operation op, Call call, Judge.Intent intent, String why) {
    Answer ex = transport.send(call);
    Optional<Answer.Answered> a = judge.judge(op, ex, intent, OptionalLong.of(request.seed()), why);
    a.ifPresent(ans -> learn(op, ans));
    return a;
  }

  Optional<Answer.Answered> send(Operation op, RequestParts parts, Judge.Intent intent, String why) {
    return send(op, call(op, parts), intent, why);
  }

  private void learn(Operation op, Answer.Answered a) {
    if (a.status() / 100 != 2) return;
    if (op.method().equals("POST")) {
      for (Operation item : contract.operations()) {
        String param = itemParam(op.path(), item.path());
        if (param == null) continue;
        JsonNode id = idOf(json(a.body()), param, a);
        if (id != null) pools.add(param, id);
        return;
      }
    }
    if (op.method().equals("DELETE")) {
      String[] seg = op.path().split("/");
      String last = seg[seg.length - 1];
      if (last.startsWith("{")) {
        String param = last.substring(1, last.length() - 1);
        String[] concrete = a.call().path().split("/");
        pools.remove(param, JSON.getNodeFactory().textNode(java.net.URLDecoder.decode(concrete[concrete.length - 1],
            java.nio.charset.StandardCharsets.UTF_8)));
        try {
          pools.remove(param, JSON.getNodeFactory().numberNode(Long.parseLong(concrete[concrete.length - 1])));
        } catch (NumberFormatException ignored) {
          // not a numeric id
        }
      }
    }
  }

  /** {@return the parameter name when {@code item} is {@code collection/{param}}, else null} */
  static String itemParam(String collection, String item) {
    if (!item.startsWith(collection + "/")) return null;
    String rest = item.substring(collection.length() + 1);
    if (rest.startsWith("{") && rest.endsWith("}") && rest.indexOf('/') < 0) return rest.substring(1, rest.length() - 1);
    return null;
  }

  /** {@return the identifier in a created item: the property named like the parameter, or "id", or Location} */
  static JsonNode idOf(JsonNode body, String param, Answer.Answered a) {
    if (body != null && body.isObject()) {
      if (body.hasNonNull(param) && body.get(param).isValueNode()) return body.get(param);
      if (body.hasNonNull("id") && body.get("id").isValueNode()) return body.get("id");
    }
    String location = a.header("Location");
    if (!location.isEmpty()) {
      String last = location.replaceAll("/+$", "");
      last = last.substring(last.lastIndexOf('/') + 1);
      if (!last.isEmpty()) {
        try {
          return JSON.getNodeFactory().numberNode(Long.parseLong(last));
        } catch (NumberFormatException e) {
          return JSON.getNodeFactory().textNode(last);
        }
      }
    }
    return null;
  }

  static JsonNode json(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      return n == null || n.isMissingNode() ? null : n;
    } catch (Exception e) {
      return null;
    }
  }

  synchronized void note(String note) {
    if (!notes.contains(note)) notes.add(note);
  }

  synchronized List<String> notes() {
    return List.copyOf(notes);
  }

  Map<String, String> userHeaders() {
    return request.headers();
  }
}
