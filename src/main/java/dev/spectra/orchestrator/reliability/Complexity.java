package dev.spectra.orchestrator.reliability;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Features of a request that predict how hard it is, for the {@code hybrid} policy. Cheap, deterministic
 * heuristics over the prompt text, documented in docs/routing-budgets-ledger.md:
 *
 * <ul>
 *   <li>tokens: characters / 4;
 *   <li>entities: distinct PascalCase identifiers ({@code Order}, {@code UserAccount}) not at the start of a
 *       sentence, plus the items of an {@code entities:}/{@code resources:}/{@code models:} list;
 *   <li>operations: CRUD and HTTP verbs ({@code create}, {@code list}, {@code update}, {@code delete}, {@code GET},
 *       {@code POST}, {@code search}, {@code export}, ...);
 *   <li>rules: constraint words ({@code must}, {@code unique}, {@code unless}, {@code at least}, {@code validate},
 *       ...).
 * </ul>
 */
record Complexity(int tokens, int entities, int operations, int rules) {
  private static final Pattern PASCAL = Pattern.compile("\\b([A-Z][a-z]+(?:[A-Z][a-z]+)*)\\b");
  private static final Pattern ENTITY_LIST =
      Pattern.compile("(?i)\\b(?:entities|resources|models|tables)\\s*[:=]\\s*([^\\n.;]+)");
  private static final Pattern OPERATION = Pattern.compile("(?i)\\b(create|creates|read|update|updates|delete|"
      + "deletes|remove|list|lists|get|post|put|patch|search|filter|sort|paginate|export|import|upload|download|"
      + "login|register|approve|cancel|assign)\\b");
  private static final Pattern RULE = Pattern.compile("(?i)\\b(must|should|only|unless|unique|required|validate|"
      + "validates|cannot|never|always|at least|at most|no more than|before|after|must not|forbidden|limit)\\b");
  /** Capitalised words that start requests and name no entity. */
  private static final Set<String> NOT_ENTITIES = Set.of("Build", "Create", "Make", "Write", "The", "A", "An",
      "Each", "Every", "Users", "It", "With", "Return", "Use", "Add", "Json", "Http", "Api", "Rest");

  static Complexity of(String text) {
    Set<String> entities = new HashSet<>();
    Matcher m = PASCAL.matcher(text);
    while (m.find()) {
      if (startsSentence(text, m.start()) || NOT_ENTITIES.contains(m.group(1))) continue;
      entities.add(m.group(1).toLowerCase(Locale.ROOT));
    }
    Matcher list = ENTITY_LIST.matcher(text);
    while (list.find()) {
      for (String item : list.group(1).split(",|\\band\\b")) {
        String name = item.strip().toLowerCase(Locale.ROOT);
        if (!name.isEmpty()) entities.add(name.endsWith("s") ? name.substring(0, name.length() - 1) : name);
      }
    }
    return new Complexity(text.length() / 4, entities.size(), count(OPERATION, text), count(RULE, text));
  }

  boolean simple(CascadeSettings.Hybrid limits) {
    return tokens <= limits.maxSimpleTokens() && entities <= limits.maxSimpleEntities()
        && operations <= limits.maxSimpleOperations() && rules <= limits.maxSimpleRules();
  }

  /** A capital after a full stop (or at the very start) is grammar, not a name. */
  private static boolean startsSentence(String text, int at) {
    int i = at - 1;
    while (i >= 0 && Character.isWhitespace(text.charAt(i))) i--;
    return i < 0 || ".!?:\n".indexOf(text.charAt(i)) >= 0 || text.charAt(i) == '-' || text.charAt(i) == '*';
  }

  private static int count(Pattern p, String text) {
    Matcher m = p.matcher(text);
    int n = 0;
    while (m.find()) n++;
    return n;
  }
}
