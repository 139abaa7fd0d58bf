package dev.spectra.orchestrator.app;

import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.ConfigException;
import dev.spectra.orchestrator.ledger.BuildRecord;
import dev.spectra.orchestrator.ledger.Ledger;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.reliability.Cascade;
import dev.spectra.orchestrator.reliability.CascadeSession;
import dev.spectra.orchestrator.run.Ports;
import dev.spectra.orchestrator.run.RunPipeline;
import dev.spectra.orchestrator.run.Steps;
import dev.spectra.orchestrator.scaffold.BuildJournal;
import dev.spectra.orchestrator.verify.Verifier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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
  public static RunPipeline create(Config config, Ledger ledger, Map<String, String> env, Path cwd, Options options,
      Steps.Hook hook, Supplier<String> ids) {
    return create(config, ledger, env, cwd, options, hook, ids, UnaryOperator.identity(), Verifiers.sandboxed(env));
  }

  /** The same over a given verifier: eval shares one across its samples (see {@link Verifiers#reusing}). */
  public static RunPipeline create(Config config, Ledger ledger, Map<String, String> env, Path cwd, Options options,
      Verifier verifier) {
    return create(config, ledger, env, cwd, options, Steps.Hook.NONE, null, UnaryOperator.identity(), verifier);
  }

  /**
   * The same with the ledger's journal wrapped, so a worker also keeps each step's journal in the job queue.
   */
  static RunPipeline create(Config config, Ledger ledger, Map<String, String> env, Path cwd, Options options,
      Steps.Hook hook, Supplier<String> ids, UnaryOperator<BuildJournal> journal) {
    return create(config, ledger, env, cwd, options, hook, ids, journal, Verifiers.sandboxed(env));
  }

  private static RunPipeline create(Config config, Ledger ledger, Map<String, String> env, Path cwd, Options options,
      Steps.Hook hook, Supplier<String> ids, UnaryOperator<BuildJournal> journal, Verifier verifier) {
    Dirs dirs = Dirs.from(env);
    return RunPipeline.create(cascadeSessions(config, ledger, options.model()),
        verifier, journal.apply(new LedgerBuildJournal(ledger, BuildRecord.Kind.RUN)),
        new RunPipeline.Setup(options.unsafeNoSandbox(), options.progress(), options.interactive(), options.clock(),
            dirs.runsDir(), cwd, hook, ids));
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
      cascade = Cascades.recordingInto(Cascades.builder(config).providers(providers::model), ledger).build()
          .resolve(name);
    } catch (ConfigException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return (buildId, budget) -> {
      CascadeSession session = cascade.session(buildId, budget);
      return new Ports.Session(session, session::reportArtifactFailure);
    };
  }
}
