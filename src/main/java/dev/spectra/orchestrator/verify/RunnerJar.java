package dev.spectra.orchestrator.verify;

import dev.spectra.orchestrator.verify.runner.VerifyRunner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the verify runner's jar is: the orchestrator-runner module's jar, shipped in {@code target/lib} beside the
 * orchestrator's. The sandboxed JVM gets exactly that jar on its class path, not the orchestrator's jar, whose
 * manifest would drag the orchestrator's own libraries into the project's class path. A jar, not a class directory,
 * because the JVM archives classes for faster starts only from jars (and fails the run when asked to with a
 * directory on the path).
 */
final class RunnerJar {
  private RunnerJar() {}

  /** {@return the jar holding {@link VerifyRunner}} */
  static Path locate() throws IOException {
    Path source;
    try {
      source = Path.of(VerifyRunner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | NullPointerException | IllegalArgumentException e) {
      throw new IOException("cannot locate the verify runner's jar", e);
    }
    if (!Files.isRegularFile(source)) {
      throw new IOException("the verify runner is loaded from " + source + ", not from its jar; build the"
          + " orchestrator with Maven from the repository root (./mvnw package or ./mvnw test), which writes"
          + " runner/target/orchestrator-runner.jar");
    }
    return source;
  }
}
