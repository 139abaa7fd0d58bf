package dev.spectra.orchestrator.run;

import java.util.List;

/**
 * What verifying a project found: whether it compiled, how its tests went, and each problem in a form the fix
 * loop can trim and hand back to the model.
 *
 * @param sandbox how the code ran ({@code bubblewrap}, {@code unsafe-no-sandbox}, ...), for the report
 * @param limits the sandbox's limits and the mechanism enforcing them, for the report
 * @param refused what the host refused of what the sandbox left behind (links removed, forged file names dropped)
 */
record Verification(boolean compiled, int testsRun, int testsFailed, List<Problem> problems, String sandbox,
    String logTail, String limits, List<String> refused) {

  Verification {
    problems = List.copyOf(problems);
    logTail = logTail == null ? "" : logTail;
    limits = limits == null ? "" : limits;
    refused = refused == null ? List.of() : List.copyOf(refused);
  }

  Verification(boolean compiled, int testsRun, int testsFailed, List<Problem> problems, String sandbox,
      String logTail) {
    this(compiled, testsRun, testsFailed, problems, sandbox, logTail, "", List.of());
  }

  boolean passed() {
    return compiled && testsFailed == 0 && problems.isEmpty();
  }

  /** {@return "compile" when the code did not compile, else "tests"; the cascade's artifact name} */
  String failedArtifact() {
    return compiled ? "tests" : "compile";
  }

  /** {@return true when every problem is a check finding: the tests passed, the running service did not} */
  boolean onlyFindings() {
    return !problems.isEmpty() && problems.stream().allMatch(p -> p.kind() == Problem.Kind.FINDING);
  }

  /**
   * One compiler error or failing test.
   *
   * @param file path relative to the project, or null when the verifier could not tell
   * @param line 1-based, or 0 when unknown
   */
  record Problem(Kind kind, String file, int line, String message) {
    enum Kind { COMPILE, TEST, FINDING }

    Problem {
      message = message == null ? "" : message.strip();
    }

    /** {@return the problem without what changes between identical failures: line numbers, counts, ids, paths} */
    String signature() {
      String normalised = message.replaceAll("\\d+", "#").replaceAll("\\s+", " ").strip();
      return kind + "|" + (file == null ? "" : file) + "|" + normalised;
    }

    String render() {
      String where = file == null ? "" : file + (line > 0 ? ":" + line : "") + ": ";
      String text = message.length() > 800 ? message.substring(0, 800) + " ..." : message;
      String label = switch (kind) {
        case COMPILE -> "compile error: ";
        case TEST -> "test failed: ";
        case FINDING -> "check finding: ";
      };
      return label + where + text;
    }
  }
}
