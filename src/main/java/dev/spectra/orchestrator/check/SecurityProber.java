package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;

/**
 * Security probes, each finding named by its CWE: injection-shaped strings in every string input (a 5xx or an
 * evaluated payload is a finding), mass assignment of read-only and unknown properties, protected operations that
 * answer without credentials, and (through the {@link Judge}) leaked internals and echoed credentials.
 */
final class SecurityProber {
  /** A payload, the weakness it tests, and text that proves it was executed rather than stored. */
  private record Payload(String family, String cwe, String value, String proof) {}

  /** Markers are computed by the payload (7*7, 6*7), so finding them means the input was evaluated. */
  private static final List<Payload> PAYLOADS = List.of(
      new Payload("SQL injection", "CWE-89", "x' OR '1'='1' -- ", null),
      new Payload("SQL injection", "CWE-89", "1; DROP TABLE spectra_probe; --", null),
      new Payload("OS command injection", "CWE-78", "x; echo spectra$((6*7))probe", "spectra42probe"),
      new Payload("OS command injection", "CWE-78", "x`echo spectra$((6*7))probe`", "spectra42probe"),
      new Payload("path traversal", "CWE-22", "../../../../../../etc/passwd", "root:x:0:0:"),
      new Payload("template injection", "CWE-1336", "spectra{{7*7}}probe", "spectra49probe"),
      new Payload("template injection", "CWE-1336", "spectra${7*7}probe", "spectra49probe"));

  private final Session s;

  SecurityProber(Session session) {
    this.s = session;
  }

  void run() {
    List<Operation> ops = Fuzzer.ordered(s.contract.operations());
    // A credential-looking header on every probe: the judge reports it if any answer carries it back.
    String canary = "spectra-canary-" + HexFormat.of().toHexDigits(new Random(s.request.seed()).nextLong());
    s.judge.canary(canary);
    for (int i = 0; i < ops.size(); i++) {
      s.listener.progress("security", i, ops.size());
      Operation op = ops.get(i);
      Random random = s.random("security", op);
      unauthenticated(op, random, canary);
      injections(op, random, canary);
      massAssignment(op, random);
    }
    s.listener.progress("security", ops.size(), ops.size());
  }

  private void unauthenticated(Operation op, Random random, String canary) {
    if (op.security().isEmpty()) return;
    Optional<RequestParts> parts = s.factory.valid(op, random);
    if (parts.isEmpty()) return;
    Call bare = withoutCredentials(s.call(op, parts.get()), op);
    s.send(op, bare, Judge.Intent.PROBE, "no credentials").ifPresent(a -> {
      if (a.status() / 100 == 2) {
        security(op, "answers " + a.status() + " without credentials", bare, "401 or 403", a, "CWE-306");
      }
    });
    Call bogus = bare;
    for (Operation.Scheme scheme : op.security()) {
      // The canary is the invalid credential: an answer that carries it back is reported by the judge.
      if (scheme.type().equals("apiKey") && scheme.in().equals("header")) {
        bogus = bogus.withHeader(scheme.paramName(), canary);
      } else if (scheme.type().equals("http") || scheme.type().equals("oauth2")
          || scheme.type().equals("openIdConnect")) {
        bogus = bogus.withHeader("Authorization", "Bearer " + canary);
      }
    }
    if (bogus == bare) return;
    Call sentBogus = bogus;
    s.send(op, bogus, Judge.Intent.PROBE, "invalid credentials").ifPresent(a -> {
      if (a.status() / 100 == 2) {
        security(op, "answers " + a.status() + " to invalid credentials", sentBogus, "401 or 403", a, "CWE-287");
      }
    });
  }

  private Call withoutCredentials(Call call, Operation op) {
    Call c = call.withHeader("Authorization", null);
    for (Operation.Scheme scheme : op.security()) {
      if (scheme.in().equals("header") && !scheme.paramName().isEmpty()) c = c.withHeader(scheme.paramName(), null);
    }
    return c;
  }

  private void injections(Operation op, Random random, String canary) {
    Optional<RequestParts> base = s.factory.valid(op, random);
    if (base.isEmpty()) return;
    List<Slot> slots = slots(op, base.get());
    int budget = 40;
    for (Slot slot : slots) {
      for (Payload p : PAYLOADS) {
        if (budget-- <= 0) return;
        RequestParts probe = slot.with(base.get(), p.value());
        Call call = s.call(op, probe);
        // The user's own credentials stay; otherwise a canary credential rides along to catch echoes.
        boolean userAuth = s.userHeaders().keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization"));
        if (!userAuth) call = call.withHeader("Authorization", "Bearer " + canary);
        Call sent = call;
        s.send(op, call, Judge.Intent.PROBE, p.family + " in " + slot.name).ifPresent(a -> {
          if (a.status() >= 500 && a.status() != 501) {
            security(op, p.family + "-shaped input in " + slot.name + " causes " + a.status(), sent,
                "the input refused or stored as text", a, p.cwe);
          } else if (p.proof != null && (a.body().contains(p.proof))) {
            security(op, p.family + " in " + slot.name + ": the input was evaluated", sent,
                "the input treated as text", a, p.cwe);
          }
        });
      }
    }
  }

  /** A string input that a payload can replace. */
  private record Slot(String name, String in, String key) {
    RequestParts with(RequestParts base, String value) {
      RequestParts p = base.copy();
      switch (in) {
        case "path" -> p.path().put(key, TextNode.valueOf(value));
        case "query" -> p.query().put(key, TextNode.valueOf(value));
        case "header" -> p.headers().put(key, TextNode.valueOf(value));
        default -> {
          JsonNode node = p.body();
          String[] parts = key.split("\\.");
          for (int i = 0; i < parts.length - 1; i++) node = node.get(parts[i]);
          ((ObjectNode) node).put(parts[parts.length - 1], value);
        }
      }
      return p;
    }
  }

  private List<Slot> slots(Operation op, RequestParts base) {
    List<Slot> out = new ArrayList<>();
    for (Operation.Param p : op.params()) {
      if (p.in().equals("header")) continue;
      String type = p.schema().path("type").asText("string");
      if (type.equals("string") && !p.schema().has("enum") && !p.schema().has("format")) {
        out.add(new Slot(p.in() + " parameter '" + p.name() + "'", p.in(), p.name()));
      }
    }
    if (base.body() != null && base.body().isObject()) bodySlots(base.body(), "", out);
    return out;
  }

  private void bodySlots(JsonNode node, String prefix, List<Slot> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getValue().isTextual()) {
        out.add(new Slot("property '" + prefix + e.getKey() + "'", "body", prefix + e.getKey()));
      } else if (e.getValue().isObject() && prefix.chars().filter(c -> c == '.').count() < 2) {
        bodySlots(e.getValue(), prefix + e.getKey() + ".", out);
      }
    }
  }

  /** Read-only and unknown properties sent by the client must not be stored (CWE-915). */
  private void massAssignment(Operation op, Random random) {
    if (op.body().isEmpty() || op.method().equals("GET") || op.method().equals("DELETE")) return;
    JsonNode schema = op.body().get().schema();
    JsonNode merged = schema.has("allOf") ? ValueGenerator.merge(schema) : schema;
    if (!merged.path("properties").isObject()) return;
    Optional<RequestParts> base = s.factory.valid(op, random);
    if (base.isEmpty() || base.get().body() == null || !base.get().body().isObject()) return;
    ValueGenerator gen = new ValueGenerator(random);
    ObjectNode body = (ObjectNode) base.get().body().deepCopy();
    List<String> readOnly = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = merged.get("properties").fields(); it.hasNext(); ) {
      var e = it.next();
      if (!SchemaView.flagged(e.getValue(), "readOnly")) continue;
      JsonNode ps = ((ObjectNode) e.getValue().deepCopy()).without("readOnly");
      Optional<JsonNode> v = gen.generate(ps);
      if (v.isEmpty() || v.get().isNull()) continue;
      JsonNode value = v.get().isIntegralNumber() ? s.schemas.valid(ps, com.fasterxml.jackson.databind.node.LongNode
          .valueOf(987_654_321L)) ? com.fasterxml.jackson.databind.node.LongNode.valueOf(987_654_321L) : v.get()
          : v.get();
      body.set(e.getKey(), value);
      readOnly.add(e.getKey());
    }
    boolean open = !(merged.path("additionalProperties").isBoolean() && !merged.get("additionalProperties").asBoolean());
    String unknownValue = "spectra-mass-" + Integer.toHexString(random.nextInt(0x10000));
    if (open) body.put("spectraIsAdmin", unknownValue);
    if (readOnly.isEmpty() && !open) return;
    RequestParts probe = new RequestParts(base.get().path(), base.get().query(), base.get().headers(), body);
    Call call = s.call(op, probe);
    Optional<Answer.Answered> a = s.send(op, call, Judge.Intent.PROBE, "read-only and unknown properties");
    if (a.isEmpty() || a.get().status() / 100 != 2) return;
    JsonNode stored = Session.json(a.get().body());
    if (stored == null || !stored.isObject()) return;
    if (open && stored.path("spectraIsAdmin").asText("").equals(unknownValue)) {
      security(op, "stores an unknown property the client sent (mass assignment)", call,
          "'spectraIsAdmin' ignored or refused", a.get(), "CWE-915");
    }
    for (String name : readOnly) {
      if (!stored.has(name) || !StatefulChecker.sameValue(stored.get(name), body.get(name))) continue;
      // The server may pick the same value itself (a default status): only a value it would not choose counts.
      if (serverChooses(op, base.get(), name, body.get(name))) continue;
      security(op, "stores read-only property '" + name + "' sent by the client (mass assignment)", call,
          "'" + name + "' set by the server, not " + body.get(name), a.get(), "CWE-915");
    }
  }

  private boolean serverChooses(Operation op, RequestParts base, String name, JsonNode value) {
    Optional<Answer.Answered> plain = s.send(op, base, Judge.Intent.VALID, "");
    if (plain.isEmpty() || plain.get().status() / 100 != 2) return true;
    JsonNode stored = Session.json(plain.get().body());
    return stored == null || (stored.has(name) && StatefulChecker.sameValue(stored.get(name), value));
  }

  private void security(Operation op, String summary, Call call, String expected, Answer.Answered a, String cwe) {
    s.findings.add(new Finding.Security(op.label(), summary, Judge.evidence(call.curl(s.transport.baseUrl()),
        expected, a), OptionalLong.of(s.request.seed()), cwe));
  }
}
