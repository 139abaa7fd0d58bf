package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.model.Attempt;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.Money;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Tokens, cost and models of one step, summed over its calls (and over failed attempts the replies carry). */
final class Tally {
  final Set<String> models = new LinkedHashSet<>();
  int promptTokens;
  int completionTokens;
  boolean estimated;
  Money cost = Money.ZERO;
  Money saved = Money.ZERO;
  int calls;

  void add(ModelReply reply) {
    calls++;
    models.add(reply.servedBy());
    promptTokens += reply.usage().promptTokens();
    completionTokens += reply.usage().completionTokens();
    estimated |= reply.usage().estimated();
    if (reply.cost() != null) cost = cost.plus(reply.cost());
    saved = saved.plus(reply.saved());
  }

  /** Failed calls cost tokens too; the cascade hands their attempts back on the exception. */
  void addFailed(List<Attempt> attempts) {
    for (Attempt a : attempts) {
      models.add(a.model());
      promptTokens += a.usage().promptTokens();
      completionTokens += a.usage().completionTokens();
      estimated |= a.usage().estimated();
      if (a.cost() != null) cost = cost.plus(a.cost());
      saved = saved.plus(a.saved());
    }
  }

  int tokens() {
    return promptTokens + completionTokens;
  }

  RunState.StepRecord record(String step, long millis, String outcome) {
    return new RunState.StepRecord(step, List.copyOf(models), promptTokens, completionTokens, estimated,
        cost.usd().toPlainString(), saved.usd().toPlainString(), millis, outcome);
  }
}
