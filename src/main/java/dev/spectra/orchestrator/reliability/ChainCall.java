package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.TokenListener;

/**
 * What travels down the chain: the request, where streamed tokens go, the route chosen (null above
 * {@link FallbackCascade}), and the state of the whole cascade call.
 */
record ChainCall(ModelRequest request, TokenListener tokens, Route route, CallState state) {
  ChainCall withRoute(Route newRoute) { return new ChainCall(request, tokens, newRoute, state); }

  ChainCall withRequest(ModelRequest newRequest, TokenListener newTokens) {
    return new ChainCall(newRequest, newTokens, route, state);
  }

  /** {@return the route; interceptors below the fallback need one} */
  Route requireRoute(String who) {
    if (route == null) throw new IllegalStateException(who + " needs a route: it must come after FallbackCascade");
    return route;
  }
}
