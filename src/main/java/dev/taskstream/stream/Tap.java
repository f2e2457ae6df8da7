package dev.taskstream.stream;

import dev.taskstream.avro.TaggedInstruction;
import java.util.function.Function;

/**
 * One way a feature reads the micro-batch's output: every tagged instruction, or only the novel
 * ones, carrying its embedding, forwarded under a key the feature chooses to a child node (a sink)
 * of {@link CoreTopology#batchNode()} that the feature adds.
 *
 * @param child the name of the child node
 * @param novelOnly whether only novel instructions are forwarded
 * @param key the record key (e.g. the task, so one task's instructions meet in one partition)
 */
public record Tap(String child, boolean novelOnly, Function<TaggedInstruction, String> key) {}
