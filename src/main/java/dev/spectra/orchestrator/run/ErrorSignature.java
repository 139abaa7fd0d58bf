package dev.spectra.orchestrator.run;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * A stable fingerprint of a failed verification, so the fix loop can tell "the same error came back" from
 * "a different error": line numbers, numbers and ordering are ignored (a fix that moves code around but leaves
 * the same error is still the same error).
 */
record ErrorSignature(String value) {

  static ErrorSignature of(List<Verification.Problem> problems) {
    TreeSet<String> parts = new TreeSet<>();
    for (Verification.Problem p : problems) parts.add(p.signature());
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(String.join("\n", parts).getBytes(StandardCharsets.UTF_8));
      return new ErrorSignature(HexFormat.of().formatHex(digest, 0, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
