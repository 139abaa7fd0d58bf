package dev.spectra.orchestrator.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import java.nio.file.Path;

/**
 * The plan step of {@code run} on its own, for measuring how well a model plans ({@code eval --mode plan}): the same
 * prompt, plan schema, OpenAPI validation and re-asks as a real build, with nothing scaffolded or verified.
 */
public final class PlanProbe {
  private final Ports.ProjectScaffolder scaffolder = BuilderScaffolder.create();

  /**
   * Plans {@code request} with {@code model}.
   *
   * @param scratch a directory for the OpenAPI documents handed to the parser
   * @return the plan (its contract under {@code openapi}), or null when the model asked for a clarification
   * @throws ModelException when no conforming plan was obtained
   */
  public JsonNode plan(Model model, String request, Path scratch) throws ModelException {
    Planner planner = new Planner(new ModelStep(model, Progress.NONE, null), scaffolder, scratch);
    return switch (planner.plan(request, null, new Tally())) {
      case Planner.Result.Planned p -> p.plan().json();
      case Planner.Result.Clarification c -> null;
    };
  }
}
