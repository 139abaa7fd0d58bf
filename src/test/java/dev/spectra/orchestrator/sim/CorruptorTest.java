package dev.spectra.orchestrator.sim;

import static dev.spectra.orchestrator.sim.SimHttp.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CorruptorTest {
  final ObjectMapper mapper = new ObjectMapper();
  final Corruptor corruptor = new Corruptor(mapper);
  final SchemaSynthesizer synthesizer = new SchemaSynthesizer();
  final JsonNode schema = ProfileRatesTest.SCHEMA;

  String validAnswer(long seed) throws Exception {
    return mapper.writer(Responder.modelStyle()).writeValueAsString(
        synthesizer.synthesize(schema, new SplittableRandom(seed)));
  }

  @ParameterizedTest
  @EnumSource(Family.class)
  void everyFamilyTurnsAValidAnswerIntoAnInvalidOne(Family family) throws Exception {
    for (long seed = 0; seed < 20; seed++) {
      String valid = validAnswer(seed);
      assertThat(corruptor.isRawValid(valid, schema)).isTrue();

      Corruptor.Result r = corruptor.corrupt(valid, schema, Map.of(family, 1.0), false, new SplittableRandom(seed));

      assertThat(corruptor.isRawValid(r.text(), schema)).as("%s: %s", family, r.text()).isFalse();
      assertThat(r.truncated()).isEqualTo(family == Family.TRUNCATION);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Family.class, names = {"MISSING_FIELDS", "WRONG_TYPES", "EMPTY_OBJECT"})
  void schemaFamiliesKeepTheTextValidJson(Family family) throws Exception {
    Corruptor.Result r = corruptor.corrupt(validAnswer(3), schema, Map.of(family, 1.0), false,
        new SplittableRandom(3));

    assertThat(corruptor.isRawValid(r.text(), null)).as(r.text()).isTrue();
    assertThat(corruptor.isRawValid(r.text(), schema)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = Family.class, names = {"FENCES", "PROSE", "TRAILING_COMMA", "TRUNCATION"})
  void toolInputsAreOnlyEverBrokenAgainstTheSchema(Family family) throws Exception {
    Corruptor.Result r = corruptor.corrupt(validAnswer(5), schema, Map.of(family, 1.0), true,
        new SplittableRandom(5));

    assertThat(json(r.text()).isObject()).isTrue();
    assertThat(corruptor.isRawValid(r.text(), schema)).isFalse();
  }

  @ParameterizedTest
  @EnumSource(value = Family.class, names = {"MISSING_FIELDS", "WRONG_TYPES"})
  void withoutASchemaOnlySyntaxCanBreakSoSyntaxIsBroken(Family family) throws Exception {
    Corruptor.Result r = corruptor.corrupt(validAnswer(6), null, Map.of(family, 1.0), false,
        new SplittableRandom(6));

    assertThat(corruptor.isRawValid(r.text(), null)).isFalse();
  }
}
