package dev.spectra.orchestrator.reliability;

import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Money;
import dev.spectra.orchestrator.model.Usage;

/**
 * Reserves a paid call's worst case before it is sent and settles the real cost after. It sits right above the
 * provider, not at the top of the chain, because the unit of spending is one provider call: each retry and each
 * re-ask of the structured engine is paid for. Local models pass straight through: $0 is never blocked.
 */
final class BudgetGuard implements Interceptor {
  private final BudgetBook budgets;
  private final Pricing pricing;

  BudgetGuard(BudgetBook budgets, Pricing pricing) {
    this.budgets = budgets;
    this.pricing = pricing;
  }

  @Override public ModelReply intercept(Chain chain) throws ModelException {
    ChainCall exchange = chain.exchange();
    ModelSpec spec = exchange.requireRoute("BudgetGuard").spec();
    if (spec.local()) return chain.proceed(exchange);
    CallState state = exchange.state();
    Money buildLimit = state.session == null ? null : state.session.buildBudget();
    BudgetBook.Reservation held = budgets.reserve(spec, exchange.request(), state.context.buildId(), buildLimit);
    try {
      ModelReply reply = chain.proceed(exchange);
      budgets.settle(held, pricing.cost(spec, reply.usage()));
      return reply;
    } catch (ModelException e) {
      Usage consumed = Usage.ZERO;
      for (var a : e.attempts()) consumed = consumed.plus(a.usage());
      budgets.settle(held, pricing.cost(spec, consumed));
      throw e;
    } catch (java.util.concurrent.CancellationException e) {
      // The caller cancelled mid-stream: tokens were generated but their count never arrived, so the worst case
      // is counted (a limit errs high, never low).
      budgets.settle(held, held.hold() == null ? Money.ZERO : held.hold().amount());
      throw e;
    } catch (RuntimeException | Error e) {
      budgets.settle(held, Money.ZERO);
      throw e;
    }
  }
}
