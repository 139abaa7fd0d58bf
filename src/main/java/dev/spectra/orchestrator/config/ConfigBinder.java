package dev.spectra.orchestrator.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Binds a {@link YamlDoc} to a {@link ConfigFile} with one Jackson mapper for every section. An unknown key, in any
 * section, is an error naming the file, the line, the key and the nearest known key; a value of the wrong type names
 * what was expected.
 */
final class ConfigBinder {
  /** Durations: {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}; a bare number is seconds. */
  static final String DURATION_FORM = "a duration such as 500ms, 30s or 2m";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      // A list of one may be written as the bare value: fallbacks: gpt-4o-mini.
      .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
      // 1.5 where a whole number belongs is a mistake, not a request to truncate.
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .addModule(new SimpleModule("config-durations").addDeserializer(Duration.class, new DurationReader()))
      .build();

  private ConfigBinder() {}

  /** {@return the file bound to records} */
  static ConfigFile bind(YamlDoc doc) throws ConfigException {
    try {
      ConfigFile file = MAPPER.treeToValue(doc.root(), ConfigFile.class);
      return file == null ? ConfigFile.EMPTY : file;
    } catch (UnrecognizedPropertyException e) {
      String pointer = pointer(e.getPath());
      throw doc.error(pointer, unknownKey(e.getPropertyName(), e.getKnownPropertyIds()));
    } catch (MismatchedInputException e) {
      String pointer = pointer(e.getPath());
      throw doc.error(pointer, "expected " + expected(e.getTargetType()) + found(doc, pointer));
    } catch (JsonMappingException e) {
      String pointer = pointer(e.getPath());
      String why = e.getOriginalMessage() == null ? "invalid value" : e.getOriginalMessage().lines().findFirst()
          .orElse("invalid value");
      throw doc.error(pointer, why);
    } catch (IOException e) {
      throw doc.error("", "cannot be read: " + e.getMessage());
    }
  }

  /** {@return "unknown key; did you mean 'x'? (known: ...)"}, naming the nearest known key when one is close */
  static String unknownKey(String key, Collection<Object> known) {
    TreeSet<String> names = new TreeSet<>();
    for (Object k : known) names.add(String.valueOf(k));
    String nearest = nearest(key, names);
    return "unknown key" + (nearest == null ? "" : "; did you mean '" + nearest + "'?") + " (known: "
        + String.join(", ", names) + ")";
  }

  /** {@return the known key closest to {@code key} by edit distance, or null when none is plausibly meant} */
  static String nearest(String key, Collection<String> known) {
    String k = key.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    return known.stream()
        .filter(n -> distance(k, n) <= Math.max(2, n.length() / 3) || k.startsWith(n) || n.startsWith(k))
        .min(Comparator.comparingInt((String n) -> distance(k, n)).thenComparing(Comparator.naturalOrder()))
        .orElse(null);
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) prev[j] = j;
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int swap = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + swap);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String pointer(List<JsonMappingException.Reference> path) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : path) {
      if (r.getFieldName() != null) sb.append('/').append(r.getFieldName());
      else if (r.getIndex() >= 0) sb.append('/').append(r.getIndex());
    }
    return sb.toString();
  }

  private static String expected(Class<?> type) {
    if (type == null) return "another kind of value";
    if (type == BigDecimal.class) return "a number >= 0 (US dollars)";
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) return "a whole number";
    if (type == Double.class || type == double.class) return "a number";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == Duration.class) return DURATION_FORM;
    if (type == String.class) return "a single text value";
    if (List.class.isAssignableFrom(type)) return "a list";
    if (Map.class.isAssignableFrom(type) || type.isRecord()) return "a mapping of keys";
    return "a " + type.getSimpleName();
  }

  private static String found(YamlDoc doc, String pointer) {
    var n = doc.root().at(pointer);
    if (n.isMissingNode()) return "";
    if (n.isContainerNode()) return n.isArray() ? ", got a list" : ", got a mapping";
    return ", got '" + n.asText() + "'";
  }

  /** Reads the one duration syntax; zero is allowed here, and settings that need more say so themselves. */
  private static final class DurationReader extends JsonDeserializer<Duration> {
    @Override public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      Duration d = p.currentToken().isScalarValue() ? ConfigLoader.parseDuration(p.getValueAsString("")) : null;
      if (d == null) {
        return (Duration) ctxt.handleWeirdStringValue(Duration.class, Objects.toString(p.getValueAsString(), ""),
            "expected " + DURATION_FORM);
      }
      return d;
    }
  }
}
