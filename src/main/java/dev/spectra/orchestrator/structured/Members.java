package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The members of a small JSON object, in order, in two arrays: what {@link TreeReader} gives an {@code ObjectNode}
 * instead of a {@code LinkedHashMap}, whose table and one entry per member cost several times more to build for the
 * few members most objects have. A complete, modifiable {@link java.util.Map}: lookups scan the names (objects with
 * many members get a {@code LinkedHashMap}), order is insertion order, and {@code equals}/{@code hashCode} are the
 * {@code Map} contract's, so trees compare equal whichever map they hold.
 */
final class Members extends AbstractMap<String, JsonNode> {
  /** Up to this many members, a scan of the names is as fast as hashing. */
  static final int MAX = 12;

  private String[] names;
  private JsonNode[] values;
  private int size;
  private int modCount;

  /** Takes the arrays as they are (the caller made them for this map): {@code size} members, in order. */
  Members(String[] names, JsonNode[] values, int size) {
    this.names = names;
    this.values = values;
    this.size = size;
  }

  private int indexOf(Object name) {
    if (name == null) return -1;
    for (int i = 0; i < size; i++) if (names[i].equals(name)) return i;
    return -1;
  }

  @Override public int size() {
    return size;
  }

  @Override public boolean containsKey(Object name) {
    return indexOf(name) >= 0;
  }

  @Override public JsonNode get(Object name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  @Override public JsonNode put(String name, JsonNode value) {
    Objects.requireNonNull(name, "name");
    int i = indexOf(name);
    if (i >= 0) {
      JsonNode old = values[i];
      values[i] = value;
      return old;
    }
    if (size == names.length) {
      int n = Math.max(4, size * 2);
      names = Arrays.copyOf(names, n);
      values = Arrays.copyOf(values, n);
    }
    names[size] = name;
    values[size] = value;
    size++;
    modCount++;
    return null;
  }

  @Override public JsonNode remove(Object name) {
    int i = indexOf(name);
    if (i < 0) return null;
    JsonNode old = values[i];
    removeAt(i);
    return old;
  }

  private void removeAt(int i) {
    System.arraycopy(names, i + 1, names, i, size - i - 1);
    System.arraycopy(values, i + 1, values, i, size - i - 1);
    size--;
    names[size] = null;
    values[size] = null;
    modCount++;
  }

  @Override public void clear() {
    Arrays.fill(names, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    modCount++;
  }

  @Override public Set<Entry<String, JsonNode>> entrySet() {
    return new AbstractSet<>() {
      @Override public int size() {
        return size;
      }

      @Override public Iterator<Entry<String, JsonNode>> iterator() {
        return new Iterator<>() {
          private int next;
          private int last = -1;
          private int expected = modCount;

          @Override public boolean hasNext() {
            return next < size;
          }

          @Override public Entry<String, JsonNode> next() {
            if (expected != modCount) throw new ConcurrentModificationException();
            if (next >= size) throw new NoSuchElementException();
            last = next++;
            return new Member(last);
          }

          @Override public void remove() {
            if (last < 0) throw new IllegalStateException();
            if (expected != modCount) throw new ConcurrentModificationException();
            removeAt(last);
            next = last;
            last = -1;
            expected = modCount;
          }
        };
      }
    };
  }

  /** One member, read and written through to the arrays (valid until the map changes shape). */
  private final class Member implements Entry<String, JsonNode> {
    private final int i;

    Member(int i) {
      this.i = i;
    }

    @Override public String getKey() {
      return names[i];
    }

    @Override public JsonNode getValue() {
      return values[i];
    }

    @Override public JsonNode setValue(JsonNode value) {
      JsonNode old = values[i];
      values[i] = value;
      return old;
    }

    @Override public boolean equals(Object o) {
      return o instanceof Entry<?, ?> e && names[i].equals(e.getKey()) && Objects.equals(values[i], e.getValue());
    }

    @Override public int hashCode() {
      return names[i].hashCode() ^ Objects.hashCode(values[i]);
    }

    @Override public String toString() {
      return names[i] + "=" + values[i];
    }
  }
}
