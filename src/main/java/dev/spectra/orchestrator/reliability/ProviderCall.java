package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;

/** The end of the chain: one bare provider call (one HTTP request, no retry of its own). */
final class ProviderCall implements Interceptor {
  @Override public ModelReply intercept(Chain chain) throws ModelException {
    ChainCall exchange = chain.exchange();
    return exchange.requireRoute("ProviderCall").provider().chat(exchange.request(), exchange.tokens());
  }
}
