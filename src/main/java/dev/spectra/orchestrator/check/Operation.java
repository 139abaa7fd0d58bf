package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One operation of the contract, with every schema already inlined and converted to JSON Schema 2020-12.
 *
 * @param method upper-case HTTP method
 * @param path the path template, e.g. {@code /books/{bookId}}
 * @param id the operationId, or "METHOD path" when the contract gives none
 * @param params path, query and header parameters
 * @param body the request body, if the operation takes one
 * @param responses by status code ("200", "4XX", "default")
 * @param security the security schemes that protect it (empty: open)
 */
record Operation(String method, String path, String id, List<Param> params, Optional<Body> body,
    Map<String, Response> responses, List<Scheme> security) {

  /** A parameter; {@code schema} is for request values. */
  record Param(String name, String in, boolean required, JsonNode schema) {}

  /** A request body in one media type; {@code schema} is the request view (readOnly properties not required). */
  record Body(String mediaType, boolean required, JsonNode schema) {}

  /**
   * A declared response.
   *
   * @param schema the response view of its JSON schema, or {@code null} when it declares no JSON body
   * @param hasContent the response declares some content (of any media type)
   * @param links OpenAPI links: name to (target operationId, parameter name to runtime expression)
   */
  record Response(JsonNode schema, boolean hasContent, Map<String, Link> links) {}

  record Link(String operationId, Map<String, String> parameters) {}

  /** A security scheme as far as a probe needs it: where a credential goes. */
  record Scheme(String name, String type, String in, String paramName) {}

  String label() {
    return method + " " + path + (id.equals(method + " " + path) ? "" : " (" + id + ")");
  }

  /** {@return the declared response for a status: exact code, then range, then default} */
  Optional<Response> responseFor(int status) {
    Response r = responses.get(Integer.toString(status));
    if (r == null) r = responses.get((status / 100) + "XX");
    if (r == null) r = responses.get((status / 100) + "xx");
    if (r == null) r = responses.get("default");
    return Optional.ofNullable(r);
  }

  List<Param> params(String in) {
    return params.stream().filter(p -> p.in().equals(in)).toList();
  }

  /** {@return the statuses this operation declares, for messages} */
  String declaredStatuses() {
    return String.join(", ", responses.keySet());
  }

  /** {@return whether a concrete path like /books/12 is an instance of this operation's template} */
  boolean matches(String method, String concretePath) {
    if (!this.method.equalsIgnoreCase(method)) return false;
    String[] t = path.split("/", -1);
    String[] c = concretePath.split("\\?", 2)[0].split("/", -1);
    if (t.length != c.length) return false;
    for (int i = 0; i < t.length; i++) {
      if (t[i].startsWith("{") && t[i].endsWith("}")) {
        if (c[i].isEmpty()) return false;
      } else if (!t[i].equals(c[i])) {
        return false;
      }
    }
    return true;
  }
}
