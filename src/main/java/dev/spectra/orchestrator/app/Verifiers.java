package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.verify.ReusingVerifier;
import dev.spectra.orchestrator.verify.SandboxVerifier;
import dev.spectra.orchestrator.verify.Verifier;
import java.util.Map;

/** The production {@link Verifier}: the sandbox, with its dependency cache in the user's cache directory. */
public final class Verifiers {
  private Verifiers() {}

  /** {@return the sandboxed verifier for this environment (tools on its {@code PATH}, cache under {@link Dirs})} */
  public static SandboxVerifier sandboxed(Map<String, String> env) {
    return SandboxVerifier.create(env, Dirs.from(env).cache());
  }

  /**
   * {@return the sandboxed verifier, verifying each distinct project once and reusing its result for identical
   * ones; {@code memory} holds the results (one per eval run)}
   */
  public static Verifier reusing(Map<String, String> env, ReusingVerifier.Memory memory) {
    return new ReusingVerifier(sandboxed(env), memory);
  }
}
