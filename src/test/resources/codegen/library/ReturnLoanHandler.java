package com.example.libraryloans.ops;

import com.example.libraryloans.Stores;
import com.example.libraryloans.support.ApiError;
import com.example.libraryloans.support.Http;
import com.example.libraryloans.support.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.List;

public final class ReturnLoanHandler implements Handler {
  static final double FINE_PER_DAY = 0.25;
  private final Stores stores;

  public ReturnLoanHandler(Stores stores) {
    this.stores = stores;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    String id = ctx.pathParam("id");
    ObjectNode loan = stores.loans().find(id).orElseThrow(() -> ApiError.notFound("no loan " + id));
    if (loan.hasNonNull("returnedOn")) throw new ApiError(409, "conflict", "loan " + id + " is already returned", List.of());
    JsonNode body = Json.MAPPER.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
    LocalDate on = body.hasNonNull("returnedOn") ? LocalDate.parse(body.get("returnedOn").asText()) : LocalDate.now();
    long late = Math.max(0, ChronoUnit.DAYS.between(LocalDate.parse(loan.get("dueOn").asText()), on));
    loan.put("returnedOn", on.toString()).put("fine", late * FINE_PER_DAY);
    Http.json(ctx, 200, stores.loans().replace(id, loan).orElseThrow());
  }
}
