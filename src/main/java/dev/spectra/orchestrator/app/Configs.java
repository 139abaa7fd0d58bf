package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.config.ConfigLoader;
import dev.spectra.orchestrator.config.Overrides;
import java.nio.file.Path;
import java.util.Map;

/** Loads the configuration a command runs with: the working directory's files over the user's {@link Dirs}. */
public final class Configs {
  private Configs() {}

  /**
   * {@return the configuration for this environment and working directory}
   *
   * @throws ConfigException naming file, line and key of a bad value
   */
  public static Config load(Map<String, String> env, Path cwd, Overrides overrides) throws ConfigException {
    return ConfigLoader.load(env, cwd, Dirs.from(env).configFile(), overrides);
  }
}
