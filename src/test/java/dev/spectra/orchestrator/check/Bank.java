package dev.spectra.orchestrator.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of examples/bank-api.yaml, written by hand (no schema library) for the checker's tests: the
 * framework-specific services route HTTP to these methods. Planted defects switch individual rules off.
 */
final class Bank {
  static final String ADMIN_TOKEN = "Bearer bank-admin-token";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CURRENCIES = Set.of("EUR", "USD", "GBP");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}$");
  private static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000");

  /** An answer: a status and a JSON body (null for none). */
  record Reply(int status, JsonNode body) {
    static Reply error(int status, String message) {
      return new Reply(status, JSON.createObjectNode().put("error", message));
    }
  }

  private final Set<Defect> defects;
  private final Map<Long, ObjectNode> accounts = new LinkedHashMap<>();
  private final List<String> audit = new ArrayList<>();
  private long nextId = 1;

  Bank(Set<Defect> defects) {
    this.defects = defects.isEmpty() ? EnumSet.noneOf(Defect.class) : EnumSet.copyOf(defects);
  }

  boolean has(Defect d) {
    return defects.contains(d);
  }

  /** Parses a JSON body, refusing what is not JSON (or not declared as JSON). */
  static JsonNode parse(String contentType, String body) throws BadInput {
    if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
      throw new BadInput("Content-Type must be application/json");
    }
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || n.isMissingNode()) throw new BadInput("a JSON body is required");
      return n;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadInput("the body is not valid JSON", e);
    }
  }

  static final class BadInput extends Exception {
    BadInput(String message) {
      super(message);
    }

    BadInput(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** How a framework turns a refused body into a reply; with the leak defect, the trace goes out. */
  Reply badInput(BadInput e) {
    if (has(Defect.STACK_TRACE_IN_ERRORS) && e.getCause() != null) {
      var trace = new java.io.StringWriter();
      e.getCause().printStackTrace(new java.io.PrintWriter(trace));
      return Reply.error(400, trace.toString());
    }
    return Reply.error(400, e.getMessage());
  }

  synchronized Reply list(Map<String, List<String>> query) {
    String owner = first(query, "owner");
    String limitText = first(query, "limit");
    if (owner != null && owner.isEmpty()) return Reply.error(400, "owner must not be empty");
    int limit = 100;
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        return Reply.error(400, "limit must be a whole number");
      }
      if (limit < 1 || limit > 100) return Reply.error(400, "limit must be between 1 and 100");
    }
    var out = JSON.createArrayNode();
    for (ObjectNode a : accounts.values()) {
      if (out.size() >= limit) break;
      if (owner == null || owner.equals(a.get("owner").asText())) out.add(view(a));
    }
    return new Reply(200, out);
  }

  synchronized Reply open(JsonNode body) {
    if (!body.isObject()) return Reply.error(400, "the body must be an object");
    String problem = ownerProblem(body.get("owner"), true);
    if (problem == null) problem = currencyProblem(body.get("currency"));
    if (problem == null) problem = emailProblem(body.get("email"));
    if (problem != null) return Reply.error(400, problem);
    ObjectNode a = JSON.createObjectNode();
    a.put("id", nextId++);
    a.put("owner", render(body.get("owner").asText()));
    a.put("currency", body.get("currency").asText());
    if (body.has("email")) a.set("email", body.get("email"));
    BigDecimal balance = BigDecimal.ZERO;
    if (has(Defect.CLIENT_SETS_BALANCE) && body.path("balance").isNumber()) balance = body.get("balance").decimalValue();
    a.put("balance", balance);
    a.put("openedAt", Instant.now().toString());
    accounts.put(a.get("id").asLong(), a);
    audit.add("opened " + a.get("id"));
    return new Reply(has(Defect.OPEN_ANSWERS_200) ? 200 : 201, view(a));
  }

  synchronized Reply get(String idText) {
    Long id = id(idText);
    if (id == null) return Reply.error(400, "accountId must be a whole number of at least 1");
    ObjectNode a = accounts.get(id);
    if (a == null) return Reply.error(404, "no account " + id);
    ObjectNode v = view(a);
    if (has(Defect.BALANCE_AS_STRING)) v.put("balance", a.get("balance").decimalValue().toPlainString());
    return new Reply(200, v);
  }

  boolean hangs(String idText) {
    return has(Defect.HANGS_ON_FIRST_ACCOUNT) && "1".equals(idText);
  }

  synchronized Reply update(String idText, JsonNode body) {
    Long id = id(idText);
    if (id == null) return Reply.error(400, "accountId must be a whole number of at least 1");
    if (!body.isObject() || body.isEmpty()) return Reply.error(400, "the body must be an object with owner or email");
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("owner") && !f.equals("email")) return Reply.error(400, "unknown property '" + f + "'");
    }
    String problem = body.has("owner") ? ownerProblem(body.get("owner"), true) : null;
    if (problem == null) problem = emailProblem(body.get("email"));
    if (problem != null) return Reply.error(400, problem);
    ObjectNode a = accounts.get(id);
    if (a == null) return Reply.error(404, "no account " + id);
    if (body.has("owner") && !has(Defect.PATCH_NOT_STORED)) a.put("owner", render(body.get("owner").asText()));
    if (body.has("email")) a.set("email", body.get("email"));
    return new Reply(200, view(a));
  }

  synchronized Reply close(String idText) {
    Long id = id(idText);
    if (id == null) return Reply.error(400, "accountId must be a whole number of at least 1");
    if (!accounts.containsKey(id)) return Reply.error(404, "no account " + id);
    if (!has(Defect.DELETE_KEEPS_ACCOUNT)) accounts.remove(id);
    audit.add("closed " + id);
    return new Reply(204, null);
  }

  synchronized Reply move(String idText, JsonNode body, boolean deposit) {
    if (has(Defect.NOT_IMPLEMENTED_DEPOSIT) && deposit) return Reply.error(501, "not implemented");
    Long id = id(idText);
    if (id == null) return Reply.error(400, "accountId must be a whole number of at least 1");
    if (!body.isObject()) return Reply.error(400, "the body must be an object");
    for (var it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("amount")) return Reply.error(400, "unknown property '" + f + "'");
    }
    JsonNode amountNode = body.get("amount");
    if (amountNode == null || !amountNode.isNumber()) return Reply.error(400, "amount must be a number");
    BigDecimal amount = amountNode.decimalValue();
    if (amount.signum() <= 0 || amount.compareTo(MAX_AMOUNT) > 0) {
      return Reply.error(400, "amount must be more than 0 and at most 1000000");
    }
    if (amount.stripTrailingZeros().scale() > 2) return Reply.error(400, "amount has at most 2 decimals");
    ObjectNode a = accounts.get(id);
    if (a == null) return Reply.error(404, "no account " + id);
    if (deposit && has(Defect.SERVER_ERROR) && amount.compareTo(new BigDecimal("1000")) > 0) {
      throw new IllegalStateException("deposit limit bookkeeping failed");
    }
    BigDecimal balance = a.get("balance").decimalValue();
    BigDecimal next = deposit ? balance.add(amount) : balance.subtract(amount);
    if (next.signum() < 0 && !has(Defect.OVERDRAFT_ALLOWED)) {
      return Reply.error(422, "the balance would become negative");
    }
    a.put("balance", next);
    audit.add((deposit ? "deposit " : "withdrawal ") + amount.toPlainString() + " on " + id);
    return new Reply(200, view(a));
  }

  synchronized Reply audit(String authorization) {
    boolean allowed = ADMIN_TOKEN.equals(authorization) || has(Defect.AUDIT_WITHOUT_AUTH);
    if (!allowed) {
      if (has(Defect.ECHOES_AUTHORIZATION) && authorization != null) {
        return Reply.error(401, "not a valid credential: " + authorization);
      }
      return Reply.error(401, "a bearer token is required");
    }
    ObjectNode out = JSON.createObjectNode();
    var entries = out.putArray("entries");
    audit.forEach(entries::add);
    return new Reply(200, out);
  }

  private String render(String owner) {
    // The toy template engine of the TEMPLATE_EVALUATED defect: {{7*7}} and ${7*7} become 49.
    if (!has(Defect.TEMPLATE_EVALUATED)) return owner;
    return owner.replace("{{7*7}}", "49").replace("${7*7}", "49");
  }

  private static ObjectNode view(ObjectNode a) {
    return a.deepCopy();
  }

  private static Long id(String text) {
    try {
      long id = Long.parseLong(text);
      return id >= 1 ? id : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String ownerProblem(JsonNode owner, boolean required) {
    if (owner == null) return required ? "owner is required" : null;
    if (!owner.isTextual()) return "owner must be a string";
    int n = owner.asText().codePointCount(0, owner.asText().length());
    return n < 1 || n > 60 ? "owner must have 1 to 60 characters" : null;
  }

  private String currencyProblem(JsonNode currency) {
    if (currency == null) return "currency is required";
    if (!currency.isTextual()) return "currency must be a string";
    if (!has(Defect.ACCEPTS_ANY_CURRENCY) && !CURRENCIES.contains(currency.asText())) {
      return "currency must be one of " + CURRENCIES;
    }
    return null;
  }

  private static String emailProblem(JsonNode email) {
    if (email == null || email.isNull()) return null;
    if (!email.isTextual() || !EMAIL.matcher(email.asText()).matches()) return "email must be an email address";
    return null;
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> v = query.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
