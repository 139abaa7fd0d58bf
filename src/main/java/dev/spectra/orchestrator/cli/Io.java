package dev.spectra.orchestrator.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The outside world a command sees: streams, environment and working directory. Passed in, never read from
 * statics, so tests run the real entry point with their own writers and environment.
 */
public record Io(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, Path cwd) {
  public Io {
    env = Map.copyOf(env);
    cwd = cwd.toAbsolutePath().normalize();
  }

  public static Io system() {
    return new Io(new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.in, System.getenv(),
        Path.of("").toAbsolutePath());
  }
}
