package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

/**
 * Checks inferred from the contract's shape: for each collection ({@code POST /things}) with an item
 * ({@code GET /things/{id}}), what was created is retrievable and listed with the values sent, an update is
 * reflected, a deleted item answers 404 and its id is not given out again; and OpenAPI links from a create lead to
 * something that exists.
 */
final class StatefulChecker {
  private final Session s;

  StatefulChecker(Session session) {
    this.s = session;
  }

  /** A collection with its item operations. */
  private record Resource(String param, Operation create, Operation get, Optional<Operation> list,
      Optional<Operation> put, Optional<Operation> patch, Optional<Operation> delete) {}

  void run() {
    List<Resource> resources = resources();
    for (int i = 0; i < resources.size(); i++) {
      s.listener.progress("stateful", i, resources.size());
      check(resources.get(i));
    }
    s.listener.progress("stateful", resources.size(), resources.size());
  }

  private List<Resource> resources() {
    List<Resource> out = new ArrayList<>();
    for (Operation create : s.contract.operations()) {
      if (!create.method().equals("POST")) continue;
      for (Operation get : s.contract.operations()) {
        if (!get.method().equals("GET")) continue;
        String param = Session.itemParam(create.path(), get.path());
        if (param == null) continue;
        out.add(new Resource(param, create, get, find("GET", create.path()), find("PUT", get.path()),
            find("PATCH", get.path()), find("DELETE", get.path())));
      }
    }
    return out;
  }

  private Optional<Operation> find(String method, String path) {
    return s.contract.operations().stream().filter(o -> o.method().equals(method) && o.path().equals(path))
        .findFirst();
  }

  private void check(Resource r) {
    Random random = s.random("stateful", r.create());
    Created c = create(r, random);
    if (c == null) return;
    Set<JsonNode> ids = new HashSet<>();
    ids.add(c.id);
    Optional<JsonNode> read = read(r, c.id, c.sent, "created", random);
    if (read.isEmpty()) return;
    followLinks(r.create(), c, random);
    listed(r, c, random);
    r.put().ifPresent(put -> update(r, put, c.id, random));
    r.patch().ifPresent(patch -> update(r, patch, c.id, random));
    if (r.delete().isEmpty()) return;
    RequestParts del = itemRequest(r.delete().get(), r.param, c.id, random);
    Optional<Answer.Answered> gone = s.send(r.delete().get(), del, Judge.Intent.VALID, "");
    if (gone.isEmpty() || gone.get().status() / 100 != 2) return;
    RequestParts again = itemRequest(r.get(), r.param, c.id, random);
    Call call = s.call(r.get(), again);
    s.send(r.get(), call, Judge.Intent.VALID, "").ifPresent(a -> {
      if (a.status() != 404 && a.status() != 410) {
        stateful(r.get(), "a deleted item still answers " + a.status(), call, "404 after DELETE", a);
      }
    });
    Created next = create(r, random);
    if (next != null && ids.contains(next.id)) {
      stateful(r.create(), "the id of a deleted item was given out again", next.call, "a new id, not " + c.id,
          next.answer);
    }
  }

  private record Created(JsonNode id, JsonNode sent, Call call, Answer.Answered answer, JsonNode body) {}

  private Created create(Resource r, Random random) {
    List<Integer> statuses = new ArrayList<>();
    for (int attempt = 0; attempt < 6; attempt++) {
      Optional<RequestParts> parts = s.factory.valid(r.create(), random);
      if (parts.isEmpty()) {
        s.note(r.create().label() + ": no valid request could be generated; stateful checks skipped");
        return null;
      }
      Call call = s.call(r.create(), parts.get());
      Optional<Answer.Answered> a = s.send(r.create(), call, Judge.Intent.VALID, "");
      if (a.isEmpty()) return null;
      statuses.add(a.get().status());
      if (a.get().status() == 501) return null;   // pending: reported as such
      if (a.get().status() / 100 != 2) continue;
      JsonNode body = Session.json(a.get().body());
      JsonNode id = Session.idOf(body, r.param, a.get());
      if (id == null) {
        s.note(r.create().label() + ": the created item's id was not found (no '" + r.param
            + "' or 'id' property, no Location header); stateful checks skipped");
        return null;
      }
      return new Created(id, parts.get().body(), call, a.get(), body);
    }
    s.note(r.create().label() + ": six valid creates were refused (" + statuses
        + "); stateful checks skipped");
    return null;
  }

  private RequestParts itemRequest(Operation op, String param, JsonNode id, Random random) {
    RequestParts parts = s.factory.valid(op, random).orElse(new RequestParts(Map.of(), Map.of(), Map.of(), null));
    parts.path().put(param, id);
    return parts;
  }

  /** Reads the item and checks that every value sent comes back. */
  private Optional<JsonNode> read(Resource r, JsonNode id, JsonNode sent, String what, Random random) {
    RequestParts parts = itemRequest(r.get(), r.param, id, random);
    Call call = s.call(r.get(), parts);
    Optional<Answer.Answered> a = s.send(r.get(), call, Judge.Intent.VALID, "");
    if (a.isEmpty() || a.get().status() == 501) return Optional.empty();
    if (a.get().status() != 200) {
      stateful(r.get(), "a " + what + " item is not retrievable", call, "200 with the item", a.get());
      return Optional.empty();
    }
    JsonNode got = Session.json(a.get().body());
    if (got == null) return Optional.empty();   // the judge reported the body
    String diff = missing(sent, got, "");
    if (diff != null) {
      String property = diff.substring(0, diff.indexOf('\'', 1) + 1).replaceAll("\\[\\d+]", "[N]");
      stateful(r.get(), "a " + what + " item does not read back as sent: " + property, call,
          "the values sent: " + Judge.truncate(String.valueOf(sent)), a.get(), diff);
    }
    return Optional.of(got);
  }

  private void listed(Resource r, Created c, Random random) {
    if (r.list().isEmpty()) return;
    Operation list = r.list().get();
    Optional<RequestParts> parts = s.factory.valid(list, random);
    if (parts.isEmpty()) return;
    // Only required query parameters: an optional filter could hide the item for good reasons.
    RequestParts p = parts.get();
    for (Operation.Param q : list.params("query")) {
      if (!q.required()) p.query().remove(q.name());
    }
    Call call = s.call(list, p);
    Optional<Answer.Answered> a = s.send(list, call, Judge.Intent.VALID, "");
    if (a.isEmpty() || a.get().status() != 200) return;
    JsonNode body = Session.json(a.get().body());
    JsonNode items = body != null && body.isArray() ? body : firstArray(body);
    if (items == null) return;
    for (JsonNode item : items) {
      JsonNode id = item.isObject() ? (item.has(r.param) ? item.get(r.param) : item.get("id")) : null;
      if (id != null && sameValue(id, c.id)) return;
    }
    if (items.size() >= 10 && list.params("query").stream().anyMatch(q -> q.name().matches("(?i)limit|size|page.*"))) {
      s.note(list.label() + ": the created item was not on the first page; listing not checked");
      return;
    }
    stateful(list, "a created item is not listed", call, "an item with " + r.param + " = " + c.id, a.get());
  }

  private void update(Resource r, Operation op, JsonNode id, Random random) {
    for (int attempt = 0; attempt < 3; attempt++) {
      RequestParts parts = itemRequest(op, r.param, id, random);
      if (parts.body() == null || (parts.body().isObject() && parts.body().isEmpty())) continue;
      Optional<Answer.Answered> a = s.send(op, parts, Judge.Intent.VALID, "");
      if (a.isEmpty() || a.get().status() == 501) return;
      if (a.get().status() / 100 != 2) continue;
      read(r, id, parts.body(), op.method().equals("PUT") ? "replaced" : "updated", random);
      return;
    }
  }

  /** Follows the links a create's response declares: each must reach something that exists. */
  private void followLinks(Operation create, Created c, Random random) {
    Optional<Operation.Response> declared = create.responseFor(c.answer.status());
    if (declared.isEmpty()) return;
    for (var link : declared.get().links().entrySet()) {
      Optional<Operation> target = s.contract.byId(link.getValue().operationId());
      if (target.isEmpty()) {
        s.note(create.label() + ": link '" + link.getKey() + "' names an unknown operation; not followed");
        continue;
      }
      Optional<RequestParts> parts = s.factory.valid(target.get(), random);
      if (parts.isEmpty()) continue;
      boolean resolved = true;
      for (var p : link.getValue().parameters().entrySet()) {
        JsonNode v = runtime(p.getValue(), c);
        if (v == null) {
          resolved = false;
          break;
        }
        String name = p.getKey().replaceFirst("^(path|query|header)\\.", "");
        Operation.Param param = target.get().params().stream().filter(x -> x.name().equals(name)).findFirst()
            .orElse(null);
        if (param == null) continue;
        (param.in().equals("path") ? parts.get().path() : param.in().equals("query") ? parts.get().query()
            : parts.get().headers()).put(name, v);
      }
      if (!resolved) continue;
      Call call = s.call(target.get(), parts.get());
      s.send(target.get(), call, Judge.Intent.VALID, "").ifPresent(a -> {
        if (a.status() == 404) {
          stateful(target.get(), "link '" + link.getKey() + "' from " + create.id() + " leads nowhere", call,
              "the linked item", a);
        }
      });
    }
  }

  private static JsonNode runtime(String expr, Created c) {
    if (expr.startsWith("$response.body#")) {
      return c.body == null ? null : nonMissing(c.body.at(expr.substring("$response.body#".length())));
    }
    if (expr.startsWith("$request.body#")) {
      return c.sent == null ? null : nonMissing(c.sent.at(expr.substring("$request.body#".length())));
    }
    if (expr.startsWith("$response.header.")) {
      String h = c.answer.header(expr.substring("$response.header.".length()));
      return h.isEmpty() ? null : com.fasterxml.jackson.databind.node.TextNode.valueOf(h);
    }
    return null;
  }

  private static JsonNode nonMissing(JsonNode n) {
    return n == null || n.isMissingNode() ? null : n;
  }

  private static JsonNode firstArray(JsonNode body) {
    if (body == null || !body.isObject()) return null;
    for (JsonNode v : body) if (v.isArray()) return v;
    return null;
  }

  /** {@return where {@code got} lacks a value of {@code sent} ("'name' sent 'x', got 'y'"), or null} */
  static String missing(JsonNode sent, JsonNode got, String at) {
    if (sent == null) return null;
    if (sent.isObject()) {
      if (got == null || !got.isObject()) return "'" + at + "' is not an object";
      for (Iterator<Map.Entry<String, JsonNode>> it = sent.fields(); it.hasNext(); ) {
        var e = it.next();
        String where = at.isEmpty() ? e.getKey() : at + "." + e.getKey();
        if (!got.has(e.getKey())) {
          if (e.getValue().isNull()) continue;   // null sent, absent returned: same meaning
          return "'" + where + "' missing";
        }
        String d = missing(e.getValue(), got.get(e.getKey()), where);
        if (d != null) return d;
      }
      return null;
    }
    if (sent.isArray()) {
      if (got == null || !got.isArray() || got.size() != sent.size()) return "'" + at + "' has other items";
      for (int i = 0; i < sent.size(); i++) {
        String d = missing(sent.get(i), got.get(i), at + "[" + i + "]");
        if (d != null) return d;
      }
      return null;
    }
    return sameValue(sent, got) ? null : "'" + at + "' sent " + sent + ", got " + got;
  }

  static boolean sameValue(JsonNode a, JsonNode b) {
    if (a == null || b == null) return a == b;
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
    if (a.isTextual() && b.isTextual()) {
      if (a.asText().equals(b.asText())) return true;
      try {
        // Same instant, other spelling (2024-01-01T00:00:00Z vs 2024-01-01T00:00Z) is the same value.
        return Instant.parse(a.asText()).equals(Instant.parse(b.asText()));
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    if (a.isNumber() && b.isTextual() || a.isTextual() && b.isNumber()) return a.asText().equals(b.asText());
    return a.equals(b);
  }

  private void stateful(Operation op, String summary, Call call, String expected, Answer.Answered a) {
    stateful(op, summary, call, expected, a, null);
  }

  private void stateful(Operation op, String summary, Call call, String expected, Answer.Answered a,
      String detail) {
    Finding.Evidence e = Judge.evidence(call.curl(s.transport.baseUrl()), expected, a);
    if (detail != null) e = new Finding.Evidence(e.curl(), e.expected(), detail + "; " + e.actual());
    s.findings.add(new Finding.Stateful(op.label(), summary, e, OptionalLong.of(s.request.seed())));
  }
}
