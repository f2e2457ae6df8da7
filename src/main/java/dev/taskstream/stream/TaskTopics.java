package dev.taskstream.stream;

import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.taxonomy.TaskKey;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Routes a tagged instruction: to the novel topic when its novelty reaches the threshold, else to
 * its task's topic, named by the default rule {@code <prefix><verb>-<noun>} of the key's first
 * pair, with anything outside Kafka's topic alphabet replaced by {@code _}.
 */
final class TaskTopics implements TopicNameExtractor<String, SpecificRecord> {
  private final StreamSettings settings;

  TaskTopics(final StreamSettings settings) {
    this.settings = settings;
  }

  @Override
  public String extract(
      final String key, final SpecificRecord value, final RecordContext recordContext) {
    final TaggedInstruction tagged = (TaggedInstruction) value;
    if (tagged.getNovelty() >= settings.noveltyThreshold()) {
      return settings.novelTopic();
    }
    return topicFor(settings.taskTopicPrefix(), tagged.getTaskKey());
  }

  /** Stable, so the described topology kept under topology/ does not change run to run. */
  @Override
  public String toString() {
    return "TaskTopics(prefix="
        + settings.taskTopicPrefix()
        + ", novel="
        + settings.novelTopic()
        + " at novelty >= "
        + settings.noveltyThreshold()
        + ")";
  }

  static String topicFor(final String prefix, final String taskKey) {
    final TaskKey key = TaskKey.parse(taskKey);
    final String name =
        key.verbs().isEmpty() ? taskKey : key.verbs().get(0) + "-" + key.nouns().get(0);
    final String safe = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "_");
    final String topic = prefix + safe;
    return topic.length() > 249 ? topic.substring(0, 249) : topic;
  }
}
