package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Cascades;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.model.Message;
import dev.spectra.orchestrator.model.ModelError;
import dev.spectra.orchestrator.model.Model;
import dev.spectra.orchestrator.model.ModelException;
import dev.spectra.orchestrator.model.ModelReply;
import dev.spectra.orchestrator.model.ModelRequest;
import dev.spectra.orchestrator.model.ModelSpec;
import dev.spectra.orchestrator.model.Providers;
import dev.spectra.orchestrator.model.ResponseFormat;
import dev.spectra.orchestrator.model.TokenListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orchestrator ask}: one call to one model; the answer on stdout, what it cost on stderr. */
@Command(name = "ask", description = {
    "Ask a model one question and print its answer.",
    "The answer goes to stdout; model, tokens, time and cost go to stderr (or all of it to stdout with --json).",
    "Exit 3 when the endpoint is unreachable, 4 on a model error (missing model, auth, rate limit, 5xx)."})
public final class AskCommand implements Callable<Integer> {
  private final Io io;

  @Parameters(index = "0", paramLabel = "PROMPT", description = "The question; '-' reads it from standard input.")
  String prompt;

  @Option(names = {"--model", "--route"}, paramLabel = "M",
      description = "Catalog name, model id, named route or routing policy: local-first, hybrid, cheapest-passing, "
          + "fixed (default: routing.default, else local-first).")
  String model;

  @Option(names = "--url", paramLabel = "URL",
      description = "Endpoint for this call, like ORCHESTRATOR_LLM_URL (--model then names the model on it).")
  String url;

  @Option(names = "--system", paramLabel = "S", description = "System prompt.")
  String system;

  @Option(names = "--max-tokens", paramLabel = "N", description = "Cap on answer tokens.")
  Integer maxTokens;

  @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 to 2.")
  Double temperature;

  @Option(names = "--schema", paramLabel = "FILE",
      description = "JSON Schema (JSON or YAML): answer with JSON conforming to it (repaired, validated, re-asked).")
  java.nio.file.Path schemaFile;

  @Option(names = "--lenient",
      description = "With --schema: repair a broken answer to its best reading instead of re-asking the model, and "
          + "list every guess (on stderr, or \"guesses\" with --json). Off by default: a guess can be wrong.")
  boolean lenient;

  @Option(names = "--stream", description = "Print the answer as it is generated.")
  boolean stream;

  @Option(names = "--json", description = "Print answer, served model, usage, finish reason, latency and cost as JSON.")
  boolean json;

  @Option(names = "--quiet", description = "Print only the answer.")
  boolean quiet;

  public AskCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() {
    String question = readPrompt();
    if (maxTokens != null && maxTokens <= 0) throw ExitException.usage("--max-tokens must be > 0, got " + maxTokens);
    if (temperature != null && (temperature < 0 || temperature > 2)) {
      throw ExitException.usage("--temperature must be between 0 and 2, got " + temperature);
    }
    if (lenient && schemaFile == null) {
      throw ExitException.usage("--lenient repairs a JSON answer: it needs --schema FILE");
    }
    com.fasterxml.jackson.databind.JsonNode schema =
        schemaFile == null ? null : RepairCommand.loadSchema(io.cwd().resolve(schemaFile));
    Config config = ModelFailures.loadConfig(io, url == null ? Overrides.NONE : new Overrides(url, model, null, null, null));
    try (Providers providers = ModelFailures.providers(io, config);
        Cascades cascades = new Cascades(io.env(), io.err())) {
      Model target = resolveModel(config, providers, cascades);
      if (schema != null && !(target instanceof dev.spectra.orchestrator.reliability.Cascade)) {
        // A bare provider gets the structured engine here; a cascade already runs it on every route.
        target = new dev.spectra.orchestrator.structured.StructuredOutput(target, resolveSpec(config),
            dev.spectra.orchestrator.structured.StructuredOptions.defaults());
      }
      List<Message> messages = new ArrayList<>();
      if (system != null && !system.isBlank()) messages.add(Message.system(system));
      messages.add(Message.user(question));
      ResponseFormat format = schema == null ? ResponseFormat.TEXT
          : new ResponseFormat.JsonSchema(schemaName(), schema, true, lenient);
      ModelRequest request = new ModelRequest(messages, maxTokens, temperature, stream, format, null);
      boolean printTokens = stream && !json && schema == null;
      TokenListener listener = printTokens ? delta -> {
        io.out().print(delta);
        io.out().flush();
      } : TokenListener.NONE;
      ModelReply reply;
      try {
        reply = target.chat(request, listener);
      } catch (ModelException e) {
        if (printTokens) io.out().println();
        if (json) printError(e);
        else if (!quiet) printAttempts(e.attempts());
        throw failure(e.error());
      }
      if (!json && !quiet) printAttempts(reply.attempts());
      // Guesses are printed even with --quiet: they are what lenient repair promises in exchange for the value.
      if (!json) {
        for (String g : guesses(reply)) {
          int at = g.lastIndexOf('@');
          int colon = g.lastIndexOf(':');
          io.err().println("guessed: line " + g.substring(at + 1, colon) + ", column " + g.substring(colon + 1) + ": "
              + g.substring(0, at));
        }
      }
      print(reply, config, printTokens);
      return ExitCodes.OK;
    }
  }

  /**
   * {@return the model this command calls}: a cascade for a policy, route or catalog model (retries, fallback,
   * budgets, every attempt in the ledger); with {@code --url}, or a model id the catalog does not know, one bare
   * call on that server.
   */
  Model resolveModel(Config config, Providers providers, Cascades cascades) {
    if (url != null) return providers.model(resolveSpec(config));
    String name = model;
    if (name != null && config.catalog().get(name).isEmpty()) {
      var byId = config.catalog().find(name);
      if (byId.isPresent()) name = byId.get().name();
      else if (!Cascades.isRouteName(config, name)) return providers.model(resolveSpec(config));
    }
    return cascades.resolve(config, providers, name);
  }

  ModelSpec resolveSpec(Config config) {
    if (model == null || url != null) return config.defaultSpec();
    return config.catalog().find(model).orElseGet(() -> {
      ModelSpec d = config.defaultSpec();
      return new ModelSpec(model, d.kind(), d.endpoint(), model, d.local(), d.local() ? d.price() : null,
          d.contextWindow(), d.capabilities(), d.timeouts(), d.apiKeyEnv(), d.maxConcurrent());
    });
  }

  /** {@return a schema name some backends require (OpenAI: letters, digits, '_' and '-'), from the file name} */
  private String schemaName() {
    String n = schemaFile.getFileName().toString().replaceAll("\\.(json|ya?ml)$", "").replaceAll("[^A-Za-z0-9_-]", "_");
    return n.isEmpty() ? "answer" : n.length() > 64 ? n.substring(0, 64) : n;
  }

  private String readPrompt() {
    String text = prompt;
    if ("-".equals(prompt)) {
      try {
        text = new String(io.in().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw ExitException.usage("cannot read the prompt from standard input: " + e.getMessage());
      }
    }
    if (text == null || text.isBlank()) {
      throw ExitException.usage("the prompt is empty; pass the question as an argument, e.g. orchestrator ask \"What is 2+2?\"");
    }
    return text;
  }

  private void print(ModelReply reply, Config config, boolean alreadyPrinted) {
    ModelSpec spec = config.catalog().get(reply.servedBy()).orElse(null);
    if (json) {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = mapper.createObjectNode();
      root.put("answer", reply.text());
      if (reply.json() != null) root.set("value", reply.json());
      root.put("model", reply.servedBy());
      root.put("servedModelId", reply.servedModelId());
      if (spec != null) root.put("endpoint", spec.endpoint().toString());
      ObjectNode usage = root.putObject("usage");
      usage.put("promptTokens", reply.usage().promptTokens());
      usage.put("completionTokens", reply.usage().completionTokens());
      usage.put("totalTokens", reply.usage().totalTokens());
      usage.put("estimated", reply.usage().estimated());
      root.put("finishReason", reply.finishReason().wire());
      root.put("latencyMs", reply.latency() == null ? null : reply.latency().toMillis());
      root.put("timeToFirstTokenMs", reply.timeToFirstToken() == null ? null : reply.timeToFirstToken().toMillis());
      if (reply.cost() == null) root.putNull("costUsd");
      else root.put("costUsd", reply.cost().usd());
      root.put("savedUsd", reply.saved().usd());
      putAttempts(root, reply.attempts());
      if (lenient) {
        var guesses = root.putArray("guesses");
        for (String g : guesses(reply)) {
          int at = g.lastIndexOf('@');
          int colon = g.lastIndexOf(':');
          guesses.addObject().put("kind", g.substring(0, at))
              .put("line", Integer.parseInt(g.substring(at + 1, colon)))
              .put("column", Integer.parseInt(g.substring(colon + 1)));
        }
      }
      io.out().println(root.toPrettyString());
      return;
    }
    if (reply.json() != null) io.out().println(reply.json().toString());
    else if (!alreadyPrinted) io.out().println(reply.text());
    else if (!reply.text().endsWith("\n")) io.out().println();
    if (!quiet) {
      io.err().println("[" + reply.servedBy() + (reply.servedModelId() == null ? "" : " (" + reply.servedModelId() + ")")
          + " | " + reply.usage().promptTokens() + " in + " + reply.usage().completionTokens() + " out tokens"
          + (reply.usage().estimated() ? " (estimated)" : "") + " | " + reply.finishReason().wire()
          + " | first token " + millis(reply.timeToFirstToken()) + " | total " + millis(reply.latency())
          + " | " + (reply.cost() == null ? "unpriced" : reply.cost().toString()) + "]");
    }
  }

  /**
   * {@return the exit for a failed call} When no conforming JSON came even after re-asking, the message says what
   * the person can do next, not only what was wrong.
   */
  private ExitException failure(ModelError error) {
    ExitException exit = ModelFailures.exit(error);
    if (!(error instanceof ModelError.InvalidOutput invalid)) return exit;
    String next = switch (invalid.kind()) {
      case REFUSED -> "The model declined; rephrase the prompt or try another --model.";
      case TRUNCATED -> "The answer was cut off at the token limit; raise --max-tokens"
          + (lenient ? " or try another --model." : ", or rerun with --lenient to take what came, every guess listed.");
      default -> lenient ? "Even the lenient reading does not conform; check the schema or try another --model."
          : "Rerun with --lenient to take the best reading of the answer (every guess listed), or try another --model.";
    };
    return new ExitException(exit.code(), exit.getMessage() + "\n" + next);
  }

  /** {@return the guesses lenient repair made in the answer, as {@code kind@line:column}} */
  private static List<String> guesses(ModelReply reply) {
    return reply.attempts().isEmpty() ? List.of() : reply.attempts().get(reply.attempts().size() - 1).guesses();
  }

  /** Which models were tried and why the cascade moved on, one line each, on stderr. */
  private void printAttempts(List<dev.spectra.orchestrator.model.Attempt> attempts) {
    if (attempts.size() < 2 && (attempts.isEmpty() || attempts.get(0).succeeded())) return;
    for (int i = 0; i < attempts.size(); i++) {
      var a = attempts.get(i);
      var next = i + 1 < attempts.size() ? attempts.get(i + 1) : null;
      String then = next == null ? "" : next.route().equals(a.route()) ? " -> retried"
          : " -> escalated to " + next.model();
      io.err().println("tried " + a.model() + " (" + a.route() + "): "
          + (a.succeeded() ? "answered" : a.error().type() + ": " + a.error().message()) + then);
    }
  }

  private void printError(ModelException e) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("type", e.error().type());
    error.put("message", e.error().message());
    putAttempts(root, e.attempts());
    io.out().println(root.toPrettyString());
  }

  private static void putAttempts(ObjectNode root, List<dev.spectra.orchestrator.model.Attempt> attempts) {
    var array = root.putArray("attempts");
    for (var a : attempts) {
      ObjectNode n = array.addObject();
      n.put("model", a.model());
      n.put("route", a.route());
      n.put("ok", a.succeeded());
      if (!a.succeeded()) {
        n.put("errorType", a.error().type());
        n.put("error", a.error().message());
      }
      n.put("promptTokens", a.usage().promptTokens());
      n.put("completionTokens", a.usage().completionTokens());
      if (a.cost() == null) n.putNull("costUsd");
      else n.put("costUsd", a.cost().usd());
    }
  }

  private static String millis(Duration d) {
    return d == null ? "-" : d.toMillis() + " ms";
  }
}
