package dev.spectra.orchestrator.cli;

/**
 * Every exit code the CLI uses, in one place (README "Exit codes" mirrors this list).
 */
public final class ExitCodes {
  /** The command did what was asked. */
  public static final int OK = 0;
  /** The job ran and failed: output unrecoverable, a build that does not verify, a failing eval, check failures. */
  public static final int FAILED = 1;
  /**
   * Bad input: unknown flag, invalid URL, malformed config or input file, empty prompt; also {@code worker}, {@code
   * run --submit} and {@code eval --workers} without a PostgreSQL database. Nothing ran.
   */
  public static final int USAGE = 2;
  /** No model endpoint could be reached. */
  public static final int UNREACHABLE = 3;
  /** A model endpoint answered with an error we could not get past (auth, model missing, rate limit, 5xx). */
  public static final int MODEL_ERROR = 4;
  /** A budget stopped the work; the output says which and how to raise it. */
  public static final int BUDGET = 5;
  /** Generated code would have to run without a sandbox and {@code --unsafe-no-sandbox} was not given. */
  public static final int NO_SANDBOX = 6;
  /**
   * A first run needs Maven Central once (to build the tool or to fill the dependency cache of generated projects)
   * and it could not be reached. Later runs work offline.
   */
  public static final int NEEDS_NETWORK = 7;
  /** Interrupted (Ctrl-C); partial results were kept where the command says. */
  public static final int INTERRUPTED = 130;

  private ExitCodes() {}

  /** {@return the code's name in JSON errors ({@code "kind"}), as listed in the README's table} */
  public static String kind(int code) {
    return switch (code) {
      case OK -> "ok";
      case FAILED -> "failed";
      case USAGE -> "usage";
      case UNREACHABLE -> "unreachable";
      case MODEL_ERROR -> "model-error";
      case BUDGET -> "budget";
      case NO_SANDBOX -> "no-sandbox";
      case NEEDS_NETWORK -> "needs-network";
      case INTERRUPTED -> "interrupted";
      default -> "exit-" + code;
    };
  }
}
