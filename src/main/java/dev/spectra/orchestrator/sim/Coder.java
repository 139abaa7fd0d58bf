package dev.spectra.orchestrator.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simulated coder: answers the three calls of a model-driven build (plan, implement one operation, fix) for
 * the requests it has reference solutions of ({@code sim/coder/index.txt} on the classpath), and makes the
 * mistakes of its profile's {@link DefectModel} on the way. It recognises the calls by their prompts only: the
 * planning request by the request text it finds after {@code Request:}, implement and fix calls by the handler
 * files they show. For a call it recognises but cannot answer it says so in plain text.
 */
final class Coder {
  private static final String INDEX = "/sim/coder/index.txt";
  /** Output caps up to this many tokens can cut a whole handler file short. */
  static final int TIGHT_LIMIT = 8000;
  private static final Pattern OPERATION = Pattern.compile("(?m)^Operation: (\\S+) (\\S+) \\(([^)]+)\\)");
  private static final Pattern FILE_TO_REPLACE = Pattern.compile("File to replace, ([^\\n]+?):\\n");
  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern EDITABLE = Pattern.compile("(?m)^=== (\\S+) \\(editable\\) ===\\n");

  /**
   * A request the coder knows: its text, its plan and its reference files by simple file name. A task with a null
   * request has reference handlers only (its plan says under {@code packages} which projects they are for): the
   * coder implements its operations but never plans it.
   */
  record Task(String id, String request, ObjectNode plan, Map<String, String> references) {
    /** {@return whether the reference files are written for a project whose base package ends in {@code segment}} */
    boolean serves(String segment) {
      for (JsonNode p : plan.path("packages")) if (p.asText().equals(segment)) return true;
      return plan.path("service").asText().replace("-", "").equals(segment);
    }
  }

  /**
   * The coder's answer.
   *
   * @param text the reply text
   * @param json the text is meant as JSON (the profile's JSON corruption may still apply)
   * @param truncated cut at the token limit
   * @param note what happened, for the request log
   */
  record Reply(String text, boolean json, boolean truncated, String note) {}

  private static final Pattern CONTRACT = Pattern.compile("(?m)^Contract: (\\{.*)$");
  private static final Pattern BEHAVIOUR = Pattern.compile("(?m)^Behaviour: (.*)$");
  private static final Pattern GIVEN_OPERATION = Pattern.compile("(?m)^(GET|POST|PUT|PATCH|DELETE) (/\\S*) \\((\\S+)\\)$");

  private final List<Task> tasks;
  private final DefectModel defects;
  private final ObjectMapper mapper;

  Coder(List<Task> tasks, DefectModel defects, ObjectMapper mapper) {
    this.tasks = List.copyOf(tasks);
    this.defects = defects;
    this.mapper = mapper;
  }

  /** Loads the built-in reference solutions. */
  static Coder load(DefectModel defects, ObjectMapper mapper) {
    List<Task> tasks = new ArrayList<>();
    for (String line : resource(INDEX).orElse("").lines().toList()) {
      String id = line.strip();
      if (id.isEmpty() || id.startsWith("#")) continue;
      String base = "/sim/coder/" + id + "/";
      Optional<String> services = resource(base + "services.txt");
      String request = null;
      ObjectNode plan;
      if (services.isPresent()) {
        // Handlers only: the plan of such a task comes from elsewhere (the eval's plan fixtures), and the handler
        // files answer for the projects whose base package ends in one of these segments.
        plan = mapper.createObjectNode();
        ArrayNode segments = plan.putArray("packages");
        services.get().lines().map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#"))
            .forEach(segments::add);
      } else {
        request = resource(base + "request.txt").orElseThrow(() -> missing(base + "request.txt"));
        try {
          plan = (ObjectNode) mapper.readTree(resource(base + "plan.json").orElseThrow(() -> missing(base
              + "plan.json")));
        } catch (IOException e) {
          throw new UncheckedIOException("built-in coder resource " + base + "plan.json is not JSON", e);
        }
      }
      Map<String, String> refs = new LinkedHashMap<>();
      for (String f : resource(base + "files.txt").orElse("").lines().map(String::strip).filter(s -> !s.isEmpty())
          .toList()) {
        refs.put(f, resource(base + f + ".txt").orElseThrow(() -> missing(base + f + ".txt")));
      }
      tasks.add(new Task(id, request, plan, refs));
    }
    return new Coder(tasks, defects, mapper);
  }

  private static IllegalStateException missing(String name) {
    return new IllegalStateException("built-in coder resource missing: " + name);
  }

  private static Optional<String> resource(String name) {
    try (InputStream in = Coder.class.getResourceAsStream(name)) {
      return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<Task> tasks() { return tasks; }

  /** {@return the coder's answer when the request is one of the build's calls, else empty} */
  Optional<Reply> answer(SimRequest req, SplittableRandom rng) {
    String prompt = req.visiblePrompt();
    if (prompt.contains("You plan a small HTTP JSON service")) {
      // A re-ask's last message holds only the errors: the model repairs its plan with its fix probability.
      boolean reask = !normalise(req.lastUserText()).contains("request: ");
      return Optional.of(plan(prompt, rng, reask ? defects.planDefect() * (1 - defects.fixRepairs())
          : defects.planDefect()));
    }
    if (prompt.contains("You implement one operation")) {
      boolean first = OPERATION.matcher(req.lastUserText()).find();
      String user = first ? req.lastUserText() : prompt;
      // A reply runs out of tokens only under a tight cap; a caller that retries with a larger one gets it whole.
      boolean tightLimit = req.maxTokens() == null || req.maxTokens() <= TIGHT_LIMIT;
      return Optional.of(implement(user, rng, first ? defects.codeDefect()
          : defects.codeDefect() * (1 - defects.fixRepairs()), tightLimit));
    }
    if (prompt.contains("You fix a Java 21 Javalin service")) {
      String user = EDITABLE.matcher(req.lastUserText()).find() ? req.lastUserText() : prompt;
      return Optional.of(fix(user, rng));
    }
    return Optional.empty();
  }

  // ---- plan

  private Reply plan(String prompt, SplittableRandom rng, double defectRate) {
    String flat = normalise(prompt);
    Task task = null;
    for (Task t : tasks) {
      if (t.request() != null && flat.contains("request: " + normalise(t.request()))) {
        task = t;
        break;
      }
    }
    if (task == null && prompt.contains("The OpenAPI document is given and authoritative")) {
      return new Reply(pretty(planForContract(prompt)), true, false, "coder: plan for the given contract");
    }
    if (task == null) {
      ObjectNode unknown = mapper.createObjectNode().put("clarification_needed", "This is the model simulator: it "
          + "writes services only for the requests it has reference solutions of (" + String.join(", ", ids())
          + "); run against a real model for any other request.");
      return new Reply(unknown.toString(), true, false, "coder: unknown request, said so");
    }
    ObjectNode plan = task.plan().deepCopy();
    if (prompt.contains("The OpenAPI document is given and authoritative")) plan.remove("openapi");
    String note = "coder: plan of " + task.id();
    if (plan.has("openapi") && rng.nextDouble() < defectRate) {
      Set<Defect> tried = EnumSet.noneOf(Defect.class);
      for (Defect d; (d = defects.draw(Defect.Stage.PLAN, rng, tried)) != null; tried.add(d)) {
        if (breakPlan(plan, d, rng)) {
          note += ", defect: " + d.wire();
          break;
        }
      }
    }
    return new Reply(pretty(plan), true, false, note);
  }

  /**
   * A plan for a request the coder has no reference of, when the contract is given: a behaviour per operation that
   * is not plain CRUD, as its contract describes it, no scenarios of its own (the contract's tests and the check cover the operations).
   */
  private ObjectNode planForContract(String prompt) {
    int at = prompt.lastIndexOf("Request: ");
    String request = at < 0 ? "" : prompt.substring(at + "Request: ".length());
    int ops = request.indexOf("\nOperations of the given OpenAPI document:");
    if (ops >= 0) request = request.substring(0, ops);
    Matcher m = GIVEN_OPERATION.matcher(at < 0 ? prompt : prompt.substring(at));
    ObjectNode plan = mapper.createObjectNode();
    ArrayNode behaviours = mapper.createArrayNode();
    String first = null;
    while (m.find()) {
      if (first == null) first = m.group(2).replaceAll("^/+", "").replaceAll("[/{].*$", "");
      // Plain create/read/update/delete/list is the scaffold's; a behaviour would hand it to the coder again.
      if (crudShaped(m.group(1), m.group(2))) continue;
      behaviours.addObject().put("operationId", m.group(3)).put("behaviour", "Implements " + m.group(1) + " "
          + m.group(2) + " as the contract describes it: its status codes, its schemas, 404 for an unknown id.");
    }
    String service = (first == null ? "" : first.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-"))
        .replaceAll("^-+|-+$", "");
    if (service.isEmpty() || !Character.isLetter(service.charAt(0))) service = "service";
    String summary = request.strip().isEmpty() ? "A service implementing the given contract." : request.strip();
    plan.put("service", (service.length() > 30 ? service.substring(0, 30).replaceAll("-+$", "") : service)
        + "-service");
    plan.put("summary", summary.length() > 400 ? summary.substring(0, 400) : summary);
    plan.putArray("entities");
    plan.set("behaviours", behaviours);
    plan.putArray("scenarios");
    return plan;
  }

  private static boolean crudShaped(String method, String path) {
    if (path.matches("/[^/{]+")) return method.equals("GET") || method.equals("POST");
    return path.matches("/[^/{]+/\\{[^}/]+}") && !method.equals("POST");
  }

  private List<String> ids() {
    return tasks.stream().filter(t -> t.request() != null).map(Task::id).toList();
  }

  /** Lower case, one space for every run of whitespace: prompts re-wrap and re-indent the request. */
  static String normalise(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
  }

  private boolean breakPlan(ObjectNode plan, Defect d, SplittableRandom rng) {
    JsonNode paths = plan.path("openapi").path("paths");
    if (!(paths instanceof ObjectNode pathsNode)) return false;
    switch (d) {
      case MISSING_OPERATION -> {
        List<String> ids = new ArrayList<>();
        plan.path("behaviours").forEach(b -> ids.add(b.path("operationId").asText()));
        if (ids.isEmpty()) return false;
        String victim = ids.get(rng.nextInt(ids.size()));
        for (Iterator<Map.Entry<String, JsonNode>> it = pathsNode.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> item = it.next();
          if (!(item.getValue() instanceof ObjectNode ops)) continue;
          for (Iterator<Map.Entry<String, JsonNode>> o = ops.fields(); o.hasNext(); ) {
            if (victim.equals(o.next().getValue().path("operationId").asText())) {
              o.remove();
              if (ops.isEmpty()) it.remove();
              return true;
            }
          }
        }
        return false;
      }
      case MISSING_STATUS -> {
        // The error status a scenario expects is the one a model forgets to declare (the contract then disagrees
        // with its own behaviour); statuses no scenario uses would pass unnoticed by every check.
        List<Map.Entry<ObjectNode, String>> expected = new ArrayList<>();
        for (JsonNode scenario : plan.path("scenarios")) {
          for (JsonNode step : scenario.path("steps")) {
            String code = step.path("status").asText();
            if (!code.startsWith("4")) continue;
            String concrete = step.path("path").asText().replaceAll("\\{\\{[^}]*}}", "x").replaceFirst("\\?.*", "");
            for (Map.Entry<String, JsonNode> item : pathsNode.properties()) {
              String regex = "^" + item.getKey().replaceAll("\\{[^}/]+}", "[^/]+") + "/?$";
              JsonNode op = item.getValue().path(step.path("method").asText().toLowerCase(Locale.ROOT));
              if (concrete.matches(regex) && op.path("responses") instanceof ObjectNode r && r.has(code)) {
                expected.add(Map.entry(r, code));
              }
            }
          }
        }
        if (expected.isEmpty()) return false;
        Map.Entry<ObjectNode, String> victim = expected.get(rng.nextInt(expected.size()));
        victim.getKey().remove(victim.getValue());
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  // ---- implement

  private Reply implement(String user, SplittableRandom rng, double defectRate, boolean tightLimit) {
    Matcher op = OPERATION.matcher(user);
    Matcher file = FILE_TO_REPLACE.matcher(user);
    if (!op.find() || !file.find()) {
      return unknownCode("an implement call without the operation or the file to replace");
    }
    String path = file.group(1).strip();
    String operationId = op.group(3);
    Matcher pkg = PACKAGE.matcher(user.substring(file.end()));
    String actualPackage = pkg.find() ? pkg.group(1) : null;
    Optional<String> reference = reference(path, actualPackage);
    String note = "coder: implement " + operationId;
    if (reference.isEmpty()) {
      if (actualPackage == null) {
        return unknownCode("an implement call without the handler's package (" + path + ")");
      }
      // No reference: the coder writes the operation from what the prompt shows, and remembers it for its fixes.
      reference = Optional.of(writeOwn(user, op, path, actualPackage));
      note += " (own implementation from the contract)";
    }
    ArrayNode files = mapper.createArrayNode();
    String content = reference.get();
    Defect defect = null;
    if (rng.nextDouble() < defectRate) {
      Set<Defect> tried = EnumSet.noneOf(Defect.class);
      for (Defect d; (d = defects.draw(Defect.Stage.CODE, rng, tried)) != null; tried.add(d)) {
        if (d == Defect.TRUNCATION && !tightLimit) continue;
        if (d == Defect.TRUNCATION || d == Defect.UNASKED_FILE || d == Defect.OUTSIDE_PATH) {
          defect = d;
          break;
        }
        String broken = d.breakCode(content, rng);
        if (broken != null) {
          content = broken;
          defect = d;
          break;
        }
      }
    }
    files.addObject().put("path", path).put("content", content);
    if (defect == Defect.UNASKED_FILE) {
      // The scaffold's App is never the model's to change: the path guard refuses it.
      String app = path.replaceFirst("/ops/[^/]+$", "/App.java");
      files.addObject().put("path", app).put("content", "// the routes, tidied up\n");
    } else if (defect == Defect.OUTSIDE_PATH) {
      files.addObject().put("path", "../NOTES-" + operationId + ".md").put("content", "Implemented " + operationId
          + ".\n");
    }
    if (defect != null) note += ", defect: " + defect.wire();
    String text = pretty(mapper.createObjectNode().set("files", files));
    if (defect == Defect.TRUNCATION) {
      int cut = (int) (text.length() * (0.55 + 0.3 * rng.nextDouble()));
      return new Reply(text.substring(0, cut), true, true, note);
    }
    return new Reply(text, true, false, note);
  }

  private String writeOwn(String user, Matcher op, String path, String pkg) {
    JsonNode slice = mapper.createObjectNode();
    Matcher contract = CONTRACT.matcher(user);
    if (contract.find()) {
      try {
        slice = mapper.readTree(contract.group(1));
      } catch (IOException e) {
        // A contract line that is not JSON leaves the coder with the operation line alone.
      }
    }
    Matcher behaviour = BEHAVIOUR.matcher(user);
    String text = ((behaviour.find() ? behaviour.group(1) : "") + " " + slice.toString()).toLowerCase(Locale.ROOT);
    String className = path.substring(path.lastIndexOf('/') + 1).replaceFirst("\\.java$", "");
    HandlerWriter.Operation operation = new HandlerWriter.Operation(op.group(1).toUpperCase(Locale.ROOT), op.group(2),
        op.group(3), slice.path("spec"), slice.path("schemas"), HandlerWriter.stores(user), text);
    return HandlerWriter.write(operation, pkg, className);
  }

  private static Reply unknownCode(String what) {
    return new Reply("This is the model simulator's coder: " + what + ". It writes code only for the requests it "
        + "has reference solutions of; run against a real model for this one.", false, false,
        "coder: unknown code request, said so");
  }

  /** {@return the reference file for a project path, moved into the project's base package} */
  private Optional<String> reference(String path, String actualPackage) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    String key = actualPackage == null ? "" : baseOf(actualPackage).replaceAll("^.*\\.", "");
    String fallback = null;
    for (Task t : tasks) {
      String ref = t.references().get(name);
      if (ref == null) continue;
      if (t.serves(key)) return Optional.of(rebase(ref, actualPackage));
      // A service planned under another name still gets a planned task's handler; handlers written for one eval
      // task's project never stand in for another's operation of the same name.
      if (fallback == null && t.request() != null) fallback = ref;
    }
    return Optional.ofNullable(fallback).map(r -> rebase(r, actualPackage));
  }

  /** The handler packages are {@code <base>.ops}; the support types live under the base. */
  private static String baseOf(String pkg) {
    return pkg.endsWith(".ops") ? pkg.substring(0, pkg.length() - 4) : pkg;
  }

  private static String rebase(String reference, String actualPackage) {
    Matcher m = PACKAGE.matcher(reference);
    if (actualPackage == null || !m.find()) return reference;
    String from = baseOf(m.group(1));
    String to = baseOf(actualPackage);
    return from.equals(to) ? reference : reference.replace(from + ".", to + ".").replace("package " + from + ";",
        "package " + to + ";");
  }

  // ---- fix

  private Reply fix(String user, SplittableRandom rng) {
    Matcher m = EDITABLE.matcher(user);
    List<int[]> spans = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    while (m.find()) {
      paths.add(m.group(1));
      spans.add(new int[] {m.end(), -1});
    }
    // Java never holds a line starting with "=== ": each file runs to the next block or the end.
    for (int[] span : spans) span[1] = nextBlock(user, span[0]);
    ArrayNode files = mapper.createArrayNode();
    List<String> notes = new ArrayList<>();
    for (int i = 0; i < paths.size(); i++) {
      String shown = user.substring(spans.get(i)[0], spans.get(i)[1]);
      String path = paths.get(i);
      Matcher pkg = PACKAGE.matcher(shown);
      String packageName = pkg.find() ? pkg.group(1) : packageFromPath(path);
      Optional<String> reference = reference(path, packageName).or(() -> ownFile(user, path, packageName));
      if (reference.isEmpty()) continue;
      String clean = reference.get();
      String name = path.substring(path.lastIndexOf('/') + 1);
      if (normalise(shown).equals(normalise(clean))) {
        // Nothing of ours is wrong in this file; a model still tends to send it back unchanged.
        files.addObject().put("path", path).put("content", clean);
        continue;
      }
      if (rng.nextDouble() < defects.fixRepairs()) {
        String content = clean;
        String introduced = null;
        if (rng.nextDouble() < defects.fixIntroduces()) {
          Set<Defect> tried = EnumSet.of(Defect.TRUNCATION, Defect.UNASKED_FILE, Defect.OUTSIDE_PATH);
          for (Defect d; (d = defects.draw(Defect.Stage.CODE, rng, tried)) != null; tried.add(d)) {
            String broken = d.breakCode(clean, rng);
            if (broken != null) {
              content = broken;
              introduced = d.wire();
              break;
            }
          }
        }
        files.addObject().put("path", path).put("content", content);
        notes.add("repaired " + name + (introduced == null ? "" : " but introduced " + introduced));
      } else {
        // The fix misses: the file comes back as it was, so the same error returns and the loop guard sees it.
        files.addObject().put("path", path).put("content", stripTruncationMark(shown));
        notes.add("left " + name + " broken");
      }
    }
    if (files.isEmpty()) return unknownCode("none of the files to fix has a reference implementation");
    String note = "coder: fix" + (notes.isEmpty() ? " (nothing of its own to repair)" : ", " + String.join(", ", notes));
    return new Reply(pretty(mapper.createObjectNode().set("files", files)), true, false, note);
  }

  /**
   * {@return the file the coder writes itself for a handler it has no reference of, derived again from what the fix
   * call shows of its operation (line, behaviour, contract slice, the types), so a restarted simulator repairs
   * towards the same file as the one that wrote it; empty when the call shows no operation for the path}
   */
  private Optional<String> ownFile(String user, String path, String packageName) {
    String header = "=== operation of " + path + " (read-only) ===\n";
    int at = user.indexOf(header);
    if (at < 0 || packageName == null) return Optional.empty();
    String operation = user.substring(at + header.length(), nextBlock(user, at + header.length()));
    int types = user.indexOf("=== types you can use");
    String api = types < 0 ? "" : user.substring(types, nextBlock(user, types + 1));
    String asImplement = operation + api + "File to replace, " + path + ":\npackage " + packageName + ";\n";
    Matcher op = OPERATION.matcher(asImplement);
    if (!op.find()) return Optional.empty();
    return Optional.of(writeOwn(asImplement, op, path, packageName));
  }

  private static int nextBlock(String user, int from) {
    int next = user.indexOf("\n=== ", from);
    return next < 0 ? user.length() : next + 1;
  }

  private static String stripTruncationMark(String shown) {
    String s = shown.endsWith("\n") ? shown.substring(0, shown.length() - 1) : shown;
    return s.endsWith("\n// (truncated)") ? s.substring(0, s.length() - "\n// (truncated)".length()) : s;
  }

  private static String packageFromPath(String path) {
    int at = path.indexOf("src/main/java/");
    int slash = path.lastIndexOf('/');
    if (at < 0 || slash < at) return null;
    return path.substring(at + "src/main/java/".length(), slash).replace('/', '.');
  }

  private String pretty(JsonNode node) {
    try {
      return mapper.writer(Responder.modelStyle()).writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a tree we built", e);
    }
  }
}
