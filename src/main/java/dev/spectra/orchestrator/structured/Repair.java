package dev.spectra.orchestrator.structured;

/**
 * Every change the engine may make to a model's text to get a JSON value, each with the stable name that
 * {@code Attempt.repairs()}, the ledger and the eval record. Extraction steps are listed too, because they
 * explain why a reply was not raw-valid.
 */
enum Repair {
  THINK_BLOCK("think-block"),
  FENCE("fence"),
  PROSE("prose"),
  SEVERAL_VALUES("several-values"),
  TRAILING_COMMA("trailing-comma"),
  COMMENT("comment"),
  SINGLE_QUOTES("single-quotes"),
  SMART_QUOTES("smart-quotes"),
  INNER_QUOTE("inner-quote"),
  UNQUOTED_KEY("unquoted-key"),
  UNQUOTED_VALUE("unquoted-value"),
  PYTHON_LITERAL("python-literal"),
  UNDEFINED_LITERAL("undefined-literal"),
  NUMBER_FORMAT("number-format"),
  CONTROL_CHAR("control-char"),
  INVALID_ESCAPE("invalid-escape"),
  MISSING_CLOSER("missing-closer"),
  MISSING_COMMA("missing-comma"),
  MISMATCHED_BRACKET("mismatched-bracket"),
  EXTRA_CLOSER("extra-closer"),
  EARLY_CLOSER("early-closer"),
  DOUBLE_ENCODED("double-encoded"),
  SCHEMA_COERCION("schema-coercion");

  private final String stableName;

  Repair(String stableName) {
    this.stableName = stableName;
  }

  /** {@return the name recorded in attempts and printed by the CLI} */
  String stableName() {
    return stableName;
  }
}
