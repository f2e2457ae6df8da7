package dev.taskstream.taxonomy;

import java.util.List;

/**
 * One task of a taxonomy, without its centroid (the vectors live in one matrix).
 *
 * @param key the IEB task key
 * @param name a display name
 * @param verbs the key's verbs
 * @param nouns the key's nouns
 * @param members instructions the centroid was built from
 * @param cohesion mean cosine of members to the centroid (1 for a single member)
 * @param minSimilarity lowest member-to-centroid cosine
 */
public record TaskEntry(
    String key,
    String name,
    List<String> verbs,
    List<String> nouns,
    int members,
    double cohesion,
    double minSimilarity) {}
