package dev.spectra.orchestrator.sim;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts, cuts and splits text in cl100k tokens, for every simulated model alike. Real servers each use their
 * own tokenizer; one deterministic count is enough for usage figures, {@code max_tokens} truncation and
 * streaming chunk boundaries.
 */
final class Tokenizer {
  /** Chat formats add a few tokens per message for roles and separators (OpenAI's cookbook counts ~3). */
  static final int PER_MESSAGE_OVERHEAD = 3;

  /**
   * Loading cl100k takes about a second; the encoding is immutable and thread-safe, so every simulator in a JVM
   * shares one, loaded on first use (holder idiom: no mutable static state).
   */
  private static final class Cl100k {
    static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  }

  private final Encoding encoding = Cl100k.ENCODING;

  int count(String text) {
    return text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
  }

  /** {@return the first {@code max} tokens of {@code text}, or the text itself when it is shorter} */
  String head(String text, int max) {
    IntArrayList tokens = encoding.encodeOrdinary(text);
    if (tokens.size() <= max) return text;
    IntArrayList kept = new IntArrayList(max);
    for (int i = 0; i < max; i++) kept.add(tokens.get(i));
    return decodeWhole(kept);
  }

  /** {@return the last {@code max} tokens of {@code text}, or the text itself when it is shorter} */
  String tail(String text, int max) {
    IntArrayList tokens = encoding.encodeOrdinary(text);
    if (tokens.size() <= max) return text;
    IntArrayList kept = new IntArrayList(max);
    for (int i = tokens.size() - max; i < tokens.size(); i++) kept.add(tokens.get(i));
    return decodeWhole(kept);
  }

  /**
   * Splits text into streaming pieces of one token each, except where a token ends inside a UTF-8 character:
   * such tokens are merged with the next so every piece is valid text.
   */
  List<String> pieces(String text) {
    List<String> out = new ArrayList<>();
    if (text.isEmpty()) return out;
    IntArrayList tokens = encoding.encodeOrdinary(text);
    ByteArrayOutputStream pending = new ByteArrayOutputStream();
    IntArrayList one = new IntArrayList(1);
    for (int i = 0; i < tokens.size(); i++) {
      one.clear();
      one.add(tokens.get(i));
      pending.writeBytes(encoding.decodeBytes(one));
      byte[] bytes = pending.toByteArray();
      if (endsOnCharBoundary(bytes)) {
        out.add(new String(bytes, StandardCharsets.UTF_8));
        pending.reset();
      }
    }
    if (pending.size() > 0) out.add(pending.toString(StandardCharsets.UTF_8));
    return out;
  }

  private String decodeWhole(IntArrayList tokens) {
    // A cut can fall inside a multi-byte character; drop the incomplete tail rather than emit U+FFFD.
    byte[] bytes = encoding.decodeBytes(tokens);
    int end = bytes.length;
    while (end > 0 && !endsOnCharBoundary(java.util.Arrays.copyOf(bytes, end))) end--;
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  static boolean endsOnCharBoundary(byte[] bytes) {
    int n = bytes.length;
    if (n == 0) return true;
    // Walk back over continuation bytes (10xxxxxx) to the lead byte of the last character.
    int i = n - 1;
    int continuation = 0;
    while (i >= 0 && (bytes[i] & 0xC0) == 0x80 && continuation < 3) {
      i--;
      continuation++;
    }
    if (i < 0) return false;
    int lead = bytes[i] & 0xFF;
    int needed = lead < 0x80 ? 0 : lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
    return continuation == needed;
  }
}
