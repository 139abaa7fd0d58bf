package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.model.ModelError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What the run pipeline needs from the rest of the system, each as one small interface, so every step can be
 * tested with a hand-written fake and the real builder, sandbox, cascade and ledger are plugged in one place
 * (the application's composition root).
 */
public final class Ports {
  private Ports() {}

  /** The deterministic half: an OpenAPI document becomes a project; CRUD operations need no model. */
  public interface ProjectScaffolder {
    /**
     * Writes the project for {@code openApiFile} into {@code projectDir} (empty or absent).
     *
     * @throws ScaffoldFailed when the document cannot be turned into a project; the message names the location
     */
    Scaffolded scaffold(Path openApiFile, String stack, Path projectDir) throws ScaffoldFailed, IOException;

    /** Parses and validates an OpenAPI document; {@return the problems, each naming a location, or none} */
    List<String> validate(Path openApiFile) throws IOException;
  }

  /**
   * The scaffolded project as the pipeline needs it.
   *
   * @param basePackage Java package of the service ({@code com.example.loans})
   * @param pending operations the scaffold left for a model, each with its handler file
   * @param appStart a Java expression that starts the service on a random port and evaluates to an object with
   *     {@code port()} and {@code close()}/{@code stop()}, used by the generated scenario tests
   */
  public record Scaffolded(String basePackage, List<PendingOperation> pending, String appStart,
      List<PendingOperation> generated) {
    public Scaffolded {
      pending = List.copyOf(pending);
      generated = List.copyOf(generated);
    }

    public Scaffolded(String basePackage, List<PendingOperation> pending, String appStart) {
      this(basePackage, pending, appStart, List.of());
    }
  }

  /** A non-CRUD operation and the file its implementation goes into (relative to the project). */
  public record PendingOperation(String operationId, String method, String path, String handlerFile) {}

  /** The scaffold refused the document. */
  public static final class ScaffoldFailed extends Exception {
    public ScaffoldFailed(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Compiles and tests a project, then starts the service and checks it against {@code contract} with
   * {@code orchestrator check}, all in the sandbox unless the user allowed otherwise.
   */
  public interface ProjectVerifier {
    Verification verify(Path projectDir, Path contract) throws IOException, InterruptedException, CannotVerify;
  }

  /**
   * Verification could not start, for a reason the fix loop cannot change: the build stops and says which (each
   * has its own exit code).
   */
  public abstract static sealed class CannotVerify extends Exception permits SandboxMissing, NetworkNeeded, SetupFailed {
    CannotVerify(String message) {
      super(message, null, false, false);
    }
  }

  /** No sandbox tool exists and running unsandboxed was not allowed. */
  public static final class SandboxMissing extends CannotVerify {
    public SandboxMissing(String message) {
      super(message);
    }
  }

  /** Verification could not be set up (no Maven for the dependency cache, a resolution that failed, no disk). */
  public static final class SetupFailed extends CannotVerify {
    public SetupFailed(String message) {
      super(message);
    }
  }

  /** The generated project's dependencies are not cached yet and Maven Central could not be reached to fetch them. */
  public static final class NetworkNeeded extends CannotVerify {
    public NetworkNeeded(String message) {
      super(message);
    }
  }

  /** Makes later model calls of this build start at the next route; false when no route is left. */
  @FunctionalInterface
  public interface Escalator {
    boolean escalate(ModelError.ArtifactFailed failure);

    Escalator NONE = failure -> false;
  }

  /** Opens the model side of one build: a cascade session with its own budget and escalation state. */
  @FunctionalInterface
  public interface Sessions {
    /**
     * @param budget what the build may still spend, or null for the configured default
     */
    Session open(String buildId, dev.spectra.orchestrator.model.Money budget);
  }

  /** The model a build calls, and how to make it escalate to the next route. */
  public record Session(dev.spectra.orchestrator.model.Model model, Escalator escalator) {}
}
