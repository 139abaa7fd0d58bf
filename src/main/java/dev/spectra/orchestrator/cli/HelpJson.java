package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What help says about a command, as text summaries and as JSON ({@code help --json}, group commands). */
final class HelpJson {
  private HelpJson() {}

  /**
   * {@return the command's first sentence, whole: the description's lines joined, up to the first full stop
   * that ends a sentence; the header when the description is empty}
   */
  static String summary(CommandSpec spec) {
    String text = String.join(" ", spec.usageMessage().description()).replace("%n", " ").strip();
    if (text.isEmpty()) text = String.join(" ", spec.usageMessage().header()).replace("%n", " ").strip();
    text = text.replaceAll("\\s+", " ");
    int end = text.indexOf(". ");
    return end < 0 ? text : text.substring(0, end + 1);
  }

  static ObjectNode describe(CommandSpec spec) {
    ObjectNode o = new ObjectMapper().createObjectNode();
    o.put("command", spec.qualifiedName());
    o.put("summary", summary(spec));
    o.put("description", String.join(" ", spec.usageMessage().description()).replace("%n", " ")
        .replaceAll("\\s+", " ").strip());
    ArrayNode options = o.putArray("options");
    for (OptionSpec opt : spec.options()) {
      if (opt.hidden()) continue;
      ObjectNode n = options.addObject();
      ArrayNode names = n.putArray("names");
      for (String name : opt.names()) names.add(name);
      if (opt.arity().max() > 0 && !opt.paramLabel().isEmpty()) n.put("param", opt.paramLabel());
      n.put("description", String.join(" ", opt.description()));
    }
    ArrayNode subs = o.putArray("subcommands");
    for (var e : spec.subcommands().entrySet()) {
      subs.addObject().put("name", e.getKey()).put("summary", summary(e.getValue().getCommandSpec()));
    }
    return o;
  }

  /** {@code orchestrator help [COMMAND...] [--json]}: picocli's help command, plus JSON. */
  @CommandLine.Command(name = "help", helpCommand = true,
      description = "Show the usage of the orchestrator or of one command (help build, help bench verify).")
  static final class Command implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command to describe.")
    List<String> commands = List.of();

    @Override public Integer call() {
      CommandLine root = spec.commandLine().getParent();
      CommandLine target = root;
      for (String name : commands) {
        CommandLine next = target.getSubcommands().get(name);
        if (next == null) {
          throw ExitException.usage("unknown command '" + String.join(" ", commands) + "'; run 'orchestrator help'"
              + " for the list");
        }
        target = next;
      }
      if (JsonErrors.jsonRequested(spec)) {
        spec.commandLine().getOut().println(describe(target.getCommandSpec()).toPrettyString());
      } else {
        target.usage(spec.commandLine().getOut());
      }
      return ExitCodes.OK;
    }
  }
}
