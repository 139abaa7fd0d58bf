package dev.spectra.orchestrator.cli;

import dev.spectra.orchestrator.app.SetupException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Entry point. All wiring happens here; nothing else calls {@code System.exit}. */
@Command(
    name = "orchestrator",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Builds verified services from a sentence with the LLM you own: local first, cloud only on failure.",
    footerHeading = "%nExit codes:%n",
    footer = {
        "  0 ok   1 job failed   2 usage or bad input   3 model unreachable   4 model error",
        "  5 budget exhausted   6 no sandbox   130 interrupted",
        "See README.md for configuration (ORCHESTRATOR_LLM_URL, ORCHESTRATOR_LLM_MODEL, orchestrator.yaml)."})
public final class Main implements Runnable {

  /** Help lists commands by task; every registered command must belong to a group (see the CLI tests). */
  static final Map<String, List<String>> GROUPS = new LinkedHashMap<>();
  static {
    GROUPS.put("Build services", List.of("run", "build", "resume", "builds"));
    GROUPS.put("Talk to models", List.of("ask", "repair", "models"));
    GROUPS.put("Gateway", List.of("serve", "keys"));
    GROUPS.put("Cost and history", List.of("stats", "ledger"));
    GROUPS.put("Measure", List.of("eval", "bench"));
    GROUPS.put("Test without a model", List.of("sim"));
    GROUPS.put("Setup", List.of("doctor", "help"));
  }

  @Spec CommandSpec spec;

  @Override public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    int code = run(args, Io.system());
    System.exit(code);
  }

  /** Runs the CLI with the given streams and environment and returns the exit code. */
  public static int run(String[] args, Io io) {
    CommandLine cl = commandLine(io);
    try {
      return cl.execute(args);
    } finally {
      io.out().flush();
      io.err().flush();
    }
  }

  /** Builds the command tree. Subcommands are instances, so they get {@code io} without statics. */
  public static CommandLine commandLine(Io io) {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand("help", new CommandLine.HelpCommand());
    // Subcommands, by task. Each is one class in this package.
    cl.addSubcommand("run", new RunCommand(io));
    cl.addSubcommand("build", new BuildCommand(io));
    cl.addSubcommand("resume", new ResumeCommand(io));
    cl.addSubcommand("builds", new BuildsCommand(io));
    cl.addSubcommand(new AskCommand(io));
    cl.addSubcommand(new RepairCommand(io));
    cl.addSubcommand(new ModelsCommand(io));
    cl.addSubcommand("serve", new ServeCommand(io));
    cl.addSubcommand("keys", new KeysCommand(io));
    cl.addSubcommand(new StatsCommand(io));
    cl.addSubcommand(new LedgerCommand(io));
    CommandLine bench = new BenchCommand(io).commandLine();   // benchmarks: one bench.addSubcommand line each
    bench.addSubcommand(new BenchProvidersCommand(io));
    bench.addSubcommand(new BenchRepairCommand(io));
    bench.addSubcommand(new BenchCascadeCommand(io));
    bench.addSubcommand(new BenchGatewayCommand(io));
    bench.addSubcommand(new BenchVerifyCommand(io));
    bench.addSubcommand(new BenchRunCommand(io));
    cl.addSubcommand(bench);
    cl.addSubcommand(new EvalCommand(io));
    cl.addSubcommand("sim", new SimCommand(io));
    cl.addSubcommand(new DoctorCommand(io));

    // Every command answers --help (and -h), whether or not its class asked for it.
    addHelpOptions(cl);
    cl.setOut(io.out());
    cl.setErr(io.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // "@FILE" is read by the commands that take it (run's request); picocli must not split the file into arguments.
    cl.setExpandAtFiles(false);
    cl.setUsageHelpWidth(100);
    cl.setExecutionExceptionHandler(Main::handleException);
    cl.setParameterExceptionHandler(Main::handleParameterException);
    cl.getHelpSectionMap().put(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Main::groupedCommandList);
    return cl;
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
    if (e instanceof ExitException exit) {
      if (exit.getMessage() != null && !exit.getMessage().isBlank()) err.println("error: " + exit.getMessage());
      return exit.code();
    }
    if (e instanceof SetupException setup) {
      err.println("error: " + setup.getMessage());
      return switch (setup.kind()) {
        case USAGE -> ExitCodes.USAGE;
        case FAILED -> ExitCodes.FAILED;
      };
    }
    if (e instanceof InterruptedException) {
      err.println("interrupted");
      return ExitCodes.INTERRUPTED;
    }
    // A bug, not a user mistake: say so plainly and keep the trace for the report.
    err.println("internal error: " + e);
    e.printStackTrace(err);
    return ExitCodes.FAILED;
  }

  private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
    CommandLine cl = e.getCommandLine();
    PrintWriter err = cl.getErr();
    // picocli checks required options before unknown ones; a misspelt option is the likelier mistake to report.
    String unknown = e instanceof CommandLine.MissingParameterException ? unknownOption(cl, args) : null;
    if (unknown != null) {
      err.println("error: Unknown option: '" + unknown + "'");
      err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
      return ExitCodes.USAGE;
    }
    err.println("error: " + e.getMessage());
    if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
      err.println("Run '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
    }
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
        String[] desc = subs.get(name).commandSpec().usageMessage().description();
        String first = desc.length == 0 ? "" : desc[0].split("%n")[0].strip();
        sb.append("  ").append(String.format("%-10s", name)).append(' ').append(first).append(System.lineSeparator());
      }
    }
    for (String name : subs.keySet()) {
      if (!listed.contains(name)) sb.append(String.format("  %-10s%n", name));
    }
    return sb.toString();
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
