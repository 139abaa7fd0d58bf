package dev.spectra.orchestrator.check;

import java.util.OptionalLong;

/**
 * Something the check found wrong, as data: a report prints it, a fix prompt can include it as it is.
 * Every finding names its operation, carries a reproducing request and says what was expected and what came back.
 */
public sealed interface Finding {
  /** {@return the kind, as named in reports ({@code server-error}, {@code schema-violation}, ...)} */
  Kind kind();

  /** {@return the operation, as "METHOD /path (operationId)", or the scenario step when none matches} */
  String operation();

  /** {@return one line saying what is wrong} */
  String summary();

  /** {@return the reproducing request and what was expected and observed} */
  Evidence evidence();

  /** {@return the seed that generated the request, for fuzzed and probed requests} */
  OptionalLong seed();

  /** {@return failures break the check; warnings are about the contract, not the service} */
  default Severity severity() {
    return Severity.FAILURE;
  }

  /** The kinds of finding, in the order reports list them (most severe first). */
  enum Kind {
    SECURITY("security"), SERVER_ERROR("server-error"), SCENARIO("scenario"), STATEFUL("stateful"),
    ACCEPTED_INVALID_INPUT("accepted-invalid-input"), SCHEMA_VIOLATION("schema-violation"),
    UNDECLARED_STATUS("undeclared-status");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** {@return the name reports and JSON use} */
    public String label() {
      return label;
    }
  }

  enum Severity { FAILURE, WARNING }

  /**
   * The proof.
   *
   * @param curl a command line that sends the request again
   * @param expected what the contract or scenario asks for
   * @param actual what came back, truncated
   */
  record Evidence(String curl, String expected, String actual) {}

  /** A 5xx answer, a timeout, a closed connection or an answer that is not HTTP. */
  record ServerError(String operation, String summary, Evidence evidence, OptionalLong seed) implements Finding {
    public Kind kind() { return Kind.SERVER_ERROR; }
  }

  /** A response whose body does not conform to the schema declared for its status. */
  record SchemaViolation(String operation, String summary, Evidence evidence, OptionalLong seed)
      implements Finding {
    public Kind kind() { return Kind.SCHEMA_VIOLATION; }
  }

  /**
   * A status the operation does not declare. An undeclared 4xx is a warning: the service refused and nothing
   * changed, so the contract is what is incomplete.
   */
  record UndeclaredStatus(String operation, String summary, Evidence evidence, OptionalLong seed, int status)
      implements Finding {
    public Kind kind() { return Kind.UNDECLARED_STATUS; }

    @Override public Severity severity() {
      return status >= 400 && status < 500 ? Severity.WARNING : Severity.FAILURE;
    }
  }

  /** A request that breaks the contract's schema, answered with 2xx. */
  record AcceptedInvalidInput(String operation, String summary, Evidence evidence, OptionalLong seed)
      implements Finding {
    public Kind kind() { return Kind.ACCEPTED_INVALID_INPUT; }
  }

  /** What was created, updated or deleted does not read back as it should. */
  record Stateful(String operation, String summary, Evidence evidence, OptionalLong seed) implements Finding {
    public Kind kind() { return Kind.STATEFUL; }
  }

  /** A security weakness, with its CWE identifier (for example {@code CWE-89}). */
  record Security(String operation, String summary, Evidence evidence, OptionalLong seed, String cwe)
      implements Finding {
    public Kind kind() { return Kind.SECURITY; }
  }

  /** A scenario step whose answer did not meet its expectation. */
  record ScenarioFailure(String operation, String summary, Evidence evidence, String scenario, String step)
      implements Finding {
    public Kind kind() { return Kind.SCENARIO; }

    public OptionalLong seed() { return OptionalLong.empty(); }
  }
}
