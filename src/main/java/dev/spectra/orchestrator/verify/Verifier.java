package dev.spectra.orchestrator.verify;

import java.nio.file.Path;

/**
 * Compiles a generated project and runs its tests, and says what happened. Generated code is untrusted: an
 * implementation runs it inside a sandbox (no network, writable only {@code projectDir}, CPU, memory, process and
 * wall-clock limits, the whole process tree killed on timeout) unless {@link VerifyOptions#unsafeNoSandbox()} is set.
 *
 * <p>The project follows the layout in {@code docs/generated-project.md}. Its dependencies come from a local cache
 * filled outside the sandbox, so verification needs no network. A verifier may write only inside {@code projectDir}
 * (for example {@code target/}) and its own cache.
 *
 * <p>A build that does not compile or whose tests fail is a normal result ({@link VerifyResult#passed()} is false),
 * not an exception. The application wires the sandboxed implementation in; tests pass their own.
 */
public interface Verifier {

  /**
   * Compiles {@code projectDir}'s main and test sources and runs every test in it.
   *
   * @throws SandboxUnavailableException no sandbox tool is usable here and {@code unsafeNoSandbox} was not given, or
   *     the dependency cache cannot be filled; nothing of the project ran
   * @throws InterruptedException the calling thread was interrupted; the process tree has been killed
   */
  VerifyResult verify(Path projectDir, VerifyOptions options) throws SandboxUnavailableException, InterruptedException;
}
