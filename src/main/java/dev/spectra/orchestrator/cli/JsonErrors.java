package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code --json} for every command: adds the option where a command class did not declare it, and prints errors as
 * one JSON object on stdout, {@code {"error": {"exitCode": 2, "kind": "usage", "message": "..."}}}, so a script
 * that asked for JSON always gets JSON.
 */
final class JsonErrors {
  private JsonErrors() {}

  /** Gives {@code --json} to every command in the tree that lacks it (group commands, {@code help}). */
  static void addJsonOptions(CommandLine cl) {
    CommandSpec spec = cl.getCommandSpec();
    if (spec.findOption("--json") == null) {
      spec.addOption(OptionSpec.builder("--json").type(boolean.class)
          .description(cl.getSubcommands().isEmpty() ? "Print the output as JSON."
              : "Print the subcommands as JSON.").build());
    }
    for (CommandLine sub : cl.getSubcommands().values()) addJsonOptions(sub);
  }

  /** {@return whether the command that ran (or its parents) was given {@code --json}} */
  static boolean jsonRequested(CommandLine.ParseResult parsed) {
    for (CommandLine.ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.hasMatchedOption("--json")) return true;
    }
    return false;
  }

  static boolean jsonRequested(CommandSpec spec) {
    OptionSpec o = spec.findOption("--json");
    return o != null && Boolean.TRUE.equals(o.getValue());
  }

  /** For errors found while parsing, before there is a parse result: {@code --json} anywhere before {@code --}. */
  static boolean jsonRequested(String[] args) {
    for (String a : args) {
      if (a.equals("--")) return false;
      if (a.equals("--json")) return true;
    }
    return false;
  }

  static void print(PrintWriter out, int code, String message) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.putObject("error").put("exitCode", code).put("kind", ExitCodes.kind(code)).put("message", message);
    out.println(root.toPrettyString());
    out.flush();
  }
}
