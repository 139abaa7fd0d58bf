package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepairInputTest {
  @TempDir Path dir;

  /** Mixed text: ASCII, 2-, 3- and 4-byte sequences (the last as surrogate pairs), past several marks. */
  static String mixed(int codePoints, long seed) {
    Random random = new Random(seed);
    String[] pieces = {"a", "{\"k\": ", "\n", "é", "ß", "東", "京", "п", "م", "🌞", "😀", "\"", "]", " "};
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < codePoints; i++) sb.append(pieces[random.nextInt(pieces.length)]);
    return sb.toString();
  }

  @Test
  void mixedTextReadsAsTheSameCharactersForwardsBackwardsAndAtRandom() throws Exception {
    String expected = mixed(20_000, 1);
    CharSequence text = RepairInput.of(expected.getBytes(StandardCharsets.UTF_8));
    assertThat(text).isInstanceOf(RepairInput.Utf8.class);
    assertThat(text.length()).isEqualTo(expected.length());
    for (int i = 0; i < expected.length(); i++) assertThat(text.charAt(i)).isEqualTo(expected.charAt(i));
    for (int i = expected.length() - 1; i >= 0; i--) assertThat(text.charAt(i)).isEqualTo(expected.charAt(i));
    Random random = new Random(2);
    for (int n = 0; n < 20_000; n++) {
      int i = random.nextInt(expected.length());
      assertThat(text.charAt(i)).as("unit %d", i).isEqualTo(expected.charAt(i));
    }
    assertThat(text.toString()).isEqualTo(expected);
    assertThat(text.subSequence(1000, 3000).toString()).isEqualTo(expected.substring(1000, 3000));
    assertThat(text.subSequence(1000, 3000).subSequence(5, 10).toString()).isEqualTo(expected.substring(1005, 1010));
  }

  @Test
  void latinOneTextTakesOneBytePerCharacter() throws Exception {
    String expected = "{\"größe\": \"naïve café\", \"n\": 1}";
    CharSequence text = RepairInput.of(expected.getBytes(StandardCharsets.UTF_8));
    assertThat(text).isInstanceOf(RepairInput.Latin1.class);
    assertThat(text.toString()).isEqualTo(expected);
    assertThat(text.length()).isEqualTo(expected.length());
    assertThat(text.charAt(4)).isEqualTo('ö');
  }

  @Test
  void invalidUtf8IsRefusedWithTheOffsetOfTheBadByte() {
    byte[] bytes = {'[', '"', 'a', (byte) 0xC3, '"', ']'};
    assertThatThrownBy(() -> RepairInput.of(bytes)).isInstanceOf(RepairInput.NotUtf8.class)
        .hasMessageContaining("offset 3");
  }

  @Test
  void aFileLargerThanOneReadStepIsReadWhole() throws Exception {
    String expected = mixed(1_500_000, 3);
    Path file = dir.resolve("big.txt");
    Files.writeString(file, expected);
    assertThat(RepairInput.read(file).toString()).isEqualTo(expected);
    String ascii = "x".repeat(3_000_000) + "end";
    Files.writeString(file, ascii);
    CharSequence read = RepairInput.read(file);
    assertThat(read.length()).isEqualTo(ascii.length());
    assertThat(read.subSequence(ascii.length() - 3, ascii.length()).toString()).isEqualTo("end");
  }

  @Test
  void standardInputIsReadWhole() throws Exception {
    String expected = mixed(100_000, 4);
    CharSequence read = RepairInput.read(new ByteArrayInputStream(expected.getBytes(StandardCharsets.UTF_8)));
    assertThat(read.toString()).isEqualTo(expected);
  }
}
