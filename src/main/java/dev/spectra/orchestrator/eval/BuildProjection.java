package dev.spectra.orchestrator.eval;

import java.util.Objects;

/**
 * How plan mode turns a measured plan call into a projected cost per build: the tokens a build spends in its other
 * steps (implement, fix), added to the subject's own measured plan tokens and priced at the subject's measured
 * dollars per token. A plan is one call of a build; reporting its cost as a build's would understate a build by an
 * order of magnitude.
 *
 * @param otherStepTokens mean tokens per build outside the plan step
 * @param source where that figure came from, shown beside the projection in every report
 */
public record BuildProjection(long otherStepTokens, String source) {
  /** The seed's figure: "Average service build: ~50K tokens". */
  public static final long SEED_TOKENS_PER_BUILD = 50_000;
  /** The plan step's share of those tokens when nothing better is known: one call of about 2.5K tokens. */
  static final long SEED_PLAN_TOKENS = 2_500;

  public BuildProjection {
    Objects.requireNonNull(source, "source");
    if (otherStepTokens < 0) throw new IllegalArgumentException("otherStepTokens must be >= 0");
  }

  /** {@return the seed's estimate: 50K tokens per build, of which about 2.5K are the plan} */
  public static BuildProjection seedEstimate() {
    return new BuildProjection(SEED_TOKENS_PER_BUILD - SEED_PLAN_TOKENS,
        "the seed's estimate of 50K tokens per build (no measured build in the ledger)");
  }

  /**
   * {@return the projection from the ledger's finished {@code run} builds that went past the plan: their mean
   * tokens outside the plan step; the seed's estimate when there is none}
   */
  public static BuildProjection fromLedger(dev.spectra.orchestrator.ledger.Ledger ledger) {
    long sum = 0;
    int builds = 0;
    for (var kind : java.util.List.of(dev.spectra.orchestrator.ledger.BuildRecord.Kind.RUN,
        dev.spectra.orchestrator.ledger.BuildRecord.Kind.BUILD)) {
      for (var b : ledger.builds(new dev.spectra.orchestrator.ledger.Ledger.BuildFilter(kind, null, null, false, 50))) {
        if (!b.finishedCleanly()) continue;
        long other = 0;
        for (var c : ledger.calls(new dev.spectra.orchestrator.ledger.Ledger.CallFilter(null, b.id(), null, false, null,
            10_000))) {
          if (c.step() != null && !c.step().startsWith("plan")) other += c.tokensIn() + c.tokensOut();
        }
        if (other == 0) continue;   // stopped at the plan: says nothing about the other steps
        sum += other;
        builds++;
      }
    }
    return builds == 0 ? seedEstimate() : measured(sum / builds, builds);
  }

  /**
   * {@return a projection from measured builds}
   *
   * @param meanOtherStepTokens mean tokens per build outside the plan step, over {@code builds} builds
   */
  public static BuildProjection measured(long meanOtherStepTokens, int builds) {
    return new BuildProjection(meanOtherStepTokens, "implement and fix steps of " + builds
        + " measured build" + (builds == 1 ? "" : "s") + " in the ledger: " + meanOtherStepTokens
        + " tokens per build on average");
  }
}
