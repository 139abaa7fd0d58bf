package dev.spectra.orchestrator.structured;

import java.util.Objects;

/**
 * A change of type that the schema made unambiguous: {@code "1"} where the schema says integer, a string holding
 * JSON where it says object, a single value where it says array.
 *
 * @param pointer JSON pointer of the value changed ({@code ""} for the root)
 * @param kind {@code number-from-string}, {@code boolean-from-string}, {@code json-from-string} or
 *     {@code wrapped-in-array}
 */
public record Coercion(String pointer, String kind) {
  public Coercion {
    Objects.requireNonNull(pointer, "pointer");
    Objects.requireNonNull(kind, "kind");
  }

  @Override public String toString() {
    return (pointer.isEmpty() ? "/" : pointer) + ": " + kind;
  }
}
