package dev.spectra.orchestrator.scaffold;

import java.util.List;
import java.util.stream.Collectors;

/** The OpenAPI document cannot be built: unreadable, invalid, OpenAPI 2, or using what the generator cannot handle. */
public final class InvalidContractException extends Exception {
  private final List<ContractProblem> problems;

  public InvalidContractException(List<ContractProblem> problems) {
    super(problems.stream().map(ContractProblem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<ContractProblem> problems() {
    return problems;
  }
}
