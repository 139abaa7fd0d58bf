package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.structured.Guess;
import dev.spectra.orchestrator.structured.InvalidSchemaException;
import dev.spectra.orchestrator.structured.JsonRepair;
import dev.spectra.orchestrator.structured.RepairMode;
import dev.spectra.orchestrator.structured.RepairResult;
import dev.spectra.orchestrator.structured.Schemas;
import dev.spectra.orchestrator.structured.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orchestrator repair}: the structured engine's response side on text from a file, stdin or a JSONL batch. */
@Command(name = "repair", mixinStandardHelpOptions = true, description = {
    "Recover the JSON value from a model's raw output, repairing only where there is one reading.",
    "Strips reasoning blocks, extracts from fences and prose, fixes commas, quotes, comments, literals.",
    "Prints the value (stdout) and the repairs (stderr).",
    "Exit 1 when there is no value (without guessing, in the default mode): the reason, then what to do next;",
    "  2 for a missing file or schema.",
    "With --lenient: the best reading of everything (cut-off values completed, placeholders dropped, unquoted",
    "  text quoted, ...), with every guess listed on stderr (line, column, kind).",
    "With --jsonl FILE (one object per line with \"id\", \"input\" and optionally \"schema\"), prints one line",
    "  per case, in order: {\"id\", \"ok\", \"value\", \"error\", \"guesses\"}"})
public final class RepairCommand implements Callable<Integer> {
  /** Up to this many characters, a refusal in the default mode says whether --lenient would read a value. */
  private static final int PROBE_LIMIT = 1 << 20;

  private final Io io;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The model output; '-' or none: stdin.")
  String file;

  @Option(names = "--schema", paramLabel = "FILE", description = "JSON Schema (JSON or YAML) the value must conform to.")
  Path schemaFile;

  @Option(names = "--jsonl", paramLabel = "FILE", description = "Repair every case of a JSONL file (id, input).")
  Path jsonl;

  @Option(names = "--json", description = "Print the result as JSON: ok, value, stage, repairs, guesses, coercions, error; without a value: "
      + "ok, kind, error, next.")
  boolean json;

  @Option(names = "--quiet", description = "Do not print the repairs and guesses to stderr.")
  boolean quiet;

  @Option(names = "--lenient", description = "Take the best reading where there are several, listing every guess.")
  boolean lenient;

  public RepairCommand(Io io) {
    this.io = io;
  }

  @Override public Integer call() {
    if (jsonl != null && file != null) throw ExitException.usage("give either FILE or --jsonl FILE, not both");
    JsonNode schema = schemaFile == null ? null : loadSchema(io.cwd().resolve(schemaFile));
    JsonRepair repair = new JsonRepair(lenient ? RepairMode.LENIENT : RepairMode.DEFAULT);
    return jsonl != null ? batch(repair, schema, io.cwd().resolve(jsonl)) : single(repair, schema);
  }

  static JsonNode loadSchema(Path path) {
    try {
      return Schemas.load(path);
    } catch (InvalidSchemaException e) {
      throw ExitException.usage("schema " + e.path() + ": " + String.join("; ", e.problems())
          + (e.missing() ? "" : " (fix the schema file)"));
    }
  }

  private int single(JsonRepair repair, JsonNode schema) {
    CharSequence text;
    try {
      text = readText();
    } catch (RepairInput.NotUtf8 e) {
      return fail(repair, null, "not-utf8", "the input is not valid UTF-8 " + e.getMessage(),
          "Convert it to UTF-8 first (for example: iconv -f LATIN1 -t UTF-8 FILE > FILE.utf8); repair does not "
              + "replace bad bytes, because that would change the text.");
    }
    RepairResult result = repair.repair(text, schema);
    if (result instanceof RepairResult.Unrecoverable u) {
      CharSequence refused = text;
      Refusal refusal = Refusal.of(u, lenient,
          refused.length() <= PROBE_LIMIT ? () -> lenientReading(refused, schema) : null);
      return fail(repair, u, refusal.kind(), refusal.reason(), refusal.next());
    }
    text = null; // the value keeps what it needs; let the rest go before printing a large one
    RepairResult.Recovered r = (RepairResult.Recovered) result;
    if (schema != null) {
      List<Violation> violations = repair.validate(schema, r.value());
      if (!violations.isEmpty()) {
        return fail(repair, null, "schema", "the value does not conform to the schema: "
            + String.join("; ", violations.stream().map(Violation::toString).toList()),
            "Fix the value or the schema; without --schema, repair prints the value it recovered.");
      }
    }
    try {
      if (json) {
        printJson(repair.mapper(), r);
      } else {
        r.json().writeTo(io.out());
        io.out().println();
      }
    } catch (IOException e) {
      throw new ExitException(ExitCodes.FAILED, "cannot write the value: " + e.getMessage());
    }
    if (!json && !quiet) {
      if (!r.repairs().isEmpty()) io.err().println("repaired: " + String.join(", ", r.repairs()));
      for (var c : r.coercions()) io.err().println("coerced by the schema: " + c);
      for (Guess g : r.guesses()) io.err().println("guessed: " + g);
    }
    return ExitCodes.OK;
  }

  /**
   * The result object, written as it goes: the value is copied from the checked text straight into the output, so
   * a 100 MB value is never built as a tree (many times its size) just to be printed.
   */
  private void printJson(ObjectMapper mapper, RepairResult.Recovered r) throws IOException {
    try (JsonGenerator g = mapper.getFactory().createGenerator(io.out())) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeBooleanField("ok", true);
      g.writeFieldName("value");
      r.json().writeTo(g);
      g.writeStringField("stage", r.stage().name());
      g.writeFieldName("repairs");
      mapper.writeTree(g, mapper.valueToTree(r.repairs()));
      g.writeFieldName("guesses");
      mapper.writeTree(g, guesses(mapper, r.guesses()));
      g.writeFieldName("coercions");
      mapper.writeTree(g, mapper.valueToTree(r.coercions().stream().map(Object::toString).toList()));
      g.writeNullField("error");
      g.writeEndObject();
    }
    io.out().println();
  }

  /**
   * {@return how many guesses the lenient mode makes on {@code text}, or -1 when it finds no value either} Only asked
   * for short texts: on a large one the advice says "try" rather than spending a second pass.
   */
  private static int lenientReading(CharSequence text, JsonNode schema) {
    RepairResult r = new JsonRepair(RepairMode.LENIENT).repair(text, schema);
    return r instanceof RepairResult.Recovered rec ? rec.guesses().size() : -1;
  }

  /**
   * Prints the refusal (with {@code --json}: the result object on stdout) and ends with exit 1: the reason, then
   * what a person can do about it.
   */
  private int fail(JsonRepair repair, RepairResult.Unrecoverable u, String kind, String reason, String next) {
    if (json) {
      ObjectNode out = repair.mapper().createObjectNode();
      out.put("ok", false);
      out.putNull("value");
      out.put("kind", kind);
      out.put("error", reason);
      out.put("next", next);
      io.out().println(write(repair.mapper(), out));
    }
    // "Without guessing" only where a guess could read a value: not for noise, an empty text or a declined answer.
    boolean guessable = !lenient && u != null && (kind.equals("unparseable") || kind.equals("cut-off"));
    String message = "cannot recover a JSON value" + (guessable ? " without guessing" : "") + ": "
        + reason + "\n" + next;
    throw json ? ExitException.afterResult(ExitCodes.FAILED, message) : new ExitException(ExitCodes.FAILED, message);
  }

  static com.fasterxml.jackson.databind.node.ArrayNode guesses(ObjectMapper mapper, List<Guess> guesses) {
    var array = mapper.createArrayNode();
    for (Guess g : guesses) {
      ObjectNode o = array.addObject();
      o.put("kind", g.kind());
      o.put("line", g.line());
      o.put("column", g.column());
      o.put("offset", g.offset());
      o.put("detail", g.detail());
    }
    return array;
  }

  private int batch(JsonRepair repair, JsonNode schema, Path path) {
    ObjectMapper mapper = repair.mapper();
    try (InputStream in = Files.newInputStream(path)) {
      LineReader lines = new LineReader(in);
      int lineNo = 0;
      for (byte[] line = lines.next(); line != null; line = lines.next()) {
        lineNo++;
        ObjectNode out = mapper.createObjectNode();
        out.putNull("id");
        String text;
        try {
          text = decode(line);
        } catch (CharacterCodingException e) {
          io.out().println(write(mapper, error(out, "line " + lineNo + ": not valid UTF-8 " + e.getMessage()
              + "; convert the file to UTF-8")));
          continue;
        }
        if (text.isBlank()) continue;
        JsonNode c;
        try {
          c = mapper.readTree(text);
        } catch (JsonProcessingException e) {
          String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("")
              .replaceAll("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)]", "$1");
          io.out().println(write(mapper, error(out, "line " + lineNo + ": not valid JSON: " + what + "; each line "
              + "must be one JSON object such as {\"id\": 1, \"input\": \"the model's output\"}")));
          continue;
        }
        if (c != null && c.isObject() && c.has("id")) out.set("id", c.get("id"));
        if (c == null || !c.isObject() || !c.path("input").isTextual()) {
          io.out().println(write(mapper, error(out, "line " + lineNo + ": needs an object with \"id\" and \"input\" "
              + "(a string), such as {\"id\": 1, \"input\": \"the model's output\"}")));
          continue;
        }
        JsonNode lineSchema = schema;
        if (c.hasNonNull("schema")) {
          lineSchema = c.get("schema");
          List<String> problems = lineSchema.isObject() || lineSchema.isBoolean() ? Schemas.problems(lineSchema)
              : List.of("must be a JSON Schema object");
          if (!problems.isEmpty()) {
            io.out().println(write(mapper, error(out, "line " + lineNo + ": \"schema\" is not a usable JSON Schema: "
                + String.join("; ", problems) + "; fix it, or remove it to use --schema (or none)")));
            continue;
          }
        }
        io.out().println(write(mapper, one(repair, lineSchema, c.get("input").textValue(), out)));
      }
    } catch (NoSuchFileException e) {
      throw ExitException.usage("no such file: " + path + " (check the path given to --jsonl)");
    } catch (IOException e) {
      throw ExitException.usage("cannot read " + path + ": " + e.getMessage() + " (check that it is a readable "
          + "file)");
    }
    return ExitCodes.OK;
  }

  private static ObjectNode one(JsonRepair repair, JsonNode schema, String input, ObjectNode out) {
    RepairResult result = repair.repair(input, schema);
    if (result instanceof RepairResult.Unrecoverable u) {
      return error(out, Refusal.of(u, repair.mode() == RepairMode.LENIENT, null).line());
    }
    RepairResult.Recovered r = (RepairResult.Recovered) result;
    if (schema != null) {
      List<Violation> violations = repair.validate(schema, r.value());
      if (!violations.isEmpty()) {
        return error(out, "the value does not conform to the schema: " + String.join("; ",
            violations.stream().map(Violation::toString).toList()) + ". Fix the value or the schema.");
      }
    }
    out.put("ok", true);
    out.set("value", r.value());
    out.putNull("error");
    out.set("guesses", guesses(repair.mapper(), r.guesses()));
    return out;
  }

  private static ObjectNode error(ObjectNode out, String message) {
    out.put("ok", false);
    out.putNull("value");
    out.put("error", message);
    out.set("guesses", out.arrayNode());
    return out;
  }

  /** The input, held compactly ({@link RepairInput}). */
  private CharSequence readText() throws RepairInput.NotUtf8 {
    boolean stdin = file == null || file.equals("-");
    Path path = stdin ? null : io.cwd().resolve(file);
    try {
      return stdin ? RepairInput.read(io.in()) : RepairInput.read(path);
    } catch (RepairInput.NotUtf8 e) {
      throw e;
    } catch (RepairInput.TooLarge e) {
      throw ExitException.usage((stdin ? "standard input" : path.toString()) + " holds " + e.size / 1_000_000
          + " MB; repair reads at most " + RepairInput.MAX_BYTES / 1_000_000 + " MB. Give only the model's output"
          + " (one reply), not a whole log.");
    } catch (NoSuchFileException e) {
      throw ExitException.usage("no such file: " + path + " (check the path; with no FILE or '-', repair reads "
          + "standard input)");
    } catch (IOException e) {
      throw ExitException.usage("cannot read " + (stdin ? "standard input" : path.toString()) + ": "
          + e.getMessage() + " (check that it is a readable file)");
    }
  }

  /** Strict UTF-8: replacing bad bytes would change the text the model wrote. */
  static String decode(byte[] bytes) throws CharacterCodingException {
    return RepairInput.of(bytes).toString();
  }

  private static String write(ObjectMapper mapper, JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed value always serializes", e);
    }
  }

  /**
   * A refusal in a person's words: what is wrong, and what they can do about it. The engine's reasons are shared
   * with the pipeline (where a model is re-asked with them); the next step is the command line's own.
   *
   * @param kind {@code empty}, {@code refused}, {@code not-json}, {@code cut-off} or {@code unparseable}
   */
  record Refusal(String kind, String reason, String next) {
    private static final String LENIENT = "run 'orchestrator repair --lenient' to get the most likely reading with "
        + "every guess listed";

    /**
     * @param lenientGuesses for a refusal in the default mode: how many guesses the lenient mode makes on the same
     *     input (-1: it finds no value either); null when not worked out (a large input)
     */
    static Refusal of(RepairResult.Unrecoverable u, boolean lenient, java.util.function.IntSupplier lenientGuesses) {
      String reason = u.reason();
      switch (u.kind()) {
        case EMPTY -> {
          if (reason.contains("reasoning block that never closes")) {
            return new Refusal("cut-off", reason, "The output stops inside the model's reasoning, before any "
                + "answer: there is nothing to recover. Ask the model again with a larger output-token limit.");
          }
          return new Refusal("empty", reason.equals("the text is empty") ? "the input is empty" : reason,
              "Give the file that holds the model's output, or pipe the output to standard input.");
        }
        case REFUSED -> {
          return new Refusal("refused", reason, "There is no value in it to recover; change the request and ask "
              + "the model again.");
        }
        default -> { }
      }
      if (reason.contains("mostly brackets") || reason.equals("no JSON value found in the text")) {
        String what = reason.equals("no JSON value found in the text")
            ? "it holds no JSON value (no object, array, string, number, true, false or null)" : reason;
        return new Refusal("not-json", "the input is not JSON: " + what, "Check that this is the file you meant: "
            + "there is nothing to repair in it" + (lenient ? "." : ", and --lenient does not guess a value out of "
            + "it either."));
      }
      if (reason.contains("nesting deeper than")) {
        return new Refusal("unparseable", reason, "Flatten the value; no reading of it is shallow enough.");
      }
      boolean cut = u.kind() == dev.spectra.orchestrator.model.ModelError.InvalidOutput.Kind.TRUNCATED
          || reason.contains("looks cut off");
      String kind = cut ? "cut-off" : "unparseable";
      String place = reason.startsWith("line ") ? "Fix the text at that place" : "Fix the text";
      if (lenient) {
        return new Refusal(kind, reason, place + (cut ? ", or give the complete output (ask the model again with "
            + "a larger output-token limit)." : "; even the most likely reading fails there."));
      }
      int guesses = lenientGuesses == null ? 0 : lenientGuesses.getAsInt();
      if (guesses < 0) {
        return new Refusal(kind, reason, place + (cut ? ", or give the complete output (ask the model again with "
            + "a larger output-token limit)." : ".") + " --lenient finds no reading of it either.");
      }
      String lenientSays = lenientGuesses == null ? "" : " (it reads a value here with " + guesses
          + (guesses == 1 ? " guess)" : " guesses)");
      return new Refusal(kind, reason, place + ", or " + LENIENT + lenientSays + ".");
    }

    /** One line for a JSONL result: the reason and the next step. */
    String line() {
      return reason + ". " + next;
    }
  }

  /** Splits a byte stream on '\n' (a trailing '\r' dropped) without decoding, so one bad line stays one line. */
  static final class LineReader {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;
    private boolean eof;

    LineReader(InputStream in) {
      this.in = in;
    }

    byte[] next() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream(256);
      boolean any = false;
      while (true) {
        if (pos >= limit) {
          if (eof) break;
          limit = in.read(buffer);
          pos = 0;
          if (limit <= 0) {
            eof = true;
            limit = 0;
            break;
          }
        }
        int start = pos;
        while (pos < limit && buffer[pos] != '\n') pos++;
        line.write(buffer, start, pos - start);
        any = true;
        if (pos < limit) {
          pos++;
          byte[] b = line.toByteArray();
          int n = b.length;
          if (n > 0 && b[n - 1] == '\r') n--;
          return n == b.length ? b : java.util.Arrays.copyOf(b, n);
        }
      }
      return any && line.size() > 0 ? line.toByteArray() : null;
    }
  }
}
