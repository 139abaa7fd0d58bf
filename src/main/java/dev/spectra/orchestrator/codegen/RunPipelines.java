package dev.spectra.orchestrator.codegen;

import dev.spectra.orchestrator.builder.VerifierProvider;
import dev.spectra.orchestrator.builder.VerifyOptions;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.structured.StructuredOptions;
import dev.spectra.orchestrator.structured.StructuredOutput;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Wires a {@link RunPipeline} from the configuration: the one place the real parts are plugged in. */
public final class RunPipelines {
  private RunPipelines() {}

  /**
   * How the user wants this build run.
   *
   * @param model a catalog model or routing policy; null for the configured default
   * @param progress where live progress goes, or null for none ({@code --quiet}, {@code --json})
   * @param interactive progress may redraw one line (a terminal)
   */
  public record Options(String model, boolean unsafeNoSandbox, PrintWriter progress, boolean interactive,
      Clock clock) {}

  /**
   * @throws IllegalArgumentException when the model name is unknown; the message lists what is known
   */
  public static RunPipeline create(Config config, Map<String, String> env, Path cwd, Options options) {
    Clock clock = options.clock() == null ? Clock.systemUTC() : options.clock();
    Progress progress = options.progress() == null ? Progress.NONE
        : Progress.stderr(options.progress(), clock, options.interactive());
    Ports.Sessions sessions = routeSessions(config, options.model());
    Ports.Verifier verifier = VerifierProvider.find(env, cwd)
        .<Ports.Verifier>map(v -> new SandboxVerifier(v, new VerifyOptions(VerifyOptions.DEFAULT_WALL_CLOCK_LIMIT,
            options.unsafeNoSandbox(), (step, detail) -> progress.note(step + ": " + detail))))
        .orElse(project -> {
          throw new Ports.NoSandbox("this build of the orchestrator has no verifier; generated code is never run "
              + "unverified");
        });
    return new RunPipeline(sessions, BuilderScaffolder.create(), verifier, Ports.BuildRecorder.NONE, progress, clock,
        Steps.Hook.NONE, runsDir(env), cwd, null);
  }

  /** The chosen model first, then the configured fallback; escalation moves to the fallback. */
  private static Ports.Sessions routeSessions(Config config, String name) {
    String first = name == null ? config.defaultModel() : name;
    ModelSpec spec = config.catalog().find(first).orElseThrow(() -> new IllegalArgumentException(
        "unknown model '" + first + "'; known: " + String.join(", ", config.catalog().names())));
    List<ModelSpec> specs = new ArrayList<>(List.of(spec));
    config.fallbackModel().flatMap(f -> config.catalog().get(f)).filter(f -> !f.name().equals(spec.name()))
        .ifPresent(specs::add);
    Providers providers = new Providers(config.secrets(), new Providers.Options(config.ollamaKeepAlive(), w -> {}));
    return (buildId, budget) -> {
      List<Model> routes = specs.stream()
          .<Model>map(s -> new StructuredOutput(providers.model(s), s, StructuredOptions.defaults())).toList();
      RouteSession session = new RouteSession(routes, budget);
      return new Ports.Session(session, session::escalate);
    };
  }

  /** Where stopped builds are indexed by id, under the user's data directory. */
  static Path runsDir(Map<String, String> env) {
    String data = env.get("XDG_DATA_HOME");
    Path base = data != null && !data.isBlank() ? Path.of(data)
        : Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".local", "share");
    return base.resolve("orchestrator").resolve("runs");
  }
}
