package dev.spectra.orchestrator.check;

import java.util.List;
import java.util.stream.Collectors;

/** The check could not start: the contract, a scenario file or the URL is unusable. No request was sent to test. */
public final class CheckInputException extends Exception {
  private final List<InputProblem> problems;

  public CheckInputException(List<InputProblem> problems) {
    super(problems.stream().map(InputProblem::toString).collect(Collectors.joining("\n")), null, false, false);
    this.problems = List.copyOf(problems);
  }

  /** {@return every problem found, in document order} */
  public List<InputProblem> problems() {
    return problems;
  }
}
