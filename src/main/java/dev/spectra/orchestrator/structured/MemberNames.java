package dev.spectra.orchestrator.structured;

/**
 * Member names already read, so that the names every reply repeats ({@code "id"}, {@code "name"}, the schema's
 * properties) are one {@code String} each, with its hash computed once, instead of a copy per member.
 *
 * <p>Shared by the threads that use one {@link StrictJson}, without locks: a slot holds an immutable
 * {@code String} (safely published through its final fields), so a racing reader sees either an older name, which
 * it compares and rejects, or the newer one. A collision only replaces a slot; the table never grows.
 */
final class MemberNames {
  private static final int SLOTS = 4096;
  /** Longer names are rare and would crowd out the common ones. */
  private static final int MAX_LENGTH = 64;

  private final String[] slots = new String[SLOTS];

  /**
   * {@return the name {@code s[start, end)}, whose {@link String#hashCode()} is {@code hash}}
   */
  String name(String s, int start, int end, int hash) {
    int n = end - start;
    if (n > MAX_LENGTH) return s.substring(start, end);
    int slot = (hash ^ (hash >>> 12)) & (SLOTS - 1);
    String known = slots[slot];
    if (known != null && known.length() == n && known.hashCode() == hash && s.regionMatches(start, known, 0, n)) {
      return known;
    }
    String name = s.substring(start, end);
    slots[slot] = name;
    return name;
  }
}
