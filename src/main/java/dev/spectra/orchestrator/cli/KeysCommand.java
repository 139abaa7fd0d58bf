package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.gateway.ApiKeys;
import dev.spectra.orchestrator.model.Money;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code orchestrator keys create|list|revoke}: the gateway's own API keys (never provider keys). */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = "Manage gateway API keys (required when serve binds beyond loopback).",
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class})
public final class KeysCommand implements java.util.concurrent.Callable<Integer> {
  private final Io io;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--keys-file", paramLabel = "FILE", scope = picocli.CommandLine.ScopeType.INHERIT,
      description = "Keys file (default: $ORCHESTRATOR_GATEWAY_KEYS, else ~/.config/orchestrator/gateway-keys.json).")
  Path keysFile;

  public KeysCommand(Io io) {
    this.io = io;
  }

  /** Without a subcommand: the usage and exit 2, or the subcommands as JSON. */
  @Override public Integer call() {
    return Main.parentWithoutSubcommand(spec);
  }

  ApiKeys open() {
    Path file = keysFile != null ? io.cwd().resolve(keysFile) : Dirs.gatewayKeysFile(io.env());
    try {
      return ApiKeys.open(file);
    } catch (UncheckedIOException e) {
      throw new ExitException(ExitCodes.FAILED, e.getMessage());
    } catch (RuntimeException e) {
      throw new ExitException(ExitCodes.USAGE, "cannot read keys file " + file + " (" + e.getMessage()
          + "); fix or move it, then retry");
    }
  }

  private static ObjectNode json(ObjectMapper m, ApiKeys.KeyInfo k) {
    ObjectNode o = m.createObjectNode();
    o.put("id", k.id());
    o.put("name", k.name());
    o.put("created", k.created().toString());
    if (k.budget() == null) o.putNull("budget_usd"); else o.put("budget_usd", k.budget().usd().toPlainString());
    o.put("spent_usd", k.spent().usd().toPlainString());
    if (k.rateLimitRpm() == null) o.putNull("rate_limit_rpm"); else o.put("rate_limit_rpm", k.rateLimitRpm());
    o.put("active", k.active());
    if (k.revoked() == null) o.putNull("revoked"); else o.put("revoked", k.revoked().toString());
    return o;
  }

  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create a key and print it once: it is stored only as a salted hash.")
  static final class Create implements Runnable {
    @picocli.CommandLine.ParentCommand KeysCommand parent;

    @Option(names = "--name", paramLabel = "NAME", description = "A label for the key (who or what uses it).")
    String name;

    @Option(names = "--budget", paramLabel = "USD", description = "Spending limit in US dollars for calls made with this key.")
    BigDecimal budget;

    @Option(names = "--rate-limit", paramLabel = "RPM", description = "Requests per minute allowed for this key.")
    Integer rateLimit;

    @Option(names = "--json", description = "Print JSON (includes the key, once).")
    boolean json;

    @Override public void run() {
      if (budget != null && budget.signum() < 0) throw ExitException.usage("--budget must be >= 0, got " + budget);
      if (rateLimit != null && rateLimit <= 0) throw ExitException.usage("--rate-limit must be > 0, got " + rateLimit);
      ApiKeys keys = parent.open();
      ApiKeys.Created c;
      try {
        c = keys.create(name, budget == null ? null : new Money(budget), rateLimit);
      } catch (UncheckedIOException e) {
        throw new ExitException(ExitCodes.FAILED, e.getMessage());
      }
      var out = parent.io.out();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = json(m, c.info());
        o.put("key", c.secret());
        o.put("file", keys.file().toString());
        out.println(o.toString());
      } else {
        out.println("Created key " + c.info().id() + " (" + c.info().name() + ") in " + keys.file());
        out.println();
        out.println("  " + c.secret());
        out.println();
        out.println("Store it now: it is not shown again. Clients send it as 'Authorization: Bearer <key>'.");
      }
      out.flush();
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys (never the secrets).")
  static final class ListKeys implements Runnable {
    @picocli.CommandLine.ParentCommand KeysCommand parent;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override public void run() {
      ApiKeys keys = parent.open();
      List<ApiKeys.KeyInfo> all = keys.list();
      var out = parent.io.out();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ArrayNode arr = m.createArrayNode();
        for (ApiKeys.KeyInfo k : all) arr.add(json(m, k));
        out.println(arr.toString());
      } else if (all.isEmpty()) {
        out.println("No gateway keys in " + keys.file() + ". Create one: orchestrator keys create --name NAME");
      } else {
        out.printf("%-12s %-20s %-22s %-12s %-12s %-8s %s%n", "ID", "NAME", "CREATED", "BUDGET", "SPENT", "RPM", "STATUS");
        for (ApiKeys.KeyInfo k : all) {
          out.printf("%-12s %-20s %-22s %-12s %-12s %-8s %s%n", k.id(), k.name(), k.created(),
              k.budget() == null ? "-" : k.budget().toString(), k.spent().toString(),
              k.rateLimitRpm() == null ? "-" : k.rateLimitRpm().toString(),
              k.active() ? "active" : "revoked " + k.revoked());
        }
      }
      out.flush();
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; running gateways refuse it at once.")
  static final class Revoke implements Runnable {
    @picocli.CommandLine.ParentCommand KeysCommand parent;

    @Parameters(paramLabel = "ID", description = "The key id shown by 'keys list'.")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override public void run() {
      ApiKeys keys = parent.open();
      boolean found;
      try {
        found = keys.revoke(id);
      } catch (UncheckedIOException e) {
        throw new ExitException(ExitCodes.FAILED, e.getMessage());
      }
      if (!found) throw ExitException.usage("no gateway key with id '" + id + "'; 'orchestrator keys list' shows the ids");
      var out = parent.io.out();
      if (json) {
        out.println("{\"id\":\"" + id + "\",\"revoked\":true}");
      } else {
        out.println("Revoked key " + id + ".");
      }
      out.flush();
    }
  }
}
