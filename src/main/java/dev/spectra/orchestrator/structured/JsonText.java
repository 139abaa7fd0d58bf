package dev.spectra.orchestrator.structured;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * A recovered value kept as checked strict JSON text: a stretch of the reply itself when it was valid as written,
 * else the repairer's compact UTF-8 output. The tree is built only when asked for, so printing a 100 MB value takes
 * a small multiple of its size where a tree takes many.
 */
public final class JsonText {
  private final StrictJson strict;
  private final CharSequence source;
  private final int from;
  private final int to;
  private final JsonSink sink;
  private JsonNode tree;

  private JsonText(StrictJson strict, CharSequence source, int from, int to, JsonSink sink, JsonNode tree) {
    this.strict = strict;
    this.source = source;
    this.from = from;
    this.to = to;
    this.sink = sink;
    this.tree = tree;
  }

  static JsonText of(StrictJson strict, CharSequence source, int from, int to) {
    return new JsonText(strict, source, from, to, null, null);
  }

  static JsonText of(StrictJson strict, JsonSink sink) {
    return new JsonText(strict, null, 0, 0, sink, null);
  }

  static JsonText of(StrictJson strict, JsonNode tree) {
    return new JsonText(strict, null, 0, 0, null, tree);
  }

  /** {@return the value as a tree; built on first use, then kept} Not synchronized: one result, one thread. */
  public JsonNode tree() {
    if (tree == null) {
      tree = sink != null ? strict.tree(sink.stream()) : strict.tree(new StrictJson.RangeReader(source, from, to));
    }
    return tree;
  }

  /**
   * Writes the value as compact JSON, streaming: numbers print as they would from the tree ({@code 1e400} as
   * {@code 1E+400}), so output does not depend on whether the tree was built.
   */
  public void writeTo(Writer out) throws IOException {
    try (JsonGenerator g = strict.mapper().getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      writeTo(g);
    }
  }

  /** Writes the value into {@code g} at its current place (a field's value, an array element), streaming. */
  public void writeTo(JsonGenerator g) throws IOException {
    if (tree != null) {
      strict.mapper().writeTree(g, tree);
      return;
    }
    var factory = strict.mapper().getFactory();
    try (JsonParser p = sink != null ? factory.createParser(sink.stream())
            : factory.createParser(new StrictJson.RangeReader(source, from, to))) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        switch (t) {
          case VALUE_NUMBER_FLOAT -> g.writeNumber(p.getDecimalValue());
          case VALUE_NUMBER_INT -> {
            switch (p.getNumberType()) {
              case INT -> g.writeNumber(p.getIntValue());
              case LONG -> g.writeNumber(p.getLongValue());
              default -> g.writeNumber(p.getBigIntegerValue());
            }
          }
          default -> g.copyCurrentEvent(p);
        }
      }
    }
  }

  /** {@return the compact JSON text} */
  @Override public String toString() {
    StringWriter w = new StringWriter();
    try {
      writeTo(w);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
