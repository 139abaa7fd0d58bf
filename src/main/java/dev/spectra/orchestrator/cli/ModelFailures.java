package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.app.Configs;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.Providers;

/** What commands that talk to models share: loading the configuration and mapping model errors to exit codes. */
final class ModelFailures {
  private ModelFailures() {}

  /** {@return the configuration for {@code io}; a bad file or variable is a usage error naming file, line and key} */
  static Config loadConfig(Io io, Overrides overrides) {
    try {
      return Configs.load(io.env(), io.cwd(), overrides);
    } catch (ConfigException e) {
      throw ExitException.usage(e.getMessage());
    }
  }

  /** {@return providers whose warnings go to stderr} */
  static Providers providers(Io io, Config config) {
    return new Providers(config.secrets(), new Providers.Options(config.ollamaKeepAlive(), warning -> {
      io.err().println("warning: " + warning);
      io.err().flush();
    }));
  }

  /** {@return the exit for a failed call: unreachable 3, budget 5, bad output 1, any other model error 4} */
  static ExitException exit(ModelError error) {
    int code = switch (error) {
      case ModelError.ConnectionRefused c -> ExitCodes.UNREACHABLE;
      case ModelError.Timeout t -> t.phase() == ModelError.Timeout.Phase.CONNECT ? ExitCodes.UNREACHABLE
          : ExitCodes.MODEL_ERROR;
      case ModelError.CircuitOpen c -> ExitCodes.UNREACHABLE;
      case ModelError.BudgetExhausted b -> ExitCodes.BUDGET;
      case ModelError.InvalidOutput i -> ExitCodes.FAILED;
      case ModelError.ArtifactFailed a -> ExitCodes.FAILED;
      case ModelError.RateLimited r -> ExitCodes.MODEL_ERROR;
      case ModelError.AuthFailed a -> ExitCodes.MODEL_ERROR;
      case ModelError.ModelNotFound m -> ExitCodes.MODEL_ERROR;
      case ModelError.ContextTooLong c -> ExitCodes.MODEL_ERROR;
      case ModelError.BadRequest b -> ExitCodes.MODEL_ERROR;
      case ModelError.ServerError s -> ExitCodes.MODEL_ERROR;
      case ModelError.MalformedResponse m -> ExitCodes.MODEL_ERROR;
      case ModelError.StreamCutOff s -> ExitCodes.MODEL_ERROR;
    };
    return new ExitException(code, error.message());
  }
}
