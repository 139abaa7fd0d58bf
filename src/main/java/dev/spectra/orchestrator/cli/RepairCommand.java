package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.structured.InvalidSchemaException;
import dev.spectra.orchestrator.structured.Guess;
import dev.spectra.orchestrator.structured.JsonRepair;
import dev.spectra.orchestrator.structured.RepairMode;
import dev.spectra.orchestrator.structured.RepairResult;
import dev.spectra.orchestrator.structured.Schemas;
import dev.spectra.orchestrator.structured.Violation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
    "Exit 1 with the reason when it cannot be recovered without guessing; 2 for a missing file or schema.",
    "With --lenient: the best reading of everything (cut-off values completed, placeholders dropped, unquoted",
    "  text quoted, ...), with every guess listed on stderr (line, column, kind).",
    "With --jsonl FILE (one object per line with \"id\", \"input\" and optionally \"schema\"), prints one line",
    "  per case, in order: {\"id\", \"ok\", \"value\", \"error\", \"guesses\"}"})
public final class RepairCommand implements Callable<Integer> {
  private final Io io;

  @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "The model output; '-' or none: stdin.")
  String file;

  @Option(names = "--schema", paramLabel = "FILE", description = "JSON Schema (JSON or YAML) the value must conform to.")
  Path schemaFile;

  @Option(names = "--jsonl", paramLabel = "FILE", description = "Repair every case of a JSONL file (id, input).")
  Path jsonl;

  @Option(names = "--json", description = "Print the result as JSON: ok, value, stage, repairs, error.")
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
    } catch (CharacterCodingException e) {
      return fail(repair, "the input is not valid UTF-8 " + e.getMessage() + "; convert it to UTF-8 first "
          + "(replacing bad bytes would change the text)");
    }
    RepairResult result = repair.repair(text, schema);
    text = null; // the value keeps what it needs; let the rest go before printing a large one
    if (result instanceof RepairResult.Unrecoverable u) {
      return fail(repair, u.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + u.reason());
    }
    RepairResult.Recovered r = (RepairResult.Recovered) result;
    if (schema != null) {
      List<Violation> violations = repair.validate(schema, r.value());
      if (!violations.isEmpty()) {
        return fail(repair, "the value does not conform to the schema: "
            + String.join("; ", violations.stream().map(Violation::toString).toList()));
      }
    }
    if (json) {
      ObjectNode out = repair.mapper().createObjectNode();
      out.put("ok", true);
      out.set("value", r.value());
      out.put("stage", r.stage().name());
      out.set("repairs", repair.mapper().valueToTree(r.repairs()));
      out.set("guesses", guesses(repair.mapper(), r.guesses()));
      out.set("coercions", repair.mapper().valueToTree(r.coercions().stream().map(Object::toString).toList()));
      out.putNull("error");
      io.out().println(write(repair.mapper(), out));
    } else {
      try {
        r.json().writeTo(io.out());
      } catch (IOException e) {
        throw new ExitException(ExitCodes.FAILED, "cannot write the value: " + e.getMessage());
      }
      io.out().println();
      if (!quiet && !r.repairs().isEmpty()) io.err().println("repaired: " + String.join(", ", r.repairs()));
      if (!quiet) for (var c : r.coercions()) io.err().println("coerced by the schema: " + c);
      if (!quiet) for (Guess g : r.guesses()) io.err().println("guessed: " + g);
    }
    return ExitCodes.OK;
  }

  private int fail(JsonRepair repair, String reason) {
    if (json) {
      ObjectNode out = repair.mapper().createObjectNode();
      out.put("ok", false);
      out.putNull("value");
      out.put("error", reason);
      io.out().println(write(repair.mapper(), out));
    }
    boolean located = reason.contains("line ");
    throw new ExitException(ExitCodes.FAILED, lenient ? "cannot recover a JSON value: " + reason
        : "cannot recover a JSON value without guessing: " + reason + (located ? "\nFix the text at that place, or "
            + "run 'orchestrator repair --lenient' to get the most likely reading with every guess listed." : ""));
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
          io.out().println(write(mapper, error(out, "line " + lineNo + ": not valid UTF-8")));
          continue;
        }
        if (text.isBlank()) continue;
        JsonNode c;
        try {
          c = mapper.readTree(text);
        } catch (JsonProcessingException e) {
          String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("")
              .replaceAll("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)]", "$1");
          io.out().println(write(mapper, error(out, "line " + lineNo + ": not valid JSON: " + what)));
          continue;
        }
        if (c != null && c.isObject() && c.has("id")) out.set("id", c.get("id"));
        if (c == null || !c.isObject() || !c.path("input").isTextual()) {
          io.out().println(write(mapper, error(out, "line " + lineNo + ": needs an object with \"id\" and \"input\" "
              + "(a string)")));
          continue;
        }
        JsonNode lineSchema = schema;
        if (c.hasNonNull("schema")) {
          lineSchema = c.get("schema");
          List<String> problems = lineSchema.isObject() || lineSchema.isBoolean() ? Schemas.problems(lineSchema)
              : List.of("must be a JSON Schema object");
          if (!problems.isEmpty()) {
            io.out().println(write(mapper, error(out, "line " + lineNo + ": \"schema\" is not a usable JSON Schema: "
                + String.join("; ", problems))));
            continue;
          }
        }
        io.out().println(write(mapper, one(repair, lineSchema, c.get("input").textValue(), out)));
      }
    } catch (NoSuchFileException e) {
      throw ExitException.usage("no such file: " + path);
    } catch (IOException e) {
      throw ExitException.usage("cannot read " + path + ": " + e.getMessage());
    }
    return ExitCodes.OK;
  }

  private static ObjectNode one(JsonRepair repair, JsonNode schema, String input, ObjectNode out) {
    RepairResult result = repair.repair(input, schema);
    if (result instanceof RepairResult.Unrecoverable u) {
      return error(out, u.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + u.reason());
    }
    RepairResult.Recovered r = (RepairResult.Recovered) result;
    if (schema != null) {
      List<Violation> violations = repair.validate(schema, r.value());
      if (!violations.isEmpty()) {
        return error(out, "schema: " + String.join("; ", violations.stream().map(Violation::toString).toList()));
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

  /**
   * The input as a string. A file is mapped rather than read onto the heap, and decoded straight into an array of
   * the exact size: on a 100 MB input the heap holds the characters and the string, never the bytes as well.
   */
  private CharSequence readText() throws CharacterCodingException {
    if (file == null || file.equals("-")) return decode(readInput());
    Path path = io.cwd().resolve(file);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE / 2) {
        throw ExitException.usage(path + " is " + size / 1_000_000 + " MB; repair reads at most 1,000 MB");
      }
      if (size == 0) return "";
      MappedByteBuffer bytes = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
      int units = 0;
      boolean ascii = true;
      for (int i = 0; i < size; i++) {
        byte b = bytes.get(i);
        if (b < 0) ascii = false;
        // One UTF-16 unit per sequence start; two for a 4-byte sequence (a surrogate pair).
        if ((b & 0xC0) != 0x80) units += (b & 0xF8) == 0xF0 ? 2 : 1;
      }
      if (ascii) {
        byte[] latin = new byte[(int) size];
        bytes.get(0, latin);
        return new Ascii(latin, 0, latin.length);
      }
      char[] chars = new char[units];
      java.nio.CharBuffer out = java.nio.CharBuffer.wrap(chars);
      CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
      var result = decoder.decode(bytes, out, true);
      if (result.isError() || bytes.hasRemaining()) {
        int at = bytes.position();
        throw new CharacterCodingException() {
          @Override public String getMessage() {
            return "(bad byte near offset " + at + ")";
          }
        };
      }
      // Not copied into a String: that copy would double the memory of a large input.
      return java.nio.CharBuffer.wrap(chars, 0, out.position());
    } catch (CharacterCodingException e) {
      throw e;
    } catch (NoSuchFileException e) {
      throw ExitException.usage("no such file: " + path);
    } catch (IOException e) {
      throw ExitException.usage("cannot read " + path + ": " + e.getMessage());
    }
  }

  private byte[] readInput() {
    if (file == null || file.equals("-")) {
      try {
        return io.in().readAllBytes();
      } catch (IOException e) {
        throw ExitException.usage("cannot read standard input: " + e.getMessage());
      }
    }
    Path path = io.cwd().resolve(file);
    try {
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw ExitException.usage("no such file: " + path);
    } catch (IOException e) {
      throw ExitException.usage("cannot read " + path + ": " + e.getMessage());
    }
  }

  /**
   * Strict UTF-8: replacing bad bytes would change the text the model wrote. Checked in small steps, then decoded
   * once, so a 100 MB input costs the bytes and the string, not a further char buffer.
   */
  static String decode(byte[] bytes) throws CharacterCodingException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    java.nio.CharBuffer scratch = java.nio.CharBuffer.allocate(8192);
    while (true) {
      var r = decoder.decode(in, scratch, true);
      if (r.isError()) {
        int at = in.position();
        throw new CharacterCodingException() {
          @Override public String getMessage() {
            return "(bad byte near offset " + at + ")";
          }
        };
      }
      scratch.clear();
      if (r.isUnderflow()) break;
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String write(ObjectMapper mapper, JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed value always serializes", e);
    }
  }

  /** ASCII text read as characters in place: one byte per character, no copy. */
  record Ascii(byte[] bytes, int from, int to) implements CharSequence {
    @Override public int length() {
      return to - from;
    }

    @Override public char charAt(int index) {
      return (char) bytes[from + index];
    }

    @Override public CharSequence subSequence(int start, int end) {
      return new Ascii(bytes, from + start, from + end);
    }

    @Override public String toString() {
      return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
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
