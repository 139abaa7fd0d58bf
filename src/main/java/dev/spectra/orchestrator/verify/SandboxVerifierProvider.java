package dev.spectra.orchestrator.verify;

import dev.spectra.orchestrator.scaffold.Verifier;
import dev.spectra.orchestrator.scaffold.VerifierProvider;
import java.nio.file.Path;
import java.util.Map;

/** Registers {@link SandboxVerifier} with {@link VerifierProvider#find} (see {@code META-INF/services}). */
public final class SandboxVerifierProvider implements VerifierProvider {
  @Override public Verifier create(Map<String, String> env, Path cwd) {
    return SandboxVerifier.create(env);
  }
}
