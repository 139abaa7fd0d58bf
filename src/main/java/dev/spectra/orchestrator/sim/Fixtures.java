package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Canned answers keyed by the prompt: files from a user directory first (sorted by name), then the built-in
 * ones listed in {@code sim/fixtures/index.txt} on the classpath. The first fixture whose words all occur in
 * the last user message (case-insensitive) and whose regex, if any, is found there wins.
 */
final class Fixtures {

  /**
   * @param contains words that must all occur in the last user message
   * @param regex a pattern that must be found there, or null
   * @param reply the answer text
   * @param json the answer is JSON, so a profile corrupts it like any JSON answer
   */
  record Fixture(String name, List<String> contains, Pattern regex, String reply, boolean json) {
    boolean matches(String prompt) {
      String lower = prompt.toLowerCase(Locale.ROOT);
      for (String w : contains) if (!lower.contains(w)) return false;
      return regex == null || regex.matcher(prompt).find();
    }
  }

  private final List<Fixture> all;

  private Fixtures(List<Fixture> all) { this.all = List.copyOf(all); }

  Optional<Fixture> match(String lastUserText) {
    return all.stream().filter(f -> f.matches(lastUserText)).findFirst();
  }

  int size() { return all.size(); }

  /** Loads the user directory's fixtures (when given) and then the built-in ones. */
  static Fixtures load(Path userDir) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    ObjectMapper json = new ObjectMapper();
    List<Fixture> list = new ArrayList<>();
    if (userDir != null) {
      if (!Files.isDirectory(userDir)) {
        throw new Profile.BadProfile("fixture directory " + userDir + " does not exist or is not a directory");
      }
      try (Stream<Path> files = Files.list(userDir)) {
        for (Path f : files.filter(p -> p.getFileName().toString().matches(".*\\.(ya?ml|json)")).sorted().toList()) {
          list.add(parse(yaml, json, Files.readString(f), f.toString()));
        }
      } catch (IOException e) {
        throw new Profile.BadProfile("cannot read fixture directory " + userDir + ": " + e.getMessage());
      }
    }
    for (String name : resourceLines("/sim/fixtures/index.txt")) {
      list.add(parse(yaml, json, resource("/sim/fixtures/" + name), "built-in fixture " + name));
    }
    return new Fixtures(list);
  }

  private static Fixture parse(ObjectMapper yaml, ObjectMapper json, String text, String where) {
    JsonNode root;
    try {
      root = yaml.readTree(text);
    } catch (JsonProcessingException e) {
      throw new Profile.BadProfile(where + " is not valid YAML/JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) throw new Profile.BadProfile(where + " must hold a mapping");
    JsonNode match = root.path("match");
    List<String> words = new ArrayList<>();
    match.path("contains").forEach(w -> words.add(w.asText().toLowerCase(Locale.ROOT)));
    Pattern regex = null;
    if (match.hasNonNull("regex")) {
      try {
        regex = Pattern.compile(match.get("regex").asText());
      } catch (PatternSyntaxException e) {
        throw new Profile.BadProfile(where + ": match.regex is not a valid regular expression: " + e.getDescription());
      }
    }
    if (words.isEmpty() && regex == null) {
      throw new Profile.BadProfile(where + ": needs match.contains (a list of words) or match.regex");
    }
    String name = root.path("name").asText(where);
    if (root.has("json")) {
      try {
        return new Fixture(name, words, regex, json.writer(Responder.modelStyle()).writeValueAsString(root.get("json")),
            true);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    if (!root.hasNonNull("reply")) throw new Profile.BadProfile(where + ": needs 'reply' (text) or 'json' (a value)");
    return new Fixture(name, words, regex, root.get("reply").asText(), false);
  }

  private static List<String> resourceLines(String path) {
    return resource(path).lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static String resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
      if (in == null) throw new IllegalStateException("missing resource " + path);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read resource " + path, e);
    }
  }
}
