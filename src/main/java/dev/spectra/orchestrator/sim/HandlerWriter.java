package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated coder's own implementation of an operation it has no reference solution of, written from what the
 * implement prompt shows: the operation line, its slice of the contract, the behaviour and the service's store
 * names. It writes what a competent model writes from the contract alone: CRUD on the store the path names, an item
 * of a sub-collection linked to its parent, an action that updates the item it names, the input checks the contract
 * and behaviour state in words it knows (amounts that must be positive, ids that must name an existing item). A
 * business rule stated only in prose stays unimplemented, as it would for a model that did not understand it; the
 * hidden scenarios of eval find that.
 */
final class HandlerWriter {
  private static final Pattern STORE = Pattern.compile("ResourceStore (\\w+)");
  private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}");
  private static final List<String> PAGING = List.of("limit", "offset", "page", "size", "sort", "cursor");

  /**
   * What the implement prompt told the coder.
   *
   * @param method upper-case HTTP method
   * @param path the path template
   * @param spec the operation object of the contract (may be missing: an empty node)
   * @param schemas the component schemas the operation refers to
   * @param stores the store names of {@code Stores}
   * @param text the behaviour and the contract's descriptions, lower case, for the rules stated in words
   */
  record Operation(String method, String path, String operationId, JsonNode spec, JsonNode schemas,
      List<String> stores, String text) {}

  private HandlerWriter() {}

  /** {@return the store names declared by the {@code Stores} record in the prompt's signatures} */
  static List<String> stores(String prompt) {
    int at = prompt.indexOf("record Stores(");
    if (at < 0) return List.of();
    int end = prompt.indexOf(')', at);
    List<String> out = new ArrayList<>();
    Matcher m = STORE.matcher(prompt.substring(at, end < 0 ? prompt.length() : end));
    while (m.find()) out.add(m.group(1));
    return out;
  }

  /** {@return a whole handler file: package {@code pkg}, class {@code className}} */
  static String write(Operation op, String pkg, String className) {
    String base = pkg.endsWith(".ops") ? pkg.substring(0, pkg.length() - 4) : pkg;
    Body b = new Body(op);
    b.generate();
    String code = b.code.toString();
    TreeSet<String> imports = new TreeSet<>();
    imports.add(base + ".Stores");
    if (code.contains("ApiError.")) imports.add(base + ".support.ApiError");
    if (code.contains("Http.")) imports.add(base + ".support.Http");
    if (code.contains("Json.")) imports.add(base + ".support.Json");
    if (code.contains("ObjectNode")) imports.add("com.fasterxml.jackson.databind.node.ObjectNode");
    if (code.contains("ArrayNode")) imports.add("com.fasterxml.jackson.databind.node.ArrayNode");
    imports.add("io.javalin.http.Context");
    imports.add("io.javalin.http.Handler");
    if (code.contains("List.of(")) imports.add("java.util.List");
    if (code.contains("LinkedHashMap")) imports.add("java.util.LinkedHashMap");
    if (code.contains("Map<") || code.contains("Map.of(")) imports.add("java.util.Map");
    StringBuilder sb = new StringBuilder("package ").append(pkg).append(";\n\n");
    for (String i : imports) sb.append("import ").append(i).append(";\n");
    sb.append("\n/** ").append(op.method()).append(' ').append(op.path()).append(" (").append(op.operationId())
        .append("). */\n");
    sb.append("public final class ").append(className).append(" implements Handler {\n");
    sb.append("  private final Stores stores;\n\n");
    sb.append("  public ").append(className).append("(Stores stores) {\n    this.stores = stores;\n  }\n\n");
    sb.append("  @Override\n  public void handle(Context ctx) throws Exception {\n");
    sb.append(code);
    sb.append("  }\n}\n");
    return sb.toString();
  }

  /** The statements of {@code handle}, chosen by the shape of the path. */
  private static final class Body {
    private final Operation op;
    private final StringBuilder code = new StringBuilder();
    private final List<String> segments = new ArrayList<>();
    private final int success;
    /** The store a create or replace writes into, for rules that compare with the stored items. */
    private String collection;

    Body(Operation op) {
      this.op = op;
      for (String s : op.path().split("/")) if (!s.isEmpty()) segments.add(s);
      this.success = successStatus(op);
    }

    void generate() {
      String last = segments.isEmpty() ? "" : segments.get(segments.size() - 1);
      boolean lastIsParam = PARAM.matcher(last).matches();
      String lastStore = lastIsParam ? null : store(last);
      String itemStore = segments.size() >= 2 ? store(segments.get(segments.size() - 2)) : null;
      String parentStore = segments.size() >= 3 && !lastIsParam ? store(segments.get(segments.size() - 3)) : null;
      String parentParam = segments.size() >= 2 && !lastIsParam ? param(segments.get(segments.size() - 2)) : null;
      boolean hasBody = op.spec().has("requestBody");

      if (segments.size() == 1 && lastStore != null) {
        // The collection itself: create or list.
        if (op.method().equals("POST")) {
          collection = lastStore;
          readBody();
          rules();
          line("ObjectNode created = stores." + lastStore + "().create(body);");
          // Where the new item is, as the scaffold's own create answers (its contract tests read it).
          line("ctx.header(\"Location\", \"/" + last + "/\" + created.path(\"id\").asText());");
          respond("created");
        } else {
          listFiltered(lastStore, null, null);
        }
      } else if (lastIsParam && itemStore != null && segments.size() == 2) {
        // An item of a collection: read, replace, update or delete it.
        String p = param(last);
        line("String id = ctx.pathParam(\"" + p + "\");");
        switch (op.method()) {
          case "DELETE" -> {
            line("stores." + itemStore + "().delete(id).orElseThrow(() -> ApiError.notFound(\"no item \" + id));");
            respond(null);
          }
          case "PUT", "PATCH" -> {
            readBody();
            rules();
            String call = op.method().equals("PUT") ? "replace(id, body)" : "update(id, old -> {\n"
                + "      ObjectNode next = old.deepCopy();\n      next.setAll(body);\n      return next;\n    })";
            line("ObjectNode item = stores." + itemStore + "()." + call
                + ".orElseThrow(() -> ApiError.notFound(\"no item \" + id));");
            respond("item");
          }
          default -> {
            line("ObjectNode item = stores." + itemStore + "().find(id).orElseThrow(() -> ApiError.notFound(\"no item \""
                + " + id));");
            respond("item");
          }
        }
      } else if (parentParam != null && parentStore != null && lastStore != null) {
        // A sub-collection: its items carry their parent's id, and the parent must exist.
        String link = linkField(parentStore);
        line("String id = ctx.pathParam(\"" + parentParam + "\");");
        line("ObjectNode parent = stores." + parentStore + "().find(id).orElseThrow(() -> ApiError.notFound(\"no "
            + singular(parentStore) + " \" + id));");
        if (op.method().equals("POST")) {
          collection = lastStore;
          readBody();
          rules();
          line("body.set(\"" + link + "\", parent.get(stores." + parentStore + "().idField()));");
          line("ObjectNode created = stores." + lastStore + "().create(body);");
          respond("created");
        } else {
          listFiltered(lastStore, link, "id");
        }
      } else if (parentParam != null && parentStore != null) {
        // An action on an item, or a view of it: the item is found first; what the body says is applied to it.
        line("String id = ctx.pathParam(\"" + parentParam + "\");");
        JsonNode itemProps = responseProperties();
        String verb = flat(last);
        String flag = null;
        String state = null;
        String stateValue = null;
        for (var e : itemProps.properties()) {
          // POST /todos/{id}/done sets the flag the action names; POST /orders/{id}/cancel the state it names.
          if (flat(e.getKey()).equals(verb) && e.getValue().path("type").asText().equals("boolean")) flag = e.getKey();
          for (JsonNode v : e.getValue().path("enum")) {
            String stem = verb.replaceAll("e$", "");
            if (stateValue == null && stem.length() >= 3 && flat(v.asText()).startsWith(stem)) {
              state = e.getKey();
              stateValue = v.asText();
            }
          }
        }
        boolean changes = !op.method().equals("GET") && (hasBody || flag != null || state != null);
        if (changes) {
          if (hasBody) {
            readBody();
            rules();
          }
          line("ObjectNode item = stores." + parentStore + "().update(id, old -> {");
          line("  ObjectNode next = old.deepCopy();");
          if (hasBody) {
            // Only what the item itself has is taken from the body; an amount or a comment is not a field of it.
            List<String> own = new ArrayList<>();
            for (var e : requestProperties().properties()) {
              if (itemProps.isEmpty() || itemProps.has(e.getKey())) own.add(e.getKey());
            }
            for (String f : own) line("  if (body.has(\"" + f + "\")) next.set(\"" + f + "\", body.get(\"" + f + "\"));");
          }
          if (flag != null) line("  next.put(\"" + flag + "\", true);");
          if (state != null) line("  next.put(\"" + state + "\", \"" + stateValue + "\");");
          line("  return next;");
          line("}).orElseThrow(() -> ApiError.notFound(\"no " + singular(parentStore) + " \" + id));");
        } else {
          line("ObjectNode item = stores." + parentStore + "().find(id).orElseThrow(() -> ApiError.notFound(\"no "
              + singular(parentStore) + " \" + id));");
        }
        respond("item");
      } else if (hasBody) {
        // A command on no collection the service stores: checked, then answered with what it was given.
        readBody();
        rules();
        respond("body");
      } else {
        // Nothing stored answers it: the least answer the contract accepts (its required members, empty).
        line("ObjectNode result = Json.MAPPER.createObjectNode();");
        JsonNode schema = responseSchema();
        for (JsonNode r : schema.path("required")) {
          String n = r.asText();
          switch (schema.path("properties").path(n).path("type").asText()) {
            case "array" -> line("result.putArray(\"" + n + "\");");
            case "integer", "number" -> line("result.put(\"" + n + "\", 0);");
            case "boolean" -> line("result.put(\"" + n + "\", false);");
            case "object" -> line("result.putObject(\"" + n + "\");");
            default -> line("result.put(\"" + n + "\", \"\");");
          }
        }
        respond("result");
      }
    }

    /**
     * {@return the property of a sub-collection's items that names their parent: the {@code …Id} property of the
     * item schema the contract shows for the parent's store, else the parent's singular name + {@code Id}}
     */
    private String linkField(String parentStore) {
      String stem = flat(singular(parentStore));
      JsonNode item = responseSchema();
      if (item.path("type").asText().equals("array")) item = resolve(item.path("items"));
      for (JsonNode props : List.of(item.path("properties"), requestProperties())) {
        for (var e : props.properties()) {
          if (flat(e.getKey()).equals(stem + "id")) return e.getKey();
        }
      }
      return singular(parentStore) + "Id";
    }

    private JsonNode resolve(JsonNode schema) {
      String ref = schema.path("$ref").asText("");
      return ref.startsWith("#/components/schemas/") ? op.schemas().path(ref.substring("#/components/schemas/".length()))
          : schema;
    }

    private JsonNode responseSchema() {
      JsonNode schema = op.spec().path("responses").path(Integer.toString(success)).path("content")
          .path("application/json").path("schema");
      String ref = schema.path("$ref").asText("");
      if (ref.startsWith("#/components/schemas/")) {
        schema = op.schemas().path(ref.substring("#/components/schemas/".length()));
      }
      return schema;
    }

    private JsonNode responseProperties() {
      return responseSchema().path("properties");
    }

    private void listFiltered(String store, String link, String linkVar) {
      line("Map<String, String> filters = new LinkedHashMap<>();");
      if (link != null) line("filters.put(\"" + link + "\", " + linkVar + ");");
      for (JsonNode p : op.spec().path("parameters")) {
        String name = p.path("name").asText();
        if (!"query".equals(p.path("in").asText()) || PAGING.contains(name.toLowerCase(Locale.ROOT))) continue;
        line("if (ctx.queryParam(\"" + name + "\") != null) filters.put(\"" + name + "\", ctx.queryParam(\"" + name
            + "\"));");
      }
      line("ArrayNode items = Json.MAPPER.createArrayNode();");
      line("stores." + store + "().list(filters, 0, Integer.MAX_VALUE).forEach(items::add);");
      respond("items");
    }

    private void readBody() {
      line("ObjectNode body = Http.readObject(ctx);");
      // Only what the contract lets a client set is stored: the rest would be mass assignment (CWE-915).
      List<String> writable = new ArrayList<>();
      for (var e : requestProperties().properties()) {
        if (!e.getValue().path("readOnly").asBoolean(false)) writable.add("\"" + e.getKey() + "\"");
      }
      if (!writable.isEmpty()) line("body.retain(List.of(" + String.join(", ", writable) + "));");
    }

    /** The input rules the coder recognises, each marked so a defect can leave one out. */
    private void rules() {
      JsonNode props = requestProperties();
      for (var e : props.properties()) {
        String name = e.getKey();
        String type = e.getValue().path("type").asText();
        boolean numeric = type.equals("integer") || type.equals("number");
        if (numeric && declares(400) && says(name, "(must be |is |are )?positive")) {
          line("// rule: " + name + " must be positive");
          line("if (body.has(\"" + name + "\") && body.path(\"" + name + "\").asDouble() <= 0) throw "
              + "ApiError.badRequest(\"" + name + " must be positive\", List.of());");
        } else if (numeric && declares(400) && says(name, "(must )?not (be )?negative|\\(?>= ?0")) {
          line("// rule: " + name + " must not be negative");
          line("if (body.has(\"" + name + "\") && body.path(\"" + name + "\").asDouble() < 0) throw "
              + "ApiError.badRequest(\"" + name + " must not be negative\", List.of());");
        }
        if (declares(409) && (says(name, "(is |are |must be )?unique") || op.text().matches("(?s).*(cannot|can't) "
            + "share an? " + Pattern.quote(name.toLowerCase(Locale.ROOT)) + "\\b.*")) && collection != null) {
          line("// rule: " + name + " is unique");
          line("if (body.has(\"" + name + "\") && !stores." + collection + "().list(Map.of(\"" + name
              + "\", body.path(\"" + name + "\").asText()), 0, 1).isEmpty()) throw new ApiError(409, \"conflict\", \""
              + name + " is already taken\", List.of());");
        }
        String target = name.endsWith("Id") && name.length() > 2 ? store(name.substring(0, name.length() - 2)) : null;
        if (target != null && declares(404)) {
          line("// rule: " + name + " names an existing " + singular(target));
          line("if (body.hasNonNull(\"" + name + "\") && stores." + target + "().find(body.path(\"" + name
              + "\").asText()).isEmpty()) throw ApiError.notFound(\"no " + singular(target) + " \" + body.path(\""
              + name + "\").asText());");
        }
      }
    }

    /** {@return whether the behaviour or the contract says {@code phrase} of the field, within a clause} */
    private boolean says(String field, String phrase) {
      String f = Pattern.quote(field.toLowerCase(Locale.ROOT));
      return Pattern.compile("\\b" + f + "\\b[^.;:]{0,40}?\\b(" + phrase + ")").matcher(op.text()).find();
    }

    private JsonNode requestProperties() {
      JsonNode schema = op.spec().path("requestBody").path("content").path("application/json").path("schema");
      String ref = schema.path("$ref").asText("");
      if (ref.startsWith("#/components/schemas/")) {
        schema = op.schemas().path(ref.substring("#/components/schemas/".length()));
      }
      return schema.path("properties");
    }

    private boolean declares(int status) {
      return op.spec().path("responses").has(Integer.toString(status));
    }

    private void respond(String variable) {
      JsonNode answer = op.spec().path("responses").path(Integer.toString(success));
      if (success >= 300 && success < 400 && variable != null) {
        // A redirect: the item's first link-like property is where it points.
        String target = linkProperty();
        line("ctx.status(" + success + ").header(\"Location\", " + variable + ".path(\"" + target + "\").asText());");
      } else if (success == 204 || variable == null) {
        line("Http.noContent(ctx);");
      } else if (!answer.isMissingNode() && !answer.has("content")) {
        // The contract declares no body for this answer: none is sent.
        line("ctx.status(" + success + ");");
      } else {
        line("Http.json(ctx, " + success + ", " + variable + ");");
      }
    }

    private String linkProperty() {
      for (JsonNode schema : op.schemas()) {
        for (var e : schema.path("properties").properties()) {
          String n = e.getKey().toLowerCase(Locale.ROOT);
          if (n.contains("url") || n.contains("target") || n.contains("location") || n.contains("link")) {
            return e.getKey();
          }
        }
      }
      for (var e : requestProperties().properties()) {
        if (e.getKey().toLowerCase(Locale.ROOT).contains("url")) return e.getKey();
      }
      return "url";
    }

    private void line(String statement) {
      for (String l : statement.split("\n")) code.append("    ").append(l).append('\n');
    }

    /** {@return the store a path segment or a singular name refers to, or null} */
    private String store(String segment) {
      String s = flat(segment);
      if (s.isEmpty() || PARAM.matcher(segment).matches()) return null;
      for (String name : op.stores()) {
        String n = flat(name);
        if (n.equals(s) || n.equals(s + "s") || n.equals(s + "es") || (s.endsWith("y") && n.equals(s.substring(0,
            s.length() - 1) + "ies"))) {
          return name;
        }
      }
      return null;
    }
  }

  private static String param(String segment) {
    Matcher m = PARAM.matcher(segment);
    return m.matches() ? m.group(1) : null;
  }

  private static String flat(String s) {
    return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
  }

  private static String singular(String plural) {
    if (plural.endsWith("ies")) return plural.substring(0, plural.length() - 3) + "y";
    // "addresses", "boxes", "matches": the "es" is the plural's; "warehouses", "courses": only the "s" is.
    if (plural.matches(".*(ss|x|ch|sh|z)es")) return plural.substring(0, plural.length() - 2);
    if (plural.endsWith("s")) return plural.substring(0, plural.length() - 1);
    return plural;
  }

  /** {@return the first 2xx status of the contract, or what a method usually answers} */
  private static int successStatus(Operation op) {
    int best = Integer.MAX_VALUE;
    for (Map.Entry<String, JsonNode> e : op.spec().path("responses").properties()) {
      if (e.getKey().matches("2\\d\\d")) best = Math.min(best, Integer.parseInt(e.getKey()));
    }
    if (best != Integer.MAX_VALUE) return best;
    for (Map.Entry<String, JsonNode> e : op.spec().path("responses").properties()) {
      if (e.getKey().matches("3\\d\\d")) best = Math.min(best, Integer.parseInt(e.getKey()));
    }
    if (best != Integer.MAX_VALUE) return best;
    return switch (op.method()) {
      case "POST" -> 201;
      case "DELETE" -> 204;
      default -> 200;
    };
  }
}
