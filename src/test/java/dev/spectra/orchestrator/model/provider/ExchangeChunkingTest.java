package dev.spectra.orchestrator.model.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spectra.orchestrator.model.Timeouts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming reader gets a body in chunks of whatever size the network (or a buffering proxy) delivers: 1 byte,
 * 8 KB, 64 KB, 1 MB, split anywhere, also inside a multi-byte character and inside a {@code data:} line. Each of
 * the three wire formats (OpenAI and Anthropic server-sent events, Ollama NDJSON) must come out line for line.
 */
class ExchangeChunkingTest {
  /** Multi-byte text: 2-, 3- and 4-byte UTF-8 characters, so most chunk borders fall inside one. */
  static final String TEXT = "héllo wörld € 😀 ";

  static List<Object[]> cases() {
    List<Object[]> cases = new ArrayList<>();
    for (String format : List.of("openai", "anthropic", "ollama")) {
      for (int chunk : new int[] {1, 7, 8 * 1024, 8 * 1024 + 1, 64 * 1024, 1024 * 1024}) {
        cases.add(new Object[] {format, chunk});
      }
    }
    return cases;
  }

  static List<String> lines(String format, int events) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      String text = TEXT.repeat(1 + i % 50) + i;
      switch (format) {
        case "openai" -> {
          lines.add("data: {\"choices\":[{\"delta\":{\"content\":\"" + text + "\"}}]}");
          lines.add("");
        }
        case "anthropic" -> {
          lines.add("event: content_block_delta");
          lines.add("data: {\"type\":\"content_block_delta\",\"delta\":{\"text\":\"" + text + "\"}}");
          lines.add("");
        }
        default -> lines.add("{\"message\":{\"content\":\"" + text + "\"},\"done\":false}");
      }
    }
    return lines;
  }

  @ParameterizedTest(name = "{0} in chunks of {1} bytes")
  @MethodSource("cases")
  void everyLineComesOutWholeWhateverTheChunkSize(String format, int chunk) throws Exception {
    // Enough events for more than 2 MB, so even 1 MB chunks split lines and characters.
    List<String> expected = lines(format, chunk >= 64 * 1024 ? 5000 : 400);
    byte[] body = (String.join("\r\n", expected) + "\r\n").getBytes(StandardCharsets.UTF_8);
    BodyQueue queue = new BodyQueue(false);
    Exchange exchange = new Exchange(queue, new CompletableFuture<>(), System.nanoTime(),
        new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60)), "test");
    // A first small delivery that is read at once (a proxy flushing the first event), then the rest in chunks of
    // the size under test, three per delivery: a chunk larger than what the reader held so far arrives while part
    // of a line is still unread.
    int first = Math.min(1000, body.length);
    queue.onNext(List.of(ByteBuffer.wrap(Arrays.copyOfRange(body, 0, first))));
    for (int at = first; at < body.length; ) {
      List<ByteBuffer> item = new ArrayList<>();
      for (int k = 0; k < 3 && at < body.length; k++) {
        int end = Math.min(body.length, at + chunk);
        item.add(ByteBuffer.wrap(Arrays.copyOfRange(body, at, end)));
        at = end;
      }
      queue.onNext(item);
    }
    queue.onComplete();

    List<String> read = new ArrayList<>();
    String line;
    while ((line = exchange.readLine()) != null) read.add(line);

    assertThat(read).hasSize(expected.size());
    assertThat(read).isEqualTo(expected);
  }
}
