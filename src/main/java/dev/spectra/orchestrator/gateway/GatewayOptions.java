package dev.spectra.orchestrator.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How the gateway listens and what it accepts.
 *
 * @param host address to bind; anything but a loopback address requires gateway API keys
 * @param port TCP port; 0 picks a free one
 * @param maxBodyBytes request bodies above this are refused with 413
 * @param requireKeys ask for a gateway key even on loopback (always on for other addresses)
 * @param corsOrigins browser origins allowed to call the gateway; empty means CORS is off
 * @param shutdownGrace how long a shutdown waits for in-flight requests before cancelling them
 */
public record GatewayOptions(String host, int port, long maxBodyBytes, boolean requireKeys, List<String> corsOrigins,
    Duration shutdownGrace) {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  /** 4 MiB: far above any prompt a local context window holds, far below what would hurt the server. */
  public static final long DEFAULT_MAX_BODY = 4L * 1024 * 1024;

  public GatewayOptions {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
    if (maxBodyBytes <= 0) throw new IllegalArgumentException("max body bytes must be > 0");
    corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
    shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
  }

  public static GatewayOptions defaults() {
    return new GatewayOptions(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_MAX_BODY, false, List.of(), Duration.ofSeconds(10));
  }

  public GatewayOptions withHost(String h) {
    return new GatewayOptions(h, port, maxBodyBytes, requireKeys, corsOrigins, shutdownGrace);
  }

  public GatewayOptions withPort(int p) {
    return new GatewayOptions(host, p, maxBodyBytes, requireKeys, corsOrigins, shutdownGrace);
  }

  public GatewayOptions withMaxBodyBytes(long m) {
    return new GatewayOptions(host, port, m, requireKeys, corsOrigins, shutdownGrace);
  }

  public GatewayOptions withRequireKeys(boolean r) {
    return new GatewayOptions(host, port, maxBodyBytes, r, corsOrigins, shutdownGrace);
  }

  public GatewayOptions withCorsOrigins(List<String> origins) {
    return new GatewayOptions(host, port, maxBodyBytes, requireKeys, origins, shutdownGrace);
  }

  public GatewayOptions withShutdownGrace(Duration grace) {
    return new GatewayOptions(host, port, maxBodyBytes, requireKeys, corsOrigins, grace);
  }
}
