package dev.spectra.orchestrator.app;

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
}
