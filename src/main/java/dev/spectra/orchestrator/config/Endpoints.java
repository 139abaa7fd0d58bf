package dev.spectra.orchestrator.config;

import dev.spectra.orchestrator.model.ProviderKind;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Reads a user's URL: which dialect it speaks and the base URL a provider appends its routes to. */
final class Endpoints {
  static final URI OLLAMA_DEFAULT = URI.create("http://localhost:11434");
  static final URI OPENAI_DEFAULT = URI.create("https://api.openai.com/v1");
  static final URI ANTHROPIC_DEFAULT = URI.create("https://api.anthropic.com/v1");

  private Endpoints() {}

  /** A dialect and the base URL for it. */
  record Endpoint(ProviderKind kind, URI base) {}

  /** Thrown with what was expected; the caller knows the key and the source. */
  static final class BadUrl extends Exception {
    BadUrl(String message) { super(message, null, false, false); }
  }

  /**
   * Detects the dialect (unless {@code explicit} is given) and normalises: Ollama to the server root (we call
   * its native {@code /api/chat} even when the seed's {@code /v1/chat/completions} URL was given), OpenAI-style
   * servers to the {@code /v1} base, Anthropic to the {@code /v1} base.
   */
  static Endpoint parse(String url, ProviderKind explicit) throws BadUrl {
    URI uri = uri(url);
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
    ProviderKind kind = explicit != null ? explicit : detect(host, uri.getPort(), path);
    String root = uri.getScheme() + "://" + uri.getRawAuthority();
    String base = switch (kind) {
      case OLLAMA -> root + cutAt(path, "/api", "/v1");
      case ANTHROPIC -> root + orV1(stripSuffix(path, "/messages"));
      case OPENAI, OPENAI_COMPATIBLE, LLAMA_CPP, VLLM ->
          root + orV1(stripSuffix(stripSuffix(path, "/chat/completions"), "/completions"));
    };
    return new Endpoint(kind, URI.create(base));
  }

  static ProviderKind detect(String host, int port, String path) {
    if (host.equals("api.anthropic.com") || path.endsWith("/messages")) return ProviderKind.ANTHROPIC;
    if (host.equals("api.openai.com")) return ProviderKind.OPENAI;
    if (port == 11434 || path.equals("/api") || path.startsWith("/api/")) return ProviderKind.OLLAMA;
    return ProviderKind.OPENAI_COMPATIBLE;
  }

  static URI uri(String url) throws BadUrl {
    String expected = "expected an http(s) URL such as http://localhost:11434/v1/chat/completions";
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new BadUrl(expected + ", got '" + url + "' (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new BadUrl(expected + ", got '" + url + "' (no http:// or https://)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) throw new BadUrl(expected + ", got '" + url + "' (no host)");
    if (uri.getRawUserInfo() != null) throw new BadUrl("expected no user:password in the URL; put keys in an environment variable");
    return uri;
  }

  /** {@return true for hosts on the user's own machine or network: loopback, private ranges, *.local} */
  static boolean isLocal(URI uri) {
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.equals("localhost") || host.endsWith(".local") || host.endsWith(".internal")
        || host.equals("host.docker.internal")) {
      return true;
    }
    // Only literal addresses: resolving a name here would cost a DNS round trip at startup.
    if (!host.matches("[0-9.]+") && !host.contains(":") && !host.startsWith("[")) return false;
    try {
      InetAddress a = InetAddress.getByName(host.replace("[", "").replace("]", ""));
      return a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress();
    } catch (Exception e) {
      return false;
    }
  }

  private static String cutAt(String path, String... markers) {
    int cut = path.length();
    for (String m : markers) {
      int i = path.indexOf(m + "/");
      if (i < 0 && path.endsWith(m)) i = path.length() - m.length();
      if (i >= 0 && i < cut) cut = i;
    }
    return path.substring(0, cut);
  }

  private static String stripSuffix(String path, String suffix) {
    return path.endsWith(suffix) ? path.substring(0, path.length() - suffix.length()) : path;
  }

  private static String orV1(String path) {
    return path.isEmpty() ? "/v1" : path;
  }
}
