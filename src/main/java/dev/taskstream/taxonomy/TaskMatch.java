package dev.taskstream.taxonomy;

/**
 * A candidate task for an instruction.
 *
 * @param task the task
 * @param similarity cosine between the instruction and the task's centroid
 */
public record TaskMatch(TaskEntry task, double similarity) {}
