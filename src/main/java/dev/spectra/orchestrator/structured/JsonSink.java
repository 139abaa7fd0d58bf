package dev.spectra.orchestrator.structured;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The repairer's output: UTF-8 bytes in chunks. Chunks never get copied when the output grows, and UTF-8 takes one
 * byte per ASCII character where a {@code StringBuilder} holding one non-Latin-1 character takes two: together this
 * keeps {@code repair} on a 100 MB reply within a small multiple of the input.
 */
final class JsonSink {
  private static final int MAX_CHUNK = 1 << 20;

  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] current;
  private int used;
  private long sealed;
  private char pendingHigh;

  JsonSink(int expectedChars) {
    // Most repairs write about as much as they read; a small first chunk keeps short replies cheap.
    current = new byte[Math.max(64, Math.min(8192, expectedChars + 16))];
  }

  long length() {
    return sealed + used;
  }

  /** {@return the last byte written, or 0 when empty} (only ever asked about ASCII punctuation) */
  byte last() {
    if (used > 0) return current[used - 1];
    if (chunks.isEmpty()) return 0;
    byte[] prev = chunks.get(chunks.size() - 1);
    return prev[prev.length - 1];
  }

  /** Removes the last byte, which the caller knows is one ASCII character. */
  void dropLast() {
    if (used == 0) {
      if (chunks.isEmpty()) return;
      current = chunks.remove(chunks.size() - 1);
      used = current.length;
      sealed -= used;
    }
    used--;
  }

  /** Cuts the output back to {@code length} bytes (a position the caller took from {@link #length()}). */
  void truncate(long length) {
    while (sealed > length) {
      current = chunks.remove(chunks.size() - 1);
      sealed -= current.length;
      used = current.length;
    }
    used = (int) (length - sealed);
    pendingHigh = 0;
  }

  void ascii(char c) {
    if (used == current.length) grow();
    current[used++] = (byte) c;
  }

  void ascii(String s) {
    for (int i = 0; i < s.length(); i++) ascii(s.charAt(i));
  }

  /** Appends any UTF-16 unit; a surrogate pair is joined into one 4-byte sequence. */
  void append(char c) {
    if (c < 0x80) {
      if (pendingHigh != 0) lone();
      ascii(c);
    } else if (Character.isHighSurrogate(c)) {
      if (pendingHigh != 0) lone();
      pendingHigh = c;
    } else if (Character.isLowSurrogate(c) && pendingHigh != 0) {
      int cp = Character.toCodePoint(pendingHigh, c);
      pendingHigh = 0;
      raw(0xF0 | (cp >> 18));
      raw(0x80 | ((cp >> 12) & 0x3F));
      raw(0x80 | ((cp >> 6) & 0x3F));
      raw(0x80 | (cp & 0x3F));
    } else {
      if (pendingHigh != 0) lone();
      if (Character.isSurrogate(c)) {
        escaped(c);
      } else if (c < 0x800) {
        raw(0xC0 | (c >> 6));
        raw(0x80 | (c & 0x3F));
      } else {
        raw(0xE0 | (c >> 12));
        raw(0x80 | ((c >> 6) & 0x3F));
        raw(0x80 | (c & 0x3F));
      }
    }
  }

  void append(CharSequence s, int from, int to) {
    for (int i = from; i < to; i++) append(s.charAt(i));
  }

  /** A surrogate without its partner cannot be UTF-8: keep it visible as a JSON escape (only inside strings). */
  private void lone() {
    char c = pendingHigh;
    pendingHigh = 0;
    escaped(c);
  }

  /** Writes {@code c} as a JSON escape, {@code \\u} and four lowercase hex digits. */
  void escaped(char c) {
    ascii('\\');
    ascii('u');
    for (int shift = 12; shift >= 0; shift -= 4) ascii(Character.forDigit((c >> shift) & 0xF, 16));
  }

  private void raw(int b) {
    if (used == current.length) grow();
    current[used++] = (byte) b;
  }

  private void grow() {
    chunks.add(current);
    sealed += current.length;
    current = new byte[(int) Math.min(MAX_CHUNK, Math.max(8192, sealed))];
    used = 0;
  }

  /** {@return the text written so far} For small outputs: it copies them. */
  String text() {
    if (pendingHigh != 0) lone();
    if (chunks.isEmpty()) return new String(current, 0, used, StandardCharsets.UTF_8);
    byte[] all = new byte[Math.toIntExact(length())];
    int at = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, all, at, c.length);
      at += c.length;
    }
    System.arraycopy(current, 0, all, at, used);
    return new String(all, StandardCharsets.UTF_8);
  }

  /** {@return the bytes written so far, read in order without copying them} */
  InputStream stream() {
    if (pendingHigh != 0) lone();
    List<byte[]> all = new ArrayList<>(chunks);
    all.add(current);
    int lastUsed = used;
    return new InputStream() {
      int chunk;
      int pos;

      private int limit() {
        return chunk == all.size() - 1 ? lastUsed : all.get(chunk).length;
      }

      @Override public int read() {
        byte[] b = new byte[1];
        return read(b, 0, 1) < 0 ? -1 : b[0] & 0xFF;
      }

      @Override public int read(byte[] b, int off, int len) {
        while (chunk < all.size() && pos >= limit()) {
          chunk++;
          pos = 0;
        }
        if (chunk >= all.size()) return -1;
        int n = Math.min(len, limit() - pos);
        System.arraycopy(all.get(chunk), pos, b, off, n);
        pos += n;
        return n;
      }
    };
  }
}
