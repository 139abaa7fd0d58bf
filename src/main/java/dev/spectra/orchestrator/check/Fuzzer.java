package dev.spectra.orchestrator.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Contract fuzzing: for each operation, up to N requests generated from its schemas, about half valid and half
 * invalid (one defect each), plus malformed JSON, a wrong content type and an oversized body. Seeded: the same
 * seed against the same service sends the same requests.
 */
final class Fuzzer {
  /** Oversized means past what any sane limit would allow, yet small enough not to slow the check down. */
  private static final int OVERSIZED_BYTES = 2 * 1024 * 1024;

  private final Session s;

  Fuzzer(Session session) {
    this.s = session;
  }

  void run(int perOperation) {
    List<Operation> ops = ordered(s.contract.operations());
    int done = 0;
    for (Operation op : ops) {
      s.listener.progress("fuzz", done++, ops.size());
      fuzz(op, perOperation);
    }
    s.listener.progress("fuzz", ops.size(), ops.size());
  }

  /** Creates first (they fill the pools), deletes last (they empty them). */
  static List<Operation> ordered(List<Operation> ops) {
    List<Operation> out = new ArrayList<>(ops);
    out.sort(Comparator.comparingInt(Fuzzer::rank));
    return out;
  }

  private static int rank(Operation op) {
    boolean item = op.path().endsWith("}");
    return switch (op.method()) {
      case "POST" -> item || op.path().contains("{") ? 3 : 0;
      case "GET", "HEAD", "OPTIONS" -> 1;
      case "PUT", "PATCH" -> 2;
      case "DELETE" -> 5;
      default -> 4;
    };
  }

  private void fuzz(Operation op, int n) {
    Random random = s.random("fuzz", op);
    int valid = 0;
    int sent = 0;
    List<Mutator.Mutation> pending = new ArrayList<>();
    boolean rawDone = op.body().isEmpty();
    while (sent < n) {
      Optional<RequestParts> parts = s.factory.valid(op, random);
      if (parts.isEmpty()) {
        s.note(op.label() + ": no valid request could be generated from its schemas; it was not fuzzed");
        return;
      }
      boolean invalidTurn = valid > sent / 2;
      if (invalidTurn && pending.isEmpty()) {
        // A fresh valid request each round, so the defects are planted in different values.
        pending.addAll(s.mutator.mutations(op, parts.get()));
        java.util.Collections.shuffle(pending, random);
      }
      if (invalidTurn && !rawDone && (pending.isEmpty() || random.nextInt(4) == 0)) {
        sent += raw(op, parts.get(), n - sent);
        rawDone = true;
        continue;
      }
      if (invalidTurn && !pending.isEmpty()) {
        Mutator.Mutation m = pending.remove(pending.size() - 1);
        s.send(op, m.parts(), Judge.Intent.INVALID, m.description());
        sent++;
        continue;
      }
      s.send(op, parts.get(), Judge.Intent.VALID, "");
      valid++;
      sent++;
    }
  }

  /** Requests that no schema describes: malformed JSON, a wrong content type, an oversized body. */
  private int raw(Operation op, RequestParts valid, int budget) {
    if (op.body().isEmpty() || budget <= 0) return 0;
    Call base = s.call(op, valid);
    int sent = 0;
    byte[] malformed = "{\"spectra\": [1, 2,".getBytes(StandardCharsets.UTF_8);
    s.send(op, base.withBody(malformed, op.body().get().mediaType()), Judge.Intent.INVALID, "malformed JSON body");
    sent++;
    if (sent < budget && valid.body() != null) {
      s.send(op, base.withBody(valid.body().toString().getBytes(StandardCharsets.UTF_8), "text/plain"),
          Judge.Intent.PROBE, "body sent as text/plain");
      sent++;
    }
    if (sent < budget) {
      byte[] big = ("{\"spectraPadding\": \"" + "x".repeat(OVERSIZED_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
      s.send(op, base.withBody(big, op.body().get().mediaType()), Judge.Intent.PROBE, "oversized body");
      sent++;
    }
    return sent;
  }
}
