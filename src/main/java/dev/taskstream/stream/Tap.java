package dev.taskstream.stream;

import dev.taskstream.avro.TaggedInstruction;
import java.util.function.Function;

/**
 * One way a feature reads the micro-batch's output: every tagged instruction, or only those whose
 * novelty reaches a level the feature chooses, carrying its embedding, forwarded under a key the
 * feature chooses to a child node (a sink) of {@link CoreTopology#batchNode()} that the feature
 * adds.
 *
 * @param child the name of the child node
 * @param minNovelty the novelty an instruction needs to be forwarded (0: every instruction)
 * @param key the record key (e.g. the task, so one task's instructions meet in one partition)
 */
public record Tap(String child, double minNovelty, Function<TaggedInstruction, String> key) {
  /**
   * @param child the child node
   * @param key the record key
   * @return a tap of every tagged instruction
   */
  public static Tap all(final String child, final Function<TaggedInstruction, String> key) {
    return new Tap(child, 0, key);
  }

  /**
   * @param novelty an instruction's novelty score
   * @return whether this tap forwards it
   */
  public boolean takes(final double novelty) {
    return minNovelty <= 0 || novelty >= minNovelty;
  }
}
