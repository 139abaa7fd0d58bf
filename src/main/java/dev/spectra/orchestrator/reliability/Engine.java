package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest.CallContext;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.TokenListener;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The shared machinery behind every {@link Cascade} of one builder: the interceptor chain, the breakers, the
 * budgets, the provider models (one per catalog entry) and the listeners.
 */
final class Engine {
  final CascadeSettings settings;
  final RouteTable table;
  final Pricing pricing;
  final BudgetBook budgets;
  final Breakers breakers;
  final AttemptListener listener;
  final Clock clock;
  private final Function<ModelSpec, Model> providers;
  private final Map<String, Model> providerByModel = new ConcurrentHashMap<>();
  private final List<Interceptor> interceptors;

  Engine(CascadeSettings settings, RouteTable table, Pricing pricing, BudgetBook budgets, Breakers breakers,
      AttemptListener listener, Clock clock, Sleeper sleeper, Function<ModelSpec, Model> providers,
      BiFunction<Model, ModelSpec, Model> structuredOutput) {
    this.settings = settings;
    this.table = table;
    this.pricing = pricing;
    this.budgets = budgets;
    this.breakers = breakers;
    this.listener = listener;
    this.clock = clock;
    this.providers = providers;
    // The whole policy, in order. Each call: choose a route and retry it (the fallback runs Retry once per route
    // and gets its decision back), skip it while its endpoint is broken, get valid structured output from it, pay
    // for it, call it. The budget guard sits just above the provider because every provider call (each retry,
    // each re-ask) is what spends money.
    this.interceptors = List.of(
        new FallbackCascade(settings.caps(), new Retry(settings.retry(), sleeper, clock)),
        new CircuitBreaker(breakers),
        new StructuredOutputStage(structuredOutput),
        new BudgetGuard(budgets, pricing),
        new ProviderCall());
  }

  ModelReply execute(String requestedAs, RouteTable.Planner planner, ModelRequest request, TokenListener tokens,
      CascadeSession session) throws ModelException {
    CallContext ctx = request.context();
    if (ctx.requestId() == null || (session != null && ctx.buildId() == null)) {
      ctx = new CallContext(ctx.requestId() == null ? newRequestId() : ctx.requestId(),
          ctx.buildId() == null && session != null ? session.buildId() : ctx.buildId(), ctx.step(), ctx.apiKeyId());
      request = request.withContext(ctx);
    }
    List<Route> routes = routes(requestedAs, planner.plan(request));
    int start = session == null ? 0 : session.startTier();
    CallState state = new CallState(ctx, requestedAs, routes, session, start, pricing, listener);
    ChainCall exchange = new ChainCall(request, state.gate(tokens), null, state);
    try {
      ModelReply reply = new RealChain(interceptors, 0, exchange).proceed(exchange);
      if (session != null) session.served(routes.get(state.servedTier()), routes.size());
      return state.account(reply);
    } catch (ModelException e) {
      ModelException withAttempts = new ModelException(e.error(), state.attempts(), e.getCause());
      for (Throwable earlier : e.getSuppressed()) withAttempts.addSuppressed(earlier);
      throw withAttempts;
    }
  }

  List<Route> routes(String requestedAs, List<ModelSpec> specs) {
    // Planners hand out the same list for the same plan: its routes are built once, not on every call.
    RoutesFor last = lastRoutes.get(requestedAs);
    if (last != null && last.specs() == specs) return last.routes();
    List<Route> routes = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      ModelSpec spec = specs.get(i);
      routes.add(new Route(requestedAs + "#" + (i + 1), i, spec, provider(spec)));
    }
    List<Route> fixed = List.copyOf(routes);
    if (lastRoutes.size() < 256 || lastRoutes.containsKey(requestedAs)) {
      lastRoutes.put(requestedAs, new RoutesFor(specs, fixed));
    }
    return fixed;
  }

  /** The routes last built for one name, and the plan (by identity) they were built from. */
  private record RoutesFor(List<ModelSpec> specs, List<Route> routes) {}

  private final Map<String, RoutesFor> lastRoutes = new ConcurrentHashMap<>();

  Model provider(ModelSpec spec) {
    return providerByModel.computeIfAbsent(spec.name(), n -> providers.apply(spec));
  }

  private static String newRequestId() {
    return "req-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  }
}
