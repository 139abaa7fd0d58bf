package dev.spectra.orchestrator.run;

import dev.spectra.orchestrator.scaffold.VerifierProvider;
import dev.spectra.orchestrator.scaffold.VerifyOptions;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeBuilder;
import dev.spectra.orchestrator.reliability.CascadeSession;
import dev.spectra.orchestrator.model.Providers;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
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
  public static RunPipeline create(Config config, Ledger ledger, Map<String, String> env, Path cwd,
      Options options) {
    return create(config, ledger, env, cwd, options, Steps.Hook.NONE, null);
  }

  /** The same with a hook between steps and fixed build ids, for tests that stop a build on purpose. */
  static RunPipeline create(Config config, Ledger ledger, Map<String, String> env, Path cwd, Options options,
      Steps.Hook hook, java.util.function.Supplier<String> ids) {
    Clock clock = options.clock() == null ? Clock.systemUTC() : options.clock();
    Progress progress = options.progress() == null ? Progress.NONE
        : Progress.stderr(options.progress(), clock, options.interactive());
    Ports.Sessions sessions = cascadeSessions(config, ledger, options.model());
    Ports.Verifier verifier = VerifierProvider.find(env, cwd)
        .<Ports.Verifier>map(v -> new SandboxVerifier(v, new VerifyOptions(VerifyOptions.DEFAULT_WALL_CLOCK_LIMIT,
            options.unsafeNoSandbox(), (step, detail) -> progress.note(step + ": " + detail))))
        .orElse(project -> {
          throw new Ports.NoSandbox("this build of the orchestrator has no verifier; generated code is never run "
              + "unverified");
        });
    return new RunPipeline(sessions, BuilderScaffolder.create(), verifier, new LedgerRecorder(ledger), progress,
        clock, hook, runsDir(env), cwd, ids);
  }

  /**
   * Every call through the cascade (budget guard, fallback, breaker, retry, structured output), one session per
   * build so an artifact failure escalates to the next route.
   *
   * @throws IllegalArgumentException for a bad routing configuration or an unknown model or policy
   */
  private static Ports.Sessions cascadeSessions(Config config, Ledger ledger, String name) {
    Providers providers = new Providers(config.secrets(), new Providers.Options(config.ollamaKeepAlive(), w -> {}));
    Cascade cascade;
    try {
      cascade = CascadeBuilder.fromConfig(config).providers(providers::model).ledger(ledger).build().resolve(name);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return (buildId, budget) -> {
      CascadeSession session = cascade.session(buildId, budget);
      return new Ports.Session(session, session::reportArtifactFailure);
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
