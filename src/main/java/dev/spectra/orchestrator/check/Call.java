package dev.spectra.orchestrator.check;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request the checker sends, relative to the service's base URL.
 *
 * @param method the HTTP method, upper case
 * @param path the path with parameters already substituted and percent-encoded, starting with {@code /}
 * @param query query parameters in order; a name may repeat
 * @param headers request headers
 * @param body the body bytes, or {@code null} for none
 * @param secretHeaders names of headers whose values came from the user (credentials): never printed
 */
record Call(String method, String path, List<Map.Entry<String, String>> query, Map<String, String> headers,
    byte[] body, List<String> secretHeaders) {

  public Call {
    if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with '/': " + path);
    query = List.copyOf(query);
    headers = Map.copyOf(new LinkedHashMap<>(headers));
    secretHeaders = List.copyOf(secretHeaders);
  }

  static Call of(String method, String path) {
    return new Call(method, path, List.of(), Map.of(), null, List.of());
  }

  Call withHeader(String name, String value) {
    Map<String, String> h = new LinkedHashMap<>(headers);
    h.keySet().removeIf(k -> k.equalsIgnoreCase(name));
    if (value != null) h.put(name, value);
    return new Call(method, path, query, h, body, secretHeaders);
  }

  Call withBody(byte[] bytes, String contentType) {
    return new Call(method, path, query, headers, bytes, secretHeaders).withHeader("Content-Type", contentType);
  }

  /** {@return the path and query string, percent-encoded} */
  String target() {
    if (query.isEmpty()) return path;
    StringBuilder sb = new StringBuilder(path).append('?');
    for (int i = 0; i < query.size(); i++) {
      if (i > 0) sb.append('&');
      sb.append(encode(query.get(i).getKey())).append('=').append(encode(query.get(i).getValue()));
    }
    return sb.toString();
  }

  /** {@return a {@code curl} line reproducing this request against {@code baseUrl}; user credentials are masked} */
  String curl(String baseUrl) {
    StringBuilder sb = new StringBuilder("curl -sS -i -X ").append(method).append(' ')
        .append(shellQuote(baseUrl + target()));
    for (var h : headers.entrySet()) {
      boolean secret = secretHeaders.stream().anyMatch(s -> s.equalsIgnoreCase(h.getKey()));
      sb.append(" -H ").append(shellQuote(h.getKey() + ": " + (secret ? "<value from --header>" : h.getValue())));
    }
    if (body != null) {
      String text = new String(body, StandardCharsets.UTF_8);
      if (text.length() > 2000) {
        // Oversized bodies are described, not pasted: the line must stay readable in a report or a prompt.
        sb.append(" --data-binary @body-of-").append(body.length).append("-bytes");
      } else {
        sb.append(" --data-raw ").append(shellQuote(text));
      }
    }
    return sb.toString();
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
