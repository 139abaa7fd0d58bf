package dev.spectra.orchestrator.scaffold;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Makes the production {@link Verifier}. Found with {@link java.util.ServiceLoader}: the implementation lists its
 * provider class in {@code src/main/resources/META-INF/services/dev.spectra.orchestrator.scaffold.VerifierProvider}.
 * That keeps the builder free of a compile-time dependency on the sandbox package, and tests free to pass their own.
 */
public interface VerifierProvider {
  /**
   * @param env the process environment (for {@code XDG_CACHE_HOME}, {@code HOME}, overrides)
   * @param cwd the user's working directory
   */
  Verifier create(Map<String, String> env, Path cwd);

  /**
   * The one place production code gets its verifier: the first provider on the class path, or empty when this
   * build of the orchestrator carries none (then {@code build} refuses with exit code 6 rather than pretend).
   */
  static Optional<Verifier> find(Map<String, String> env, Path cwd) {
    return ServiceLoader.load(VerifierProvider.class).findFirst().map(p -> p.create(env, cwd));
  }
}
