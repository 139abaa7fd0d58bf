package dev.spectra.orchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What holds for every command: usage, --json, errors as JSON, whole help lines, one rule for bad configuration. */
class CliConventionsTest {
  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  private Io io(Path cwd) {
    return new Io(new PrintWriter(out), new PrintWriter(err), new ByteArrayInputStream(new byte[0]),
        Map.of("HOME", dir.toString(), "XDG_CONFIG_HOME", dir.resolve("config").toString(),
            "XDG_DATA_HOME", dir.resolve("data").toString()), cwd);
  }

  private int run(String... args) {
    return Main.run(args, io(dir));
  }

  @Test
  void noArgumentsPrintsTheUsageOnStderrAndExitsTwo() {
    assertThat(run()).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("Usage: orchestrator").contains("build");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aGroupCommandWithoutSubcommandIsAUsageErrorAndListsItsSubcommandsAsJson() throws Exception {
    assertThat(run("bench")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("verify");

    out.getBuffer().setLength(0);
    assertThat(run("keys", "--json")).isEqualTo(ExitCodes.OK);
    JsonNode keys = new ObjectMapper().readTree(out.toString());
    assertThat(keys.path("subcommands").findValuesAsText("name")).containsExactly("create", "list", "revoke", "import");

    out.getBuffer().setLength(0);
    assertThat(run("bench", "--json")).isEqualTo(ExitCodes.OK);
    assertThat(new ObjectMapper().readTree(out.toString()).path("subcommands").findValuesAsText("name"))
        .contains("providers", "verify", "gateway");
  }

  @Test
  void everyCommandAndSubcommandTakesJsonAndVerbose() {
    List<String> missing = new ArrayList<>();
    collectWithoutJson(Main.commandLine(io(dir)), missing);
    assertThat(missing).isEmpty();
  }

  private static void collectWithoutJson(CommandLine cl, List<String> missing) {
    // --verbose too: library log lines reach the console only with it.
    for (String option : List.of("--json", "--verbose")) {
      if (cl.getCommandSpec().findOption(option) == null) missing.add(cl.getCommandSpec().qualifiedName() + " " + option);
    }
    for (CommandLine sub : cl.getSubcommands().values()) collectWithoutJson(sub, missing);
  }

  @Test
  void withJsonAParseErrorIsAJsonObjectOnStdout() throws Exception {
    assertThat(run("build", "--json", "--force")).isEqualTo(ExitCodes.USAGE);
    JsonNode error = new ObjectMapper().readTree(out.toString()).path("error");
    assertThat(error.path("exitCode").asInt()).isEqualTo(2);
    assertThat(error.path("kind").asText()).isEqualTo("usage");
    assertThat(error.path("message").asText()).contains("--openapi");
  }

  @Test
  void withJsonABadInputErrorIsAJsonObjectOnStdout() throws Exception {
    assertThat(run("build", "--json", "--openapi", dir.resolve("missing.yaml").toString())).isEqualTo(ExitCodes.USAGE);
    JsonNode error = new ObjectMapper().readTree(out.toString()).path("error");
    assertThat(error.path("kind").asText()).isEqualTo("usage");
    assertThat(error.path("message").asText()).contains("missing.yaml");
  }

  @Test
  void helpListsEveryCommandWithItsWholeFirstSentence() {
    assertThat(run("--help")).isEqualTo(ExitCodes.OK);
    String help = out.toString().replaceAll("\\s+", " ");
    assertThat(help).contains("the JDK, and the sandbox tool (bwrap).")
        .contains("help Show the usage of the orchestrator or of one command");

    out.getBuffer().setLength(0);
    assertThat(run("bench", "--help")).isEqualTo(ExitCodes.OK);
    String bench = out.toString().replaceAll("\\s+", " ");
    assertThat(bench).contains("against a bare JDK HttpClient call to the same in-process simulator endpoint:")
        .contains("against the Portkey gateway when node/npm are available.");
  }

  @Test
  void everyHelpFitsEightyColumns() {
    List<String> tooWide = new ArrayList<>();
    collectWide(Main.commandLine(io(dir)), tooWide);
    assertThat(tooWide).isEmpty();
  }

  private static void collectWide(CommandLine cl, List<String> tooWide) {
    for (String line : cl.getUsageMessage(CommandLine.Help.Ansi.OFF).split("\\R")) {
      if (line.length() > 80) tooWide.add(cl.getCommandSpec().qualifiedName() + ": " + line);
    }
    for (CommandLine sub : cl.getSubcommands().values()) collectWide(sub, tooWide);
  }

  @Test
  void aSentenceBrokenAcrossSourceLinesWrapsAsOneWithNoStubLine() {
    assertThat(Main.reflow(new String[] {"Nothing is called done", "  until it compiles.", "Exit 2: bad input."}))
        .containsExactly("Nothing is called done until it compiles.", "Exit 2: bad input.");
    assertThat(run("run", "--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("nothing is called done until it").doesNotContain("(default: .");
    out.getBuffer().setLength(0);
    assertThat(run("--help")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("  4 model error").contains("7 first run needs Maven Central");
  }

  @Test
  void noParameterLabelHasASpaceWhereTheUsageLineCouldSplitIt() {
    List<String> spaced = new ArrayList<>();
    collectSpacedLabels(Main.commandLine(io(dir)), spaced);
    assertThat(spaced).isEmpty();
  }

  private static void collectSpacedLabels(CommandLine cl, List<String> spaced) {
    for (CommandLine.Model.ArgSpec arg : cl.getCommandSpec().args()) {
      if (arg.paramLabel().contains(" ")) spaced.add(cl.getCommandSpec().qualifiedName() + ": " + arg.paramLabel());
    }
    for (CommandLine sub : cl.getSubcommands().values()) collectSpacedLabels(sub, spaced);
  }

  @Test
  void theUsageIsTheSameWhetherTheCommandsAreBuiltInFullOrAsSummaries() {
    String full = Main.commandLine(io(dir)).getUsageMessage(CommandLine.Help.Ansi.OFF);
    String summaries = Main.commandLine(io(dir), "").getUsageMessage(CommandLine.Help.Ansi.OFF);
    assertThat(summaries).isEqualTo(full);
    assertThat(Main.commandLine(io(dir), "").getSubcommands().keySet())
        .isEqualTo(Main.commandLine(io(dir)).getSubcommands().keySet());
  }

  @Test
  void onlyTheCommandTheArgumentsNameIsBuiltInFull() {
    assertThat(Main.requested(new String[] {"--verbose", "models", "--json"})).isEqualTo("models");
    assertThat(Main.requested(new String[] {"help", "build"})).isEqualTo("build");
    assertThat(Main.requested(new String[] {"--help"})).isEmpty();
    assertThat(Main.requested(new String[] {"biuld"})).isEmpty();
    assertThat(Main.requested(new String[] {})).isEmpty();
    CommandLine forModels = Main.commandLine(io(dir), "models");
    assertThat(forModels.getSubcommands().get("models").getCommandSpec().findOption("--json")).isNotNull();
    assertThat(forModels.getSubcommands().get("build").getCommandSpec().findOption("--openapi")).isNull();
  }

  @Test
  void aMisspeltCommandIsStillSuggestedAndHelpOfOneCommandIsWhole() {
    assertThat(run("biuld")).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("build");
    assertThat(run("help", "build")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("--openapi");
  }

  @Test
  void helpWithJsonDescribesTheCommand() throws Exception {
    assertThat(run("help", "build", "--json")).isEqualTo(ExitCodes.OK);
    JsonNode build = new ObjectMapper().readTree(out.toString());
    assertThat(build.path("command").asText()).isEqualTo("orchestrator build");
    assertThat(build.path("options").findValuesAsText("description")).isNotEmpty();
  }

  @Test
  void badConfigurationStopsEveryCommandWithExitTwoNamingFileAndLine() throws Exception {
    Files.writeString(dir.resolve("orchestrator.yaml"), "models:\n  - name: x\n    endpoint: [unclosed\n");
    for (String[] args : List.of(new String[] {"build", "--openapi", "examples/todo-api.yaml"},
        new String[] {"builds"}, new String[] {"repair", "-"}, new String[] {"keys", "list"},
        new String[] {"stats"})) {
      err.getBuffer().setLength(0);
      assertThat(run(args)).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).as(String.join(" ", args)).contains("orchestrator.yaml:")
          .doesNotContain("Exception");
    }
    // Help still works, so the user can read how to fix it.
    assertThat(run("build", "--help")).isEqualTo(ExitCodes.OK);
  }

  @Test
  void buildsShowsOneVocabularyOfOutcomes() {
    assertThat(BuildsCommand.outcome("passed", true)).isEqualTo("verified");
    assertThat(BuildsCommand.outcome("verified", true)).isEqualTo("verified");
    assertThat(BuildsCommand.outcome(null, false)).isEqualTo("interrupted");
    assertThat(BuildsCommand.outcome("partial", true)).isEqualTo("interrupted");
    assertThat(BuildsCommand.outcome("budget", true)).isEqualTo("stopped");
    assertThat(BuildsCommand.outcome("rejected", true)).isEqualTo("rejected");
  }
}
