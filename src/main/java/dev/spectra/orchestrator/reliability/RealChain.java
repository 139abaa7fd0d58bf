package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import java.util.List;
import java.util.Objects;

/** Runs the interceptors in order and enforces their contract, naming the culprit when one breaks it. */
final class RealChain implements Interceptor.Chain {
  private final List<Interceptor> interceptors;
  private final int index;
  private final ChainCall exchange;

  RealChain(List<Interceptor> interceptors, int index, ChainCall exchange) {
    this.interceptors = interceptors;
    this.index = index;
    this.exchange = Objects.requireNonNull(exchange, "exchange");
  }

  @Override public ChainCall exchange() { return exchange; }

  @Override public ModelReply proceed(ChainCall next) throws ModelException {
    if (index >= interceptors.size()) {
      throw new IllegalStateException("interceptor " + name(index - 1) + " called proceed() but it is the last one: "
          + "the last interceptor must call the provider");
    }
    Objects.requireNonNull(next, () -> "interceptor " + name(index - 1) + " passed a null exchange to proceed()");
    Interceptor interceptor = interceptors.get(index);
    ModelReply reply = interceptor.intercept(new RealChain(interceptors, index + 1, next));
    if (reply == null) throw new IllegalStateException("interceptor " + name(index) + " returned null");
    return reply;
  }

  private String name(int i) {
    return i < 0 ? "(caller)" : interceptors.get(i).getClass().getSimpleName();
  }
}
