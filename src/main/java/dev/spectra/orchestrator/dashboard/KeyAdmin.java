package dev.spectra.orchestrator.dashboard;

import dev.spectra.orchestrator.ledger.GatewayKeys;
import dev.spectra.orchestrator.model.Money;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.math.BigDecimal;

/**
 * The keys page (admin only): create a key with a budget and a rate limit (its secret is shown once, on the page
 * that answers the form), change limits, revoke. Revoked keys leave the list and stop working on their next request.
 */
final class KeyAdmin {
  private final GatewayKeys keys;
  private final Pages pages;

  KeyAdmin(GatewayKeys keys, Pages pages) {
    this.keys = keys;
    this.pages = pages;
  }

  void page(Context ctx, Access.Viewer viewer, GatewayKeys.Created created) {
    boolean showRevoked = "1".equals(ctx.queryParam("revoked"));
    Html h = pages.open("Keys", "keys", viewer);
    if (created != null) {
      h.raw("<section class=\"card created\" role=\"status\"><h2>Key created: ").text(created.info().name())
          .raw("</h2><p>Copy it now; it is not stored and cannot be shown again.</p><p><code id=\"new-key\">")
          .text(created.secret()).raw("</code></p></section>");
    }
    h.raw("<div class=\"scroll\"><table class=\"keys\"><thead><tr><th scope=\"col\">Id</th><th scope=\"col\">Name</th>")
        .raw("<th scope=\"col\">Created</th><th scope=\"col\">Role</th><th scope=\"col\" class=\"n\">Spent</th>")
        .raw("<th scope=\"col\">Budget (USD) and rate limit (requests a minute)</th><th scope=\"col\">State</th>")
        .raw("</tr></thead><tbody>");
    int listed = 0;
    for (GatewayKeys.KeyInfo k : keys.list()) {
      if (!k.active() && !showRevoked) continue;
      listed++;
      h.raw("<tr data-key=\"").text(k.id()).raw("\">").td(k.id()).td(k.name()).raw("<td>").time(k.created())
          .raw("</td>").td(k.admin() ? "admin" : "read").num(Html.usd(k.spent())).raw("<td>");
      if (k.active()) {
        h.raw("<form method=\"post\" action=\"/ui/keys/").text(k.id()).raw("/limits\" class=\"inline\">");
        Pages.hidden(h, viewer);
        h.raw("<label class=\"sr\" for=\"b-").text(k.id()).raw("\">Budget of ").text(k.name()).raw("</label>")
            .raw("<input id=\"b-").text(k.id()).raw("\" name=\"budget\" inputmode=\"decimal\" size=\"8\" "
                + "placeholder=\"none\" value=\"").text(k.budget() == null ? "" : k.budget().usd().toPlainString())
            .raw("\"> <label class=\"sr\" for=\"r-").text(k.id()).raw("\">Rate limit of ").text(k.name())
            .raw("</label><input id=\"r-").text(k.id()).raw("\" name=\"rate\" inputmode=\"numeric\" size=\"5\" "
                + "placeholder=\"none\" value=\"").text(k.rateLimitRpm() == null ? "" : k.rateLimitRpm())
            .raw("\"> <button type=\"submit\">Save</button></form>");
      } else {
        h.text((k.budget() == null ? "no budget" : Html.usd(k.budget())) + ", "
            + (k.rateLimitRpm() == null ? "no rate limit" : k.rateLimitRpm() + "/min"));
      }
      h.raw("</td><td>");
      if (k.active()) {
        h.raw("<form method=\"post\" action=\"/ui/keys/").text(k.id()).raw("/revoke\" class=\"inline\" "
            + "data-confirm=\"Revoke this key? Clients using it are refused from their next request.\">");
        Pages.hidden(h, viewer);
        h.raw("<button type=\"submit\" class=\"danger\" aria-label=\"Revoke ").text(k.name())
            .raw("\">Revoke</button></form>");
      } else {
        h.text("revoked ").time(k.revoked());
      }
      h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div>");
    if (listed == 0) h.raw("<p>No active keys.</p>");
    h.raw("<p><a href=\"/ui/keys").raw(showRevoked ? "\">Hide revoked keys" : "?revoked=1\">Show revoked keys")
        .raw("</a></p>");
    h.raw("<section class=\"card\"><h2>Create a key</h2><form method=\"post\" action=\"/ui/keys\" class=\"stack\">");
    Pages.hidden(h, viewer);
    h.raw("<label>Name <input name=\"name\" required maxlength=\"200\"></label>")
        .raw("<label>Budget in USD (empty: none) <input name=\"budget\" inputmode=\"decimal\"></label>")
        .raw("<label>Rate limit, requests a minute (empty: none) <input name=\"rate\" inputmode=\"numeric\"></label>")
        .raw("<label class=\"check\"><input type=\"checkbox\" name=\"admin\" value=\"1\"> Admin: may manage keys"
            + "</label><button type=\"submit\">Create key</button></form></section>");
    pages.close(ctx, h);
  }

  void create(Context ctx, Access.Viewer viewer) {
    String name = ctx.formParam("name");
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("a key needs a name of 1 to 200 characters");
    }
    GatewayKeys.Created created = keys.create(name.strip(), budget(ctx.formParam("budget")), rate(ctx.formParam("rate")),
        "1".equals(ctx.formParam("admin")));
    // The secret is on this one answer only: not in a redirect URL, never stored.
    ctx.status(HttpStatus.CREATED);
    page(ctx, viewer, created);
  }

  void revoke(Context ctx, Access.Viewer viewer) {
    if (!keys.revoke(ctx.pathParam("id"))) throw new IllegalArgumentException("no key has id " + ctx.pathParam("id"));
    ctx.redirect("/ui/keys", HttpStatus.SEE_OTHER);
  }

  void limits(Context ctx, Access.Viewer viewer) {
    if (!keys.updateLimits(ctx.pathParam("id"), budget(ctx.formParam("budget")), rate(ctx.formParam("rate")))) {
      throw new IllegalArgumentException("no key has id " + ctx.pathParam("id"));
    }
    ctx.redirect("/ui/keys", HttpStatus.SEE_OTHER);
  }

  private static Money budget(String text) {
    if (text == null || text.isBlank()) return null;
    try {
      BigDecimal v = new BigDecimal(text.strip().replaceFirst("^\\$", ""));
      if (v.signum() < 0) throw new NumberFormatException();
      return new Money(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("budget must be an amount in US dollars like 25 or 2.50, got '" + text + "'");
    }
  }

  private static Integer rate(String text) {
    if (text == null || text.isBlank()) return null;
    try {
      int v = Integer.parseInt(text.strip());
      if (v <= 0) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("rate limit must be a whole number of requests a minute above 0, got '"
          + text + "'");
    }
  }
}
