package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Identifiers of things the service created during this check, by the path parameter that addresses them
 * ({@code bookId} for {@code /books/{bookId}}). Generated requests use them, so item operations meet existing items
 * and a book can name an author that exists.
 */
final class Pools {
  private final Map<String, List<JsonNode>> byParam = new LinkedHashMap<>();
  /** Collection segment ("books") to its item parameter ("bookId"). */
  private final Map<String, String> paramOfCollection = new LinkedHashMap<>();

  Pools(ApiContract contract) {
    for (Operation op : contract.operations()) {
      String[] seg = op.path().split("/");
      for (int i = 1; i < seg.length; i++) {
        if (seg[i].startsWith("{") && seg[i].endsWith("}") && !seg[i - 1].startsWith("{")) {
          paramOfCollection.putIfAbsent(seg[i - 1], seg[i].substring(1, seg[i].length() - 1));
        }
      }
    }
  }

  synchronized void add(String param, JsonNode id) {
    List<JsonNode> ids = byParam.computeIfAbsent(param, k -> new ArrayList<>());
    if (!ids.contains(id)) ids.add(id);
  }

  synchronized void remove(String param, JsonNode id) {
    List<JsonNode> ids = byParam.get(param);
    if (ids != null) ids.remove(id);
  }

  /** {@return a known value for a parameter or property name, or null} */
  synchronized JsonNode pick(String name, Random random) {
    List<JsonNode> ids = byParam.get(name);
    if ((ids == null || ids.isEmpty() || name.equals("id")) && name.matches("(?i).+_?id")) {
      // authorId → the collection "authors" → its item parameter's pool
      String base = name.replaceAll("(?i)_?id$", "");
      for (String candidate : List.of(base + "s", base + "es", base)) {
        String p = paramOfCollection.get(candidate);
        if (p != null) {
          ids = byParam.get(p);
          break;
        }
      }
    }
    if (name.equals("id") || ids == null || ids.isEmpty()) return null;
    return ids.get(random.nextInt(ids.size()));
  }
}
