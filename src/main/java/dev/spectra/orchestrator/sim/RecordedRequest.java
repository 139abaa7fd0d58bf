package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request the simulator received, in arrival order.
 *
 * @param method HTTP method
 * @param path request path without the query string
 * @param headers header values by lower-case name
 * @param body the parsed JSON body; a {@code MissingNode} when there was none, a {@code TextNode} holding the raw
 *     text when it was not JSON
 */
public record RecordedRequest(String method, String path, Map<String, List<String>> headers, JsonNode body) {
  public RecordedRequest {
    TreeMap<String, List<String>> lower = new TreeMap<>();
    headers.forEach((k, v) -> lower.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v),
        (a, b) -> java.util.stream.Stream.concat(a.stream(), b.stream()).toList()));
    headers = java.util.Collections.unmodifiableMap(lower);
  }

  /** {@return the first value of a header, matched case-insensitively} */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
  }

  @Override public String toString() {
    // Credentials stay out of test output and logs.
    return "RecordedRequest[" + method + " " + path + ", headers=" + headers.keySet() + ", body=" + body + "]";
  }
}
