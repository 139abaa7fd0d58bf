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
import java.util.List;
import java.util.Map;

public final class BorrowBookHandler implements Handler {
  static final int MAX_LOANS = 3;
  static final int LOAN_DAYS = 14;
  private final Stores stores;

  public BorrowBookHandler(Stores stores) {
    this.stores = stores;
  }

  @Override
  public void handle(Context ctx) throws Exception {
    String bookId = ctx.pathParam("id");
    if (stores.books().find(bookId).isEmpty()) throw ApiError.notFound("no book " + bookId);
    JsonNode body = Json.MAPPER.readTree(ctx.body().isBlank() ? "{}" : ctx.body());
    if (!body.path("memberId").canConvertToLong()) throw ApiError.badRequest("memberId is required", List.of());
    String memberId = body.path("memberId").asText();
    if (stores.members().find(memberId).isEmpty()) throw ApiError.notFound("no member " + memberId);
    List<ObjectNode> open = stores.loans().list(Map.of(), 0, Integer.MAX_VALUE).stream()
        .filter(l -> !l.hasNonNull("returnedOn")).toList();
    if (open.stream().anyMatch(l -> l.path("bookId").asText().equals(bookId))) {
      throw new ApiError(409, "conflict", "book " + bookId + " is on loan", List.of());
    }
    if (open.stream().filter(l -> l.path("memberId").asText().equals(memberId)).count() >= MAX_LOANS) {
      throw new ApiError(409, "conflict", "member " + memberId + " already holds " + MAX_LOANS + " loans", List.of());
    }
    LocalDate on = body.hasNonNull("borrowedOn") ? LocalDate.parse(body.get("borrowedOn").asText()) : LocalDate.now();
    ObjectNode loan = Json.MAPPER.createObjectNode().put("memberId", Long.parseLong(memberId))
        .put("bookId", Long.parseLong(bookId)).put("borrowedOn", on.toString())
        .put("dueOn", on.plusDays(LOAN_DAYS).toString());
    Http.json(ctx, 201, stores.loans().create(loan));
  }
}
