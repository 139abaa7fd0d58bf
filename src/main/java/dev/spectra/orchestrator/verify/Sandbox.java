package dev.spectra.orchestrator.verify;

import java.util.List;

/**
 * A way to run untrusted code: turns a {@link SandboxCommand} into the host command line that runs it confined.
 * Running, limits on the process tree and killing it are {@link ProcessTree}'s job, the same for every backend.
 */
sealed interface Sandbox permits Bubblewrap, NoSandbox {
  /** {@return the name reported in results: {@code bubblewrap} or {@code none (unsafe)}} */
  String name();

  /** {@return the host command line that runs {@code command} inside this sandbox} */
  List<String> hostCommand(SandboxCommand command);

  /** {@return true when the command expects its stdin to be a lifeline pipe (see {@link Bubblewrap})} */
  default boolean lifeline() {
    return false;
  }
}
