package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.app.SetupException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Entry point. All wiring happens here; nothing else calls {@code System.exit}. */
@Command(
    name = "orchestrator",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Builds verified services from a sentence with the LLM you own: local first, cloud only on failure.",
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0 ok   1 job failed   2 usage or bad input   3 model unreachable",
        "  4 model error   5 budget exhausted   6 no sandbox",
        "  7 first run needs Maven Central   130 interrupted",
        "See README.md for configuration (ORCHESTRATOR_LLM_URL, ORCHESTRATOR_LLM_MODEL,",
        "orchestrator.yaml)."})
public final class Main implements Callable<Integer> {

  /** Help lists commands by task; every registered command must belong to a group (see the CLI tests). */
  static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();
  static {
    GROUPS.put("Build services", List.of("run", "build", "resume", "builds", "worker"));
    GROUPS.put("Talk to models", List.of("ask", "repair", "models"));
    GROUPS.put("Gateway", List.of("serve", "ui", "keys"));
    GROUPS.put("Cost and history", List.of("stats", "ledger"));
    GROUPS.put("Check services", List.of("check"));
    GROUPS.put("Measure", List.of("eval", "bench"));
    GROUPS.put("Test without a model", List.of("sim"));
    GROUPS.put("Setup", List.of("doctor", "help"));
  }

  /** Help is wrapped at this width, the terminal width nobody has less of. */
  static final int USAGE_WIDTH = 80;

  @Spec CommandSpec spec;

  /** Without a command: the usage on stderr and exit 2 (with {@code --json}, the command list as JSON). */
  @Override public Integer call() {
    return parentWithoutSubcommand(spec);
  }

  public static void main(String[] args) {
    // Third-party libraries (Javalin, Jetty) log to the console only when asked; slf4j-simple reads this when
    // their loggers are made, and system properties override simplelogger.properties.
    if (List.of(args).contains("--verbose")
        && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
    }
    Io io = Io.system();
    Interrupts interrupts = Interrupts.onShutdown(Thread.currentThread(), io.err());
    int code = run(args, io, interrupts);
    interrupts.finished();
    System.exit(code);
  }

  /** Runs the CLI with the given streams and environment and returns the exit code. */
  public static int run(String[] args, Io io) {
    return run(args, io, Interrupts.NONE);
  }

  static int run(String[] args, Io io, Interrupts interrupts) {
    CommandLine cl = commandLine(io, requested(args));
    cl.setExecutionStrategy(parsed -> {
      // One rule for bad configuration: every command (not --help, --version or help) stops with exit 2, naming
      // the file and line, before it does anything.
      if (!isHelpRequest(parsed)) {
        try {
          ModelFailures.loadConfig(io, dev.spectra.orchestrator.config.Overrides.NONE);
        } catch (RuntimeException e) {
          // Handled like an error inside the command: the message, exit 2, and JSON with --json.
          throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.getMessage(), e);
        }
      }
      CommandLine.ParseResult leaf = parsed;
      while (leaf.hasSubcommand()) leaf = leaf.subcommand();
      interrupts.running(leaf.commandSpec().userObject());
      return new CommandLine.RunLast().execute(parsed);
    });
    // During Ctrl-C, whatever fails (a shutdown hook that can no longer be added, a closed resource) fails because
    // of the interruption: say that, not "internal error".
    cl.setExecutionExceptionHandler((e, c, parsed) -> interrupts.stopping() && !(e instanceof ExitException)
        ? handleException(new InterruptedException("interrupted"), c, parsed) : handleException(e, c, parsed));
    try {
      return cl.execute(args);
    } finally {
      io.out().flush();
      io.err().flush();
    }
  }

  private static boolean isHelpRequest(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.isUsageHelpRequested() || p.isVersionHelpRequested()
          || p.commandSpec().helpCommand()) {
        return true;
      }
    }
    return false;
  }

  /**
   * A command that only groups others (the root, {@code bench}, {@code keys}) run without one: with {@code --json}
   * its subcommands as JSON on stdout (exit 0), else its usage on stderr and exit 2.
   */
  static int parentWithoutSubcommand(CommandSpec spec) {
    CommandLine cl = spec.commandLine();
    if (JsonErrors.jsonRequested(spec)) {
      cl.getOut().println(HelpJson.describe(spec).toPrettyString());
      return ExitCodes.OK;
    }
    cl.usage(cl.getErr());
    cl.getErr().println("error: name a command (see above)");
    return ExitCodes.USAGE;
  }

  /** One top-level command: its class (for its help summary) and how to make it. */
  private record TopLevelCommand(Class<?> type, Supplier<Object> make) {
    String name() {
      return type.getAnnotation(Command.class).name();
    }
  }

  /** The top-level commands, by task. Each is one class in this package; instances get {@code io} without statics. */
  private static List<TopLevelCommand> entries(Io io) {
    return List.of(
        new TopLevelCommand(HelpJson.Command.class, HelpJson.Command::new),
        new TopLevelCommand(RunCommand.class, () -> new RunCommand(io)),
        new TopLevelCommand(BuildCommand.class, () -> new BuildCommand(io)),
        new TopLevelCommand(ResumeCommand.class, () -> new ResumeCommand(io)),
        new TopLevelCommand(BuildsCommand.class, () -> new BuildsCommand(io)),
        new TopLevelCommand(WorkerCommand.class, () -> new WorkerCommand(io)),
        new TopLevelCommand(CheckCommand.class, () -> new CheckCommand(io)),
        new TopLevelCommand(AskCommand.class, () -> new AskCommand(io)),
        new TopLevelCommand(RepairCommand.class, () -> new RepairCommand(io)),
        new TopLevelCommand(ModelsCommand.class, () -> new ModelsCommand(io)),
        new TopLevelCommand(ServeCommand.class, () -> new ServeCommand(io)),
        new TopLevelCommand(UiCommand.class, () -> new UiCommand(io)),
        new TopLevelCommand(KeysCommand.class, () -> new KeysCommand(io)),
        new TopLevelCommand(StatsCommand.class, () -> new StatsCommand(io)),
        new TopLevelCommand(LedgerCommand.class, () -> new LedgerCommand(io)),
        new TopLevelCommand(BenchCommand.class, () -> {
          CommandLine bench = new BenchCommand(io).commandLine();   // benchmarks: one bench.addSubcommand line each
          bench.addSubcommand(new BenchProvidersCommand(io));
          bench.addSubcommand(new BenchRepairCommand(io));
          bench.addSubcommand(new BenchCascadeCommand(io));
          bench.addSubcommand(new BenchGatewayCommand(io));
          bench.addSubcommand(new BenchVerifyCommand(io));
          bench.addSubcommand(new BenchRunCommand(io));
          bench.addSubcommand(new BenchUiCommand(io));
          bench.addSubcommand(new BenchLoadCommand(io));
          return bench;
        }),
        new TopLevelCommand(EvalCommand.class, () -> new EvalCommand(io)),
        new TopLevelCommand(SimCommand.class, () -> new SimCommand(io)),
        new TopLevelCommand(DoctorCommand.class, () -> new DoctorCommand(io)));
  }

  /** Builds the whole command tree. */
  public static CommandLine commandLine(Io io) {
    return commandLine(io, null);
  }

  /**
   * Builds the command tree with {@code only} (a top-level command name, or null for all) in full and the other
   * commands ({@code help} excepted, which is small) as their name and summary alone, enough for the usage and for
   * "did you mean". Making a command builds its picocli model by reflection and loads what its fields need (Jackson,
   * the HTTP client, the ledger); short commands such as {@code --version} or {@code models} start in a fraction of
   * the time without the rest.
   */
  static CommandLine commandLine(Io io, String only) {
    CommandLine cl = new CommandLine(new Main());
    for (TopLevelCommand e : entries(io)) {
      String name = e.name();
      boolean full = only == null || only.equals(name) || e.type() == HelpJson.Command.class;
      cl.addSubcommand(name, full ? e.make().get() : summaryOnly(name, e.type()));
    }

    // Every command answers --help (and -h) and takes --json, whether or not its class asked for them.
    addHelpOptions(cl);
    JsonErrors.addJsonOptions(cl);
    addVerboseOptions(cl);
    cl.setOut(io.out());
    cl.setErr(io.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // "@FILE" is read by the commands that take it (run's request); picocli must not split the file into arguments.
    cl.setExpandAtFiles(false);
    cl.setUsageHelpWidth(USAGE_WIDTH);
    // Long descriptions wrap at the width instead of keeping the source's line breaks.
    cl.setUsageHelpLongOptionsMaxWidth(28);
    reflowDescriptions(cl);
    cl.setExecutionExceptionHandler(Main::handleException);
    cl.setParameterExceptionHandler(Main::handleParameterException);
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::groupedCommandList);
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getSubcommands().isEmpty()) {
        sub.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::commandList);
      }
    }
    return cl;
  }

  /**
   * A description is written one sentence per source line, but a long sentence continues on the next line: picocli
   * wraps each line on its own and would leave a stub line after it. Lines that do not end a sentence are joined to
   * the next, so each sentence wraps as one at the help width.
   */
  private static void reflowDescriptions(CommandLine cl) {
    var usage = cl.getCommandSpec().usageMessage();
    usage.description(reflow(usage.description()));
    for (CommandLine sub : cl.getSubcommands().values()) reflowDescriptions(sub);
  }

  static String[] reflow(String[] lines) {
    List<String> out = new ArrayList<>();
    StringBuilder current = null;
    for (String line : lines) {
      String text = line.strip();
      if (current == null) {
        current = new StringBuilder(text);
      } else {
        current.append(' ').append(text);
      }
      if (text.isEmpty() || text.endsWith("%n") || text.matches(".*[.!?:]\\)?$")) {
        out.add(current.toString().strip());
        current = null;
      }
    }
    if (current != null) out.add(current.toString().strip());
    return out.toArray(String[]::new);
  }

  /** A command as the root's usage lists it: its name and the description of its class's annotation. */
  private static CommandLine summaryOnly(String name, Class<?> type) {
    Command a = type.getAnnotation(Command.class);
    CommandSpec spec = CommandSpec.create().name(name);
    spec.usageMessage().description(a.description()).header(a.header());
    return new CommandLine(spec);
  }

  /**
   * {@return the top-level command the arguments run or ask help for, to build in full; "" when they name none
   * ({@code --help}, {@code --version}, a misspelt command), so every command is its summary alone} The root's own
   * options take no values, so the first argument that is not an option is the command.
   */
  static String requested(String[] args) {
    boolean help = false;
    for (String arg : args) {
      if (arg.equals("--")) return "";
      if (arg.startsWith("-")) continue;
      if (!help && arg.equals("help")) {
        help = true;   // "help build" describes build: that one is needed in full
        continue;
      }
      return GROUPS.values().stream().anyMatch(names -> names.contains(arg)) ? arg : "";
    }
    return "";
  }

  /**
   * Every command takes {@code --verbose}: library log lines (Javalin, Jetty) reach the console only with it (see
   * {@link #main}); commands that have more to show declare their own.
   */
  private static void addVerboseOptions(CommandLine cl) {
    if (cl.getCommandSpec().findOption("--verbose") == null) {
      cl.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("--verbose").type(boolean.class)
          .description("Also show the log lines of the libraries underneath (Javalin, Jetty).").build());
    }
    for (CommandLine sub : cl.getSubcommands().values()) addVerboseOptions(sub);
  }

  private static void addHelpOptions(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (!sub.getCommandSpec().mixinStandardHelpOptions()
          && !(sub.getCommand() instanceof CommandLine.HelpCommand)) {
        sub.getCommandSpec().mixinStandardHelpOptions(true);
      }
      addHelpOptions(sub);
    }
  }

  private static int handleException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    boolean json = JsonErrors.jsonRequested(parsed);
    if (e instanceof ExitException exit) {
      String message = exit.getMessage() == null ? "" : exit.getMessage();
      if (!message.isBlank()) err.println("error: " + message);
      if (json && !exit.resultPrinted()) JsonErrors.print(cl.getOut(), exit.code(), message);
      return exit.code();
    }
    if (e instanceof SetupException setup) {
      err.println("error: " + setup.getMessage());
      int code = switch (setup.kind()) {
        case USAGE -> ExitCodes.USAGE;
        case FAILED -> ExitCodes.FAILED;
      };
      if (json) JsonErrors.print(cl.getOut(), code, setup.getMessage());
      return code;
    }
    if (e instanceof InterruptedException) {
      String message = "interrupted: stopped before finishing; nothing half-written was kept. Run the same command"
          + " again to start over.";
      err.println(message);
      if (json) JsonErrors.print(cl.getOut(), ExitCodes.INTERRUPTED, message);
      return ExitCodes.INTERRUPTED;
    }
    // A bug, not a user mistake: say so plainly and keep the trace for the report.
    err.println("internal error: " + e);
    e.printStackTrace(err);
    if (json) JsonErrors.print(cl.getOut(), ExitCodes.FAILED, "internal error: " + e);
    return ExitCodes.FAILED;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    boolean json = JsonErrors.jsonRequested(args);
    // picocli checks required options before unknown ones; a misspelt option is the likelier mistake to report.
    String unknown = e instanceof CommandLine.MissingParameterException ? unknownOption(cl, args) : null;
    if (unknown != null) {
      err.println("error: Unknown option: '" + unknown + "'");
      err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
      if (json) JsonErrors.print(cl.getOut(), ExitCodes.USAGE, "Unknown option: '" + unknown + "'");
      return ExitCodes.USAGE;
    }
    err.println("error: " + e.getMessage());
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    }
    if (json) JsonErrors.print(cl.getOut(), ExitCodes.USAGE, e.getMessage());
    return ExitCodes.USAGE;
  }

  private static String unknownOption(CommandLine cl, String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) return null;
      if (!arg.startsWith("--")) continue;
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (cl.getCommandSpec().findOption(name) == null) return name;
    }
    return null;
  }

  private static String groupedCommandList(CommandLine.Help help) {
    Map<String, CommandLine.Help> subs = help.subcommands();
    if (subs.isEmpty()) return "";
    StringBuilder sb = new StringBuilder();
    List<String> listed = new ArrayList<>();
    for (var group : GROUPS.entrySet()) {
      List<String> present = group.getValue().stream().filter(subs::containsKey).toList();
      if (present.isEmpty()) continue;
      sb.append(System.lineSeparator()).append(group.getKey()).append(':').append(System.lineSeparator());
      for (String name : present) {
        listed.add(name);
        commandLine(sb, name, subs.get(name).commandSpec());
      }
    }
    for (String name : subs.keySet()) {
      if (!listed.contains(name)) commandLine(sb, name, subs.get(name).commandSpec());
    }
    return sb.toString();
  }

  /** The subcommand list of {@code bench} and {@code keys}: like the root's, without groups. */
  private static String commandList(CommandLine.Help help) {
    Map<String, CommandLine.Help> subs = help.subcommands();
    if (subs.isEmpty()) return "";
    StringBuilder sb = new StringBuilder();
    for (var sub : subs.entrySet()) commandLine(sb, sub.getKey(), sub.getValue().commandSpec());
    return sb.toString();
  }

  /** One command in a list: its summary (first sentence) in full, wrapped under itself, never cut mid-phrase. */
  private static void commandLine(StringBuilder sb, String name, CommandSpec spec) {
    String summary = HelpJson.summary(spec);
    int indent = 13;
    int width = USAGE_WIDTH - indent;
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : summary.split(" ")) {
      if (word.isEmpty()) continue;
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) line.append(' ');
      line.append(word);
    }
    lines.add(line.toString());
    sb.append("  ").append(String.format("%-10s", name)).append(' ').append(lines.get(0)).append(System.lineSeparator());
    for (String more : lines.subList(1, lines.size())) {
      sb.append(" ".repeat(indent)).append(more).append(System.lineSeparator());
    }
  }

  /** Reads the version Maven stamped into the jar manifest, or the filtered resource when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      return new String[] {"orchestrator " + version(), "Java " + Runtime.version()};
    }

    static String version() {
      String v = Main.class.getPackage().getImplementationVersion();
      if (v != null) return v;
      try (var in = Main.class.getResourceAsStream("/orchestrator-version.txt")) {
        return in == null ? "dev" : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
      } catch (java.io.IOException e) {
        return "dev";
      }
    }
  }
}
