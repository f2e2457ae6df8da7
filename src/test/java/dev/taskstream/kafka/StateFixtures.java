package dev.taskstream.kafka;

import dev.taskstream.avro.DiscoveryCluster;
import dev.taskstream.avro.InstructionEvent;
import dev.taskstream.avro.TaskAccumulator;
import dev.taskstream.avro.TaxonomyChange;
import dev.taskstream.avro.TaxonomyOp;
import dev.taskstream.avro.WindowHistory;
import dev.taskstream.avro.WindowMix;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One value of each kind of internal state, fixed: what the golden files under {@code
 * src/test/resources/golden/state/} hold, as written by a release (the batch buffer, the window
 * accumulators and history, the discovery clusters, a live-taxonomy change).
 */
public final class StateFixtures {
  private StateFixtures() {}

  /**
   * @return the values by golden file name (without extension)
   */
  public static Map<String, SpecificRecord> all() {
    return Map.of(
        "InstructionEvent", event(),
        "TaskAccumulator", accumulator(),
        "WindowHistory", history(),
        "DiscoveryCluster", cluster());
  }

  static InstructionEvent event() {
    return InstructionEvent.newBuilder()
        .setId("golden-1")
        .setText("Fix the grammar in this paragraph, please.")
        .setRole("user")
        .setConversationId("c-7")
        .setSessionId(null)
        .setUserId("u-42")
        .setSource("chat")
        .setModel("some-llm")
        .setEventTime(Instant.ofEpochMilli(1_765_000_000_000L))
        .setAttributes(Map.of("lang", "en"))
        .build();
  }

  static TaskAccumulator accumulator() {
    return TaskAccumulator.newBuilder()
        .setTaskName("correct grammar")
        .setCount(17)
        .setSimilaritySum(13.25)
        .setNoveltySum(2.5)
        .setNovelCount(1)
        .build();
  }

  static WindowHistory history() {
    return WindowHistory.newBuilder()
        .setWindows(
            List.of(
                WindowMix.newBuilder()
                    .setWindowStart(1_765_000_000_000L)
                    .setWindowEnd(1_765_000_060_000L)
                    .setCounts(
                        new java.util.TreeMap<>(
                            Map.of("correct|grammar", 12L, "translate|sentence", 5L)))
                    .setNovel(2)
                    .build()))
        .build();
  }

  static DiscoveryCluster cluster() {
    return DiscoveryCluster.newBuilder()
        .setId("cluster-3")
        .setSum(List.of(0.5f, -0.25f, 0.125f))
        .setWeight(3.5)
        .setSize(4)
        .setMinSimilarity(0.71)
        .setFirstSeen(1_765_000_000_000L)
        .setLastSeen(1_765_000_030_000L)
        .setDecayedAt(1_765_000_030_000L)
        .setExemplars(List.of("draft a limerick about cats", "write a limerick on dogs"))
        .setNames(Map.of("write|limerick", 3L))
        .setEmittedSize(0)
        .setDistinct(List.of(11L, 22L, 33L))
        .build();
  }

  /**
   * @return a live-taxonomy change, as the compacted taxonomy topic holds it
   */
  public static TaxonomyChange change() {
    return TaxonomyChange.newBuilder()
        .setTaskKey("write|limerick")
        .setOp(TaxonomyOp.ADD)
        .setName("write limerick")
        .setCentroid(List.of(0.6f, 0.8f, 0f))
        .setMembers(4)
        .setCohesion(0.8)
        .setMinSimilarity(0.7)
        .setFingerprint("fp-golden")
        .setDimension(3)
        .setRevision(1)
        .setSource("discovery")
        .setTopic("task.write-limerick")
        .setAt(Instant.ofEpochMilli(1_765_000_040_000L))
        .build();
  }
}
