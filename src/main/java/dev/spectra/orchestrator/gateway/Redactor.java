package dev.spectra.orchestrator.gateway;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Removes secrets from text that leaves the server (error bodies, access log lines). Upstream error bodies are
 * attacker- or vendor-controlled and may echo the key we sent; the gateway never forwards them unfiltered.
 */
final class Redactor {
  private static final String MASK = "[redacted]";
  private static final Pattern BEARER = Pattern.compile("(?i)(bearer\\s+)[A-Za-z0-9._~+/=-]{4,}");
  private static final Pattern KEY_LIKE = Pattern.compile("\\b(sk|sko|pk|rk)[-_][A-Za-z0-9_-]{8,}");
  private static final Pattern QUERY_SECRET =
      Pattern.compile("(?i)([?&](?:key|api[_-]?key|token|access_token|secret)=)[^&\\s\"']+");
  /**
   * A header value, after its scheme word: "Authorization: Bearer sk-..." keeps "Bearer" and masks the key, and an
   * instruction such as "send 'Authorization: Bearer &lt;key&gt;'" is left readable.
   */
  private static final Pattern HEADER_SECRET =
      Pattern.compile("(?i)((?:x-api-key|api-key|authorization)\"?\\s*[:=]\\s*\"?(?:(?:bearer|basic|token)\\s+)?)"
          + "(?!(?i:bearer|basic|token)\\b)[^\"\\s,}<>']{4,}");

  private final List<String> secrets;

  Redactor(List<String> secrets) {
    List<String> copy = new ArrayList<>();
    for (String s : secrets) if (s != null && s.length() >= 8) copy.add(s);
    // Longest first, so a secret that contains another is masked whole.
    copy.sort(Comparator.comparingInt(String::length).reversed());
    this.secrets = List.copyOf(copy);
  }

  /** Takes every environment value whose variable name says it is a credential. */
  static Redactor fromEnvironment(Map<String, String> env) {
    List<String> values = new ArrayList<>();
    env.forEach((name, value) -> {
      String n = name.toUpperCase(Locale.ROOT);
      if (n.contains("KEY") || n.contains("TOKEN") || n.contains("SECRET") || n.contains("PASSWORD")) values.add(value);
    });
    return new Redactor(values);
  }

  String redact(String text) {
    if (text == null || text.isEmpty()) return text;
    String out = text;
    for (String s : secrets) if (out.contains(s)) out = out.replace(s, MASK);
    out = BEARER.matcher(out).replaceAll("$1" + MASK);
    out = KEY_LIKE.matcher(out).replaceAll(MASK);
    out = QUERY_SECRET.matcher(out).replaceAll("$1" + MASK);
    out = HEADER_SECRET.matcher(out).replaceAll("$1" + MASK);
    return out;
  }
}
