package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of one request to an operation, as JSON values before serialisation; mutations work on these.
 *
 * @param path path parameter values (raw strings are TextNodes)
 * @param query query parameter values; a missing key is not sent
 * @param headers header parameter values
 * @param body the JSON body, or null for none
 */
record RequestParts(Map<String, JsonNode> path, Map<String, JsonNode> query, Map<String, JsonNode> headers,
    JsonNode body) {

  RequestParts {
    path = new LinkedHashMap<>(path);
    query = new LinkedHashMap<>(query);
    headers = new LinkedHashMap<>(headers);
  }

  RequestParts copy() {
    return new RequestParts(deep(path), deep(query), deep(headers), body == null ? null : body.deepCopy());
  }

  private static Map<String, JsonNode> deep(Map<String, JsonNode> m) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v.deepCopy()));
    return out;
  }

  /** {@return the call, with the JSON body in the operation's media type} */
  Call toCall(Operation op, Map<String, String> userHeaders) {
    String p = op.path();
    for (var e : path.entrySet()) p = p.replace("{" + e.getKey() + "}", Call.encode(text(e.getValue())));
    List<Map.Entry<String, String>> q = new ArrayList<>();
    for (var e : query.entrySet()) {
      JsonNode v = e.getValue();
      if (v.isNull()) continue;
      if (v.isArray()) {
        for (JsonNode item : v) q.add(Map.entry(e.getKey(), text(item)));   // style form, explode true (default)
      } else {
        q.add(Map.entry(e.getKey(), text(v)));
      }
    }
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Accept", "application/json");
    userHeaders.forEach(h::put);
    headers.forEach((k, v) -> h.put(k, text(v)));
    Call call = new Call(op.method(), p, q, h, null, List.copyOf(userHeaders.keySet()));
    if (body != null) {
      String mt = op.body().map(Operation.Body::mediaType).orElse("application/json");
      call = call.withBody(body.toString().getBytes(StandardCharsets.UTF_8), mt);
    }
    return call;
  }

  static String text(JsonNode v) {
    if (v.isTextual()) return v.asText();
    if (v.isArray()) {
      List<String> parts = new ArrayList<>();
      v.forEach(x -> parts.add(text(x)));
      return String.join(",", parts);
    }
    return v.toString();
  }
}
