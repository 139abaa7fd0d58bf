package com.example.libraryloans.ops;

import com.example.libraryloans.Stores;
import com.example.libraryloans.support.ApiError;
import com.example.libraryloans.support.Http;
import com.example.libraryloans.support.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.util.Map;

public final class MemberFinesHandler implements Handler {
  private final Stores stores;

  public MemberFinesHandler(Stores stores) {
    this.stores = stores;
  }

  @Override
  public void handle(Context ctx) {
    String id = ctx.pathParam("id");
    if (stores.members().find(id).isEmpty()) throw ApiError.notFound("no member " + id);
    ArrayNode loans = Json.MAPPER.createArrayNode();
    double total = 0;
    for (ObjectNode loan : stores.loans().list(Map.of("memberId", id), 0, Integer.MAX_VALUE)) {
      if (loan.path("fine").asDouble() > 0) {
        loans.add(loan);
        total += loan.path("fine").asDouble();
      }
    }
    ObjectNode out = Json.MAPPER.createObjectNode().put("memberId", Long.parseLong(id)).put("total", total);
    out.set("loans", loans);
    Http.json(ctx, 200, out);
  }
}
