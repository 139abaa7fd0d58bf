package dev.spectra.orchestrator.model.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.Timeouts;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reader waiting without a timer of its own is still held to both deadlines by the watch. */
class DeadlineWatchTest {
  private final DeadlineWatch watch = new DeadlineWatch();
  private static final Timeouts SHORT = new Timeouts(Duration.ofSeconds(1), Duration.ofMillis(50),
      Duration.ofMillis(300));

  @AfterEach void stop() { watch.close(); }

  private Exchange exchange(BodyQueue queue) {
    return new Exchange(queue, new CompletableFuture<>(), System.nanoTime(), SHORT, "test", watch);
  }

  @Test void aBodyThatNeverStartsEndsWithAFirstTokenTimeout() {
    BodyQueue queue = new BodyQueue(false);
    Exchange exchange = exchange(queue);

    assertThatThrownBy(exchange::readLine).isInstanceOfSatisfying(ModelException.class, e ->
        assertThat(e.error()).isInstanceOfSatisfying(ModelError.Timeout.class,
            t -> assertThat(t.phase()).isEqualTo(ModelError.Timeout.Phase.FIRST_TOKEN)));
  }

  @Test void aBodyThatStallsAfterItsFirstLineEndsWithATotalTimeout() throws Exception {
    BodyQueue queue = new BodyQueue(false);
    Exchange exchange = exchange(queue);
    queue.onNext(List.of(ByteBuffer.wrap("data: one\n".getBytes(StandardCharsets.UTF_8))));

    assertThat(exchange.readLine()).isEqualTo("data: one");
    assertThatThrownBy(exchange::readLine).isInstanceOfSatisfying(ModelException.class, e ->
        assertThat(e.error()).isInstanceOfSatisfying(ModelError.Timeout.class,
            t -> assertThat(t.phase()).isEqualTo(ModelError.Timeout.Phase.TOTAL)));
  }

  @Test void afterTheWatchIsClosedAnExchangeTimesItsOwnWait() {
    watch.close();
    BodyQueue queue = new BodyQueue(false);
    Exchange exchange = exchange(queue);

    assertThatThrownBy(exchange::readLine).isInstanceOfSatisfying(ModelException.class, e ->
        assertThat(e.error()).isInstanceOf(ModelError.Timeout.class));
  }

  @Test void aBodyThatCompletesInTimeIsReadWholeAndTheExchangeIsForgotten() throws Exception {
    BodyQueue queue = new BodyQueue(true);
    Exchange exchange = exchange(queue);
    queue.onNext(List.of(ByteBuffer.wrap("{\"ok\":true}".getBytes(StandardCharsets.UTF_8))));
    queue.onComplete();

    assertThat(new String(exchange.readAll(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
    exchange.close();
    // Past both deadlines now: a forgotten exchange is not woken, so nothing is left in its queue.
    Thread.sleep(SHORT.total().toMillis() + 2 * DeadlineWatch.TICK.toMillis());
    assertThat(queue.poll(0)).isNull();
  }
}
