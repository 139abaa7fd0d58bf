package dev.spectra.orchestrator.dashboard;

import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.LedgerException;
import io.javalin.http.Context;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is looking, decided on every request. On loopback (keys not required) everyone on this machine is trusted as
 * the gateway trusts them, with key management included, as the {@code keys} command already allows. Beyond loopback
 * a gateway key is needed, sent as {@code Authorization: Bearer} or typed once into the sign-in form, which sets an
 * HttpOnly cookie holding a random session id (never the key). A key is never accepted in the URL: URLs end up in
 * logs, history and Referer headers. Ordinary keys read; admin keys also manage keys. The key row is read on every
 * request, so a revoked key's sessions end at once.
 */
final class Access {
  static final String COOKIE = "sko_ui";
  private static final Duration SESSION_LIFETIME = Duration.ofHours(12);
  private static final int MAX_SESSIONS = 10_000;

  /** Who is looking. */
  sealed interface Viewer {
    /** {@return may create, revoke and change keys} */
    boolean admin();

    /** {@return the token a form must echo, so another site cannot post on the viewer's behalf} */
    String csrf();

    /** {@return a label for the header} */
    String label();

    /** A browser on this machine, with keys not required. */
    record Local(String csrf) implements Viewer {
      @Override public boolean admin() { return true; }

      @Override public String label() { return "local"; }
    }

    /**
     * A gateway key, from the Authorization header ({@code session} null) or a signed-in session.
     *
     * @param csrf the session's token; for the header, none is needed (browsers never add that header by themselves)
     */
    record Keyed(GatewayKeys.KeyInfo key, String session, String csrf) implements Viewer {
      @Override public boolean admin() { return key.admin(); }

      @Override public String label() { return key.name() + (key.admin() ? " (admin)" : ""); }
    }
  }

  private record Session(String keyId, String csrf, Instant expires) {}

  private final GatewayKeys keys;
  private final boolean keysRequired;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final String localCsrf;

  /** @param keys null only when keys are not required */
  Access(GatewayKeys keys, boolean keysRequired, Clock clock) {
    if (keysRequired && keys == null) throw new IllegalArgumentException("keys are required but no key store given");
    this.keys = keys;
    this.keysRequired = keysRequired;
    this.clock = clock;
    this.localCsrf = token();
  }

  boolean keysRequired() { return keysRequired; }

  /** {@return the viewer, or empty when the request must sign in first (nothing has been answered yet)} */
  Optional<Viewer> viewer(Context ctx) {
    if (!keysRequired) return Optional.of(new Viewer.Local(localCsrf));
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return keys.authenticate(header.substring(7).trim()).map(k -> new Viewer.Keyed(k, null, null));
    }
    String id = ctx.cookie(COOKIE);
    if (id == null) return Optional.empty();
    Session s = sessions.get(id);
    if (s == null) return Optional.empty();
    if (s.expires().isBefore(clock.instant())) {
      sessions.remove(id);
      return Optional.empty();
    }
    Optional<GatewayKeys.KeyInfo> key = keys.byId(s.keyId());
    if (key.isEmpty() || !key.get().active()) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.of(new Viewer.Keyed(key.get(), id, s.csrf()));
  }

  /**
   * Signs in with a key typed into the form.
   *
   * @return the session id for the cookie, or empty for a wrong, revoked or malformed key
   */
  Optional<String> signIn(String presentedKey) throws LedgerException {
    if (!keysRequired || presentedKey == null) return Optional.empty();
    Optional<GatewayKeys.KeyInfo> key = keys.authenticate(presentedKey.strip());
    if (key.isEmpty()) return Optional.empty();
    prune();
    String id = token();
    sessions.put(id, new Session(key.get().id(), token(), clock.instant().plus(SESSION_LIFETIME)));
    return Optional.of(id);
  }

  void signOut(String sessionId) {
    if (sessionId != null) sessions.remove(sessionId);
  }

  /** The cookie header for a session: HttpOnly (no script reads it), SameSite=Strict, only under /ui. */
  static String cookie(String sessionId, boolean secure) {
    return COOKIE + "=" + sessionId + "; Path=/ui; HttpOnly; SameSite=Strict; Max-Age="
        + SESSION_LIFETIME.toSeconds() + (secure ? "; Secure" : "");
  }

  static String expiredCookie() {
    return COOKIE + "=; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0";
  }

  /** {@return true when a state-changing form carries the viewer's token (or came with the Authorization header)} */
  static boolean formAllowed(Viewer viewer, String presented) {
    if (viewer instanceof Viewer.Keyed k && k.session() == null) return true;
    String expected = viewer.csrf();
    return presented != null && expected != null
        && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@return the name of a query parameter that carries a key, or null} Refused outright rather than ignored, so a
   * link with a key in it fails loudly the first time instead of leaking quietly for months.
   */
  static String keyInUrl(Context ctx) {
    for (var e : ctx.queryParamMap().entrySet()) {
      String name = e.getKey().toLowerCase(java.util.Locale.ROOT);
      if (name.equals("key") || name.equals("api_key") || name.equals("apikey") || name.equals("token")
          || name.equals("access_token")) {
        return e.getKey();
      }
      for (String v : e.getValue()) if (v != null && v.startsWith("sko_")) return e.getKey();
    }
    return null;
  }

  /**
   * {@return true when the Host header names this machine} With keys not required, a page from another site could
   * otherwise reach the dashboard through a DNS name it points at 127.0.0.1 (DNS rebinding).
   */
  static boolean loopbackHost(Context ctx) {
    String host = ctx.header("Host");
    if (host == null) return true;
    String h = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
        : host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
    return h.equals("localhost") || h.equals("[::1]") || h.startsWith("127.");
  }

  private void prune() {
    Instant now = clock.instant();
    for (Iterator<Map.Entry<String, Session>> it = sessions.entrySet().iterator(); it.hasNext(); ) {
      if (it.next().getValue().expires().isBefore(now)) it.remove();
    }
    // A flood of sign-ins must not grow memory without bound; the oldest sessions simply sign in again.
    if (sessions.size() >= MAX_SESSIONS) sessions.clear();
  }

  private String token() {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
