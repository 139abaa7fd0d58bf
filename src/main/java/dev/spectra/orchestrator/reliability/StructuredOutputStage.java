package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.TokenListener;
import java.util.function.BiFunction;

/**
 * Runs the structured-output engine over the rest of the chain: the engine sees the route's provider as a
 * {@link Model} (each of its re-asks goes through the budget guard and the provider below), and its final
 * {@code InvalidOutput} rises to {@link Retry}, which moves to the next route. A text request skips the engine:
 * there is nothing to enforce.
 */
final class StructuredOutputStage implements Interceptor {
  private final BiFunction<Model, ModelSpec, Model> wrap;

  /** @param wrap builds the engine around a model for a spec (identity when there is none) */
  StructuredOutputStage(BiFunction<Model, ModelSpec, Model> wrap) { this.wrap = wrap; }

  @Override public ModelReply intercept(Chain chain) throws ModelException {
    ChainCall exchange = chain.exchange();
    // A text request has nothing to enforce, and building the engine (its repairers, validators and their
    // mappers) for every call was a large share of a plain request's cost.
    if (exchange.request().format() instanceof ResponseFormat.Text) return chain.proceed(exchange);
    Route route = exchange.requireRoute("StructuredOutputStage");
    Model rest = new Model() {
      @Override public String name() { return route.spec().name(); }

      @Override public ModelReply chat(ModelRequest request, TokenListener tokens) throws ModelException {
        return chain.proceed(exchange.withRequest(request, tokens));
      }
    };
    return wrap.apply(rest, route.spec()).chat(exchange.request(), exchange.tokens());
  }
}
