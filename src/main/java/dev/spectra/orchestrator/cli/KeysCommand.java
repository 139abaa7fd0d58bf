package dev.spectra.orchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spectra.orchestrator.app.Dirs;
import dev.spectra.orchestrator.app.Ledgers;
import dev.spectra.orchestrator.config.Config;
import dev.spectra.orchestrator.config.Overrides;
import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.ledger.LedgerException;
import java.time.Clock;
import dev.spectra.orchestrator.model.Money;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code orchestrator keys create|list|revoke|import}: the gateway's own API keys (never provider keys), in the ledger
 * database so that every gateway replica on it sees the same keys and spend.
 */
@Command(name = "keys", mixinStandardHelpOptions = true,
    description = {"Manage gateway API keys (required when serve binds beyond loopback).",
        "Keys live in the ledger database (ORCHESTRATOR_DB_URL): every serve process on it sees a change at once."},
    subcommands = {KeysCommand.Create.class, KeysCommand.ListKeys.class, KeysCommand.Revoke.class,
        KeysCommand.Import.class})
public final class KeysCommand implements java.util.concurrent.Callable<Integer> {
  private final Io io;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  public KeysCommand(Io io) {
    this.io = io;
  }

  /** Without a subcommand: the usage and exit 2, or the subcommands as JSON. */
  @Override public Integer call() {
    return Main.parentWithoutSubcommand(spec);
  }

  /** Runs {@code action} on the keys of the configured ledger database, closing it after. */
  <T> T withKeys(java.util.function.Function<GatewayKeys, T> action) {
    Config config = ModelFailures.loadConfig(io, Overrides.NONE);
    try (Ledgers.Handle h = Ledgers.open(config, io.env(), io.err())) {
      return action.apply(new GatewayKeys(h.ledger().database(), Clock.systemUTC()));
    } catch (LedgerException e) {
      throw new ExitException(ExitCodes.FAILED, e.getMessage());
    }
  }

  private static ObjectNode json(ObjectMapper m, GatewayKeys.KeyInfo k) {
    ObjectNode o = m.createObjectNode();
    o.put("id", k.id());
    o.put("name", k.name());
    o.put("created", k.created().toString());
    if (k.budget() == null) o.putNull("budget_usd"); else o.put("budget_usd", k.budget().usd().toPlainString());
    o.put("spent_usd", k.spent().usd().toPlainString());
    o.put("held_usd", k.held().usd().toPlainString());
    if (k.rateLimitRpm() == null) o.putNull("rate_limit_rpm"); else o.put("rate_limit_rpm", k.rateLimitRpm());
    o.put("admin", k.admin());
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

    @Option(names = "--admin", description = "The key may also create and revoke keys in the dashboard (/ui/keys).")
    boolean admin;

    @Option(names = "--json", description = "Print JSON (includes the key, once).")
    boolean json;

    @Override public void run() {
      if (budget != null && budget.signum() < 0) throw ExitException.usage("--budget must be >= 0, got " + budget);
      if (rateLimit != null && rateLimit <= 0) throw ExitException.usage("--rate-limit must be > 0, got " + rateLimit);
      String[] where = new String[1];
      GatewayKeys.Created c = parent.withKeys(keys -> {
        where[0] = keys.location();
        return keys.create(name, budget == null ? null : new Money(budget), rateLimit, admin);
      });
      var out = parent.io.out();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode o = json(m, c.info());
        o.put("key", c.secret());
        o.put("database", where[0]);
        out.println(o.toString());
      } else {
        out.println("Created key " + c.info().id() + " (" + c.info().name() + ") in " + where[0]);
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
      String[] where = new String[1];
      List<GatewayKeys.KeyInfo> all = parent.withKeys(keys -> {
        where[0] = keys.location();
        return keys.list();
      });
      var out = parent.io.out();
      if (json) {
        ObjectMapper m = new ObjectMapper();
        ArrayNode arr = m.createArrayNode();
        for (GatewayKeys.KeyInfo k : all) arr.add(json(m, k));
        out.println(arr.toString());
      } else if (all.isEmpty()) {
        out.println("No gateway keys in " + where[0] + ". Create one: orchestrator keys create --name NAME");
      } else {
        out.printf("%-12s %-20s %-22s %-12s %-12s %-8s %s%n", "ID", "NAME", "CREATED", "BUDGET", "SPENT", "RPM", "STATUS");
        for (GatewayKeys.KeyInfo k : all) {
          out.printf("%-12s %-20s %-22s %-12s %-12s %-8s %s%n", k.id(), k.name(), k.created(),
              k.budget() == null ? "-" : k.budget().toString(), k.spent().toString(),
              k.rateLimitRpm() == null ? "-" : k.rateLimitRpm().toString(),
              k.active() ? "active" : "revoked " + k.revoked());
        }
      }
      out.flush();
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revoke a key; every running gateway on the database refuses it from its next request.")
  static final class Revoke implements Runnable {
    @picocli.CommandLine.ParentCommand KeysCommand parent;

    @Parameters(paramLabel = "ID", description = "The key id shown by 'keys list'.")
    String id;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override public void run() {
      boolean found = parent.withKeys(keys -> keys.revoke(id));
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

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Copy keys (hashes, budgets, spend, revocations) from a gateway-keys.json file of an earlier version.")
  static final class Import implements Runnable {
    @picocli.CommandLine.ParentCommand KeysCommand parent;

    @Parameters(paramLabel = "FILE", arity = "0..1",
        description = "The old keys file (default: $ORCHESTRATOR_GATEWAY_KEYS, else ~/.config/orchestrator/gateway-keys.json).")
    Path file;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    @Override public void run() {
      Path f = file != null ? parent.io.cwd().resolve(file) : Dirs.gatewayKeysFile(parent.io.env());
      if (!java.nio.file.Files.isRegularFile(f)) throw ExitException.usage("keys file " + f + " does not exist");
      GatewayKeys.ImportResult r;
      try {
        r = parent.withKeys(keys -> keys.importFile(f));
      } catch (IllegalArgumentException e) {
        throw ExitException.usage("cannot import " + f + ": " + e.getMessage());
      }
      var out = parent.io.out();
      if (json) {
        out.println("{\"imported\":" + r.imported() + ",\"skipped_existing\":" + r.skipped() + "}");
      } else {
        out.println("Imported " + r.imported() + " key(s) from " + f + (r.skipped() == 0 ? ""
            : "; " + r.skipped() + " already in the database were left unchanged") + ".");
      }
      out.flush();
    }
  }
}
