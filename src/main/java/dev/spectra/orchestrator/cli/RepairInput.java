package dev.spectra.orchestrator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The text {@code repair} works on, held in about its size in UTF-8 whatever its script: text whose characters
 * are all Latin-1 (ASCII included) takes one byte per character; other text stays as its UTF-8 bytes and is read
 * as UTF-16 through a cursor. A {@code String} or {@code char[]} of mixed text takes two bytes per character, which
 * with the repaired copy would put a 100 MB reply above four times its size.
 *
 * <p>The file is read into one array (not memory-mapped: mapped pages count in the process's resident memory on
 * top of the array), checked as strict UTF-8 (a replaced byte would change the text the model wrote) and then
 * narrowed in place when it is Latin-1.
 */
final class RepairInput {
  /** Java arrays stop a little below 2^31; a larger reply is not a model's answer. */
  static final long MAX_BYTES = 1_000_000_000L;

  private RepairInput() {}

  /** Not valid UTF-8: {@code offset} is the byte where decoding stopped. */
  static final class NotUtf8 extends CharacterCodingException {
    final long offset;

    NotUtf8(long offset) {
      this.offset = offset;
    }

    @Override public String getMessage() {
      return "(bad byte near offset " + offset + ")";
    }
  }

  /** Too large to be read; {@code size} in bytes. */
  static final class TooLarge extends IOException {
    final long size;

    TooLarge(long size) {
      super(size + " bytes");
      this.size = size;
    }
  }

  static CharSequence read(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > MAX_BYTES) throw new TooLarge(size);
      byte[] bytes = new byte[(int) size];
      ByteBuffer into = ByteBuffer.wrap(bytes);
      // Steps of 1 MB: the channel copies through a temporary direct buffer as large as each read.
      while (into.position() < bytes.length) {
        into.limit(Math.min(bytes.length, into.position() + (1 << 20)));
        if (channel.read(into) < 0) break;
      }
      return of(into.position() == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, into.position()));
    }
  }

  static CharSequence read(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) throw new TooLarge(bytes.length);
    // A stream of unknown length is read in pieces and then copied into one array: on a large input those pieces
    // are as large as the input and would stay on the heap until the repaired copy forces a full collection, so
    // the peak would hold the input three times. Collected now, their space holds the repaired copy instead.
    if (bytes.length >= LARGE) System.gc();
    return of(bytes);
  }

  /** From this size on, the pieces of a stream are collected as soon as they are copied (see {@link #read}). */
  private static final int LARGE = 16 << 20;

  /** {@return {@code bytes} as text} The array is taken over (and may be rewritten in place). */
  static CharSequence of(byte[] bytes) throws NotUtf8 {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    int ascii = 0;
    while (ascii < bytes.length && bytes[ascii] >= 0) ascii++;
    if (ascii == bytes.length) return new Latin1(bytes, 0, bytes.length);
    // Checked in small steps: the characters are counted, never stored.
    ByteBuffer in = ByteBuffer.wrap(bytes, ascii, bytes.length - ascii);
    CharBuffer scratch = CharBuffer.allocate(8192);
    long units = ascii;
    boolean wide = false;
    while (true) {
      CoderResult r = decoder.decode(in, scratch, true);
      if (r.isError()) throw new NotUtf8(in.position());
      scratch.flip();
      units += scratch.remaining();
      while (!wide && scratch.hasRemaining()) wide = scratch.get() > 0xFF;
      scratch.clear();
      if (r.isUnderflow()) break;
    }
    if (units > Integer.MAX_VALUE - 16) throw new NotUtf8(bytes.length);
    if (!wide) return new Latin1(bytes, 0, narrow(bytes, ascii));
    return new Utf8(bytes, (int) units);
  }

  /** Rewrites valid UTF-8 of Latin-1 characters as one byte each, in place; {@return the new length} */
  private static int narrow(byte[] b, int from) {
    int w = from;
    for (int r = from; r < b.length; ) {
      int x = b[r];
      if (x >= 0) {
        b[w++] = (byte) x;
        r++;
      } else {
        b[w++] = (byte) (((x & 0x03) << 6) | (b[r + 1] & 0x3F));
        r += 2;
      }
    }
    return w;
  }

  /** Latin-1 text, one byte per character, read in place. */
  record Latin1(byte[] bytes, int from, int to) implements CharSequence {
    @Override public int length() {
      return to - from;
    }

    @Override public char charAt(int index) {
      return (char) (bytes[from + index] & 0xFF);
    }

    @Override public CharSequence subSequence(int start, int end) {
      if (start < 0 || end > length() || start > end) throw new IndexOutOfBoundsException(start + ".." + end);
      return new Latin1(bytes, from + start, from + end);
    }

    @Override public String toString() {
      return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
  }

  /**
   * Valid UTF-8 read as UTF-16 units without decoding it into a second copy. A cursor remembers the last unit
   * read, so reading forwards or a little backwards costs a step; a jump starts from the nearest of the marks kept
   * every {@value #MARK_EVERY} units. Not thread-safe: one reader, one thread.
   */
  static final class Utf8 implements CharSequence {
    private static final int MARK_SHIFT = 10;
    static final int MARK_EVERY = 1 << MARK_SHIFT;
    /** Up to this many units away, the cursor steps rather than jumping to a mark. */
    private static final int NEAR = 64;

    private final byte[] b;
    private final int length;
    /** For unit {@code k << MARK_SHIFT}: the byte offset of its code point, shifted left once, plus 1 if low half. */
    private final long[] marks;
    private int unit;
    private int at;
    /** Whether {@code unit} is the low surrogate of the 4-byte sequence at {@code at}. */
    private boolean low;

    Utf8(byte[] bytes, int length) {
      this.b = bytes;
      this.length = length;
      this.marks = new long[(length >> MARK_SHIFT) + 1];
      int k = 0;
      int u = 0;
      for (int i = 0; i < b.length; ) {
        int n = sequenceLength(b[i]);
        int units = n == 4 ? 2 : 1;
        while ((long) k << MARK_SHIFT < u + units && k < marks.length) {
          marks[k] = ((long) i << 1) | ((k << MARK_SHIFT) > u ? 1 : 0);
          k++;
        }
        u += units;
        i += n;
      }
    }

    private static int sequenceLength(byte lead) {
      if (lead >= 0) return 1;
      if ((lead & 0xE0) == 0xC0) return 2;
      if ((lead & 0xF0) == 0xE0) return 3;
      return 4;
    }

    @Override public int length() {
      return length;
    }

    @Override public char charAt(int index) {
      if (index != unit) seek(index);
      byte lead = b[at];
      if (lead >= 0) return (char) lead;
      return switch (sequenceLength(lead)) {
        case 2 -> (char) (((lead & 0x1F) << 6) | (b[at + 1] & 0x3F));
        case 3 -> (char) (((lead & 0x0F) << 12) | ((b[at + 1] & 0x3F) << 6) | (b[at + 2] & 0x3F));
        default -> {
          int cp = ((lead & 0x07) << 18) | ((b[at + 1] & 0x3F) << 12) | ((b[at + 2] & 0x3F) << 6)
              | (b[at + 3] & 0x3F);
          yield low ? Character.lowSurrogate(cp) : Character.highSurrogate(cp);
        }
      };
    }

    private void seek(int index) {
      if (index < 0 || index >= length) throw new IndexOutOfBoundsException(index);
      int d = index - unit;
      if (d > 0 && d <= NEAR) {
        while (unit < index) forward();
        return;
      }
      if (d < 0 && d >= -NEAR) {
        while (unit > index) backward();
        return;
      }
      long mark = marks[index >> MARK_SHIFT];
      at = (int) (mark >>> 1);
      low = (mark & 1) != 0;
      unit = index >> MARK_SHIFT << MARK_SHIFT;
      while (unit < index) forward();
    }

    private void forward() {
      int n = sequenceLength(b[at]);
      if (n == 4 && !low) {
        low = true;
      } else {
        low = false;
        at += n;
      }
      unit++;
    }

    private void backward() {
      if (low) {
        low = false;
      } else {
        at--;
        while ((b[at] & 0xC0) == 0x80) at--;
        low = sequenceLength(b[at]) == 4;
      }
      unit--;
    }

    @Override public CharSequence subSequence(int start, int end) {
      if (start < 0 || end > length || start > end) throw new IndexOutOfBoundsException(start + ".." + end);
      return new Slice(this, start, end);
    }

    @Override public String toString() {
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  /** A stretch of a larger text, read through it. */
  private record Slice(CharSequence whole, int from, int to) implements CharSequence {
    @Override public int length() {
      return to - from;
    }

    @Override public char charAt(int index) {
      if (index < 0 || index >= to - from) throw new IndexOutOfBoundsException(index);
      return whole.charAt(from + index);
    }

    @Override public CharSequence subSequence(int start, int end) {
      if (start < 0 || end > length() || start > end) throw new IndexOutOfBoundsException(start + ".." + end);
      return new Slice(whole, from + start, from + end);
    }

    @Override public String toString() {
      StringBuilder sb = new StringBuilder(to - from);
      for (int i = from; i < to; i++) sb.append(whole.charAt(i));
      return sb.toString();
    }
  }
}
