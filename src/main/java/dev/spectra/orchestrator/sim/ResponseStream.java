package dev.spectra.orchestrator.sim;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A response body written piece by piece, flushed after each piece so the client sees chunks as they are
 * produced (chunked transfer encoding, since no length is declared).
 */
final class ResponseStream {
  private final Context ctx;
  private final OutputStream out;

  ResponseStream(Context ctx, int status, String contentType) {
    this.ctx = ctx;
    ctx.res().setStatus(status);
    ctx.res().setContentType(contentType);
    ctx.res().setHeader("Cache-Control", "no-cache");
    try {
      this.out = ctx.res().getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes and flushes; returns false when the client has gone away. */
  boolean write(String piece) {
    try {
      out.write(piece.getBytes(StandardCharsets.UTF_8));
      out.flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  static void pause(Duration d) {
    if (d == null || d.isZero() || d.isNegative()) return;
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Drops the TCP connection now: the client sees a body that ends without the chunked terminator (or short of
   * its Content-Length), exactly like a server process that died mid-reply.
   */
  static void abort(Context ctx) {
    try {
      ctx.res().flushBuffer();
    } catch (IOException ignored) {
      // The connection is being dropped anyway.
    }
    org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(ctx.req()).getServletChannel()
        .abort(new IOException("simulated connection reset"));
  }

  /** Writes the first half of a complete body under a Content-Length for all of it, then drops the connection. */
  static void sendHalfAndAbort(Context ctx, int status, String contentType, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ctx.res().setStatus(status);
    ctx.res().setContentType(contentType);
    ctx.res().setContentLengthLong(bytes.length);
    try {
      OutputStream o = ctx.res().getOutputStream();
      o.write(bytes, 0, bytes.length / 2);
      o.flush();
    } catch (IOException ignored) {
      // Client already gone: nothing left to cut.
    }
    abort(ctx);
  }
}
