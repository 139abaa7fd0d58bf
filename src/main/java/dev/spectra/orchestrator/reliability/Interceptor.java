package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;

/**
 * One step of the cascade. Each does one thing and calls {@link Chain#proceed} to hand on; the order of the list
 * in {@link Engine} is the policy.
 */
interface Interceptor {

  ModelReply intercept(Chain chain) throws ModelException;

  /** What an interceptor sees of the rest of the chain. Kept to two members on purpose. */
  interface Chain {
    ChainCall exchange();

    ModelReply proceed(ChainCall exchange) throws ModelException;
  }
}
