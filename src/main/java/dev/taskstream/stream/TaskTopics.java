package dev.taskstream.stream;

import dev.taskstream.avro.TaggedInstruction;
import dev.taskstream.taxonomy.Novelty;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * Routes a tagged instruction: to the novel topic when its novelty reaches the threshold, else to
 * its task's topic from the route table (explicit routes, families, then the default rule).
 */
final class TaskTopics implements TopicNameExtractor<String, SpecificRecord> {
  private final StreamSettings settings;
  private final RouteTable routes;
  private final Novelty novelty;

  TaskTopics(final StreamSettings settings, final RouteTable routes) {
    this.settings = settings;
    this.novelty = settings.novelty();
    this.routes = routes;
  }

  @Override
  public String extract(
      final String key, final SpecificRecord value, final RecordContext recordContext) {
    final TaggedInstruction tagged = (TaggedInstruction) value;
    if (novelty.isNovel(tagged.getNovelty())) {
      return settings.novelTopic();
    }
    return routes.topicFor(tagged.getTaskKey());
  }

  /** Stable, so the described topology kept under topology/ does not change run to run. */
  @Override
  public String toString() {
    return "TaskTopics("
        + routes
        + ", novel="
        + settings.novelTopic()
        + " at novelty >= "
        + settings.noveltyThreshold()
        + ")";
  }
}
