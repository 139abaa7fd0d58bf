package dev.spectra.orchestrator.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link Members} behaves as the {@code LinkedHashMap} an {@code ObjectNode} otherwise holds. */
class MembersTest {
  private final StrictJson strict = new StrictJson();
  private final ObjectMapper mapper = strict.mapper();

  private ObjectNode read(String text) {
    return (ObjectNode) strict.parse(text).value();
  }

  @Test
  void aReadObjectChangesAndPrintsLikeOneTheMapperBuilt() throws Exception {
    String text = "{\"b\":1,\"a\":{\"x\":[1,2]},\"c\":\"z\"}";
    ObjectNode ours = read(text);
    ObjectNode theirs = (ObjectNode) mapper.readTree(text);
    assertThat(ours).isEqualTo(theirs);
    assertThat(theirs).isEqualTo(ours);
    assertThat(ours.hashCode()).isEqualTo(theirs.hashCode());
    assertThat(mapper.writeValueAsString(ours)).isEqualTo(mapper.writeValueAsString(theirs));

    for (ObjectNode n : List.of(ours, theirs)) {
      n.put("d", 4);
      n.set("b", TextNode.valueOf("replaced"));
      n.remove("a");
      n.putObject("e").put("f", true);
      n.retain("b", "c", "d", "e");
    }
    assertThat(ours).isEqualTo(theirs);
    assertThat(ours.toString()).isEqualTo(theirs.toString()).isEqualTo("{\"b\":\"replaced\",\"c\":\"z\",\"d\":4,\"e\":{\"f\":true}}");
    assertThat(ours.deepCopy()).isEqualTo(theirs);
  }

  @Test
  void randomEditsLeaveTheSameContentsInTheSameOrderAsALinkedHashMap() {
    Random random = new Random(17);
    for (int round = 0; round < 200; round++) {
      int n = random.nextInt(Members.MAX + 1);
      String[] names = new String[n];
      JsonNode[] values = new JsonNode[n];
      Map<String, JsonNode> expected = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        names[i] = "k" + i;
        values[i] = IntNode.valueOf(i);
        expected.put(names[i], values[i]);
      }
      Members members = new Members(names, values, n);
      for (int step = 0; step < 30; step++) {
        String key = "k" + random.nextInt(n + 4);
        switch (random.nextInt(5)) {
          case 0 -> assertThat(members.put(key, IntNode.valueOf(step))).isEqualTo(expected.put(key, IntNode.valueOf(step)));
          case 1 -> assertThat(members.remove(key)).isEqualTo(expected.remove(key));
          case 2 -> assertThat(members.get(key)).isEqualTo(expected.get(key));
          case 3 -> {
            Iterator<Map.Entry<String, JsonNode>> a = members.entrySet().iterator();
            Iterator<Map.Entry<String, JsonNode>> b = expected.entrySet().iterator();
            while (a.hasNext()) {
              Map.Entry<String, JsonNode> x = a.next();
              Map.Entry<String, JsonNode> y = b.next();
              assertThat(x).isEqualTo(y);
              if (x.getKey().equals(key)) {
                a.remove();
                b.remove();
              }
            }
            assertThat(b.hasNext()).isFalse();
          }
          default -> members.entrySet().forEach(e -> {
            if (e.getKey().equals(key)) {
              e.setValue(TextNode.valueOf("set"));
              expected.put(key, TextNode.valueOf("set"));
            }
          });
        }
        assertThat(members).isEqualTo(expected);
        assertThat(new ArrayList<>(members.keySet())).isEqualTo(new ArrayList<>(expected.keySet()));
        assertThat(members.hashCode()).isEqualTo(expected.hashCode());
      }
    }
  }

  @Test
  void changingTheMapWhileIteratingIsReported() {
    Members members = new Members(new String[] {"a", "b"}, new JsonNode[] {IntNode.valueOf(1), IntNode.valueOf(2)}, 2);
    Iterator<String> it = members.keySet().iterator();
    it.next();
    members.put("c", IntNode.valueOf(3));
    assertThatThrownBy(it::next).isInstanceOf(ConcurrentModificationException.class);
  }
}
