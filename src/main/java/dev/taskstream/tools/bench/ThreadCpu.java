package dev.taskstream.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of this JVM's threads by who they work for, so that a benchmark that runs the broker
 * beside the service can tell the service's own cost per event from the broker's: the stream
 * threads (processing, serializing, the stores), the stream producers' network threads (batching to
 * every partition written), and the rest (the in-process broker, the benchmark's clients). Threads
 * started and ended between two snapshots are not seen; the JIT's compiler threads are no Java
 * threads and not counted.
 */
public final class ThreadCpu {
  /** A thread's group. */
  public static final String STREAM = "stream threads";

  /** A thread's group. */
  public static final String PRODUCER = "stream producers";

  /** A thread's group. */
  public static final String REST = "broker and bench clients";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Map<Long, Long> start = new HashMap<>();

  ThreadCpu() {
    if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  /**
   * @param name a thread's name
   * @return its group
   */
  static String group(final String name) {
    if (!name.contains("StreamThread")) {
      return REST;
    }
    return name.startsWith("kafka-producer-network-thread") ? PRODUCER : STREAM;
  }

  /** Starts counting from now. */
  void reset() {
    start.clear();
    for (final long id : threads.getAllThreadIds()) {
      final long cpu = threads.getThreadCpuTime(id);
      if (cpu >= 0) {
        start.put(id, cpu);
      }
    }
  }

  /**
   * @param events events handled since {@link #reset()}
   * @return CPU microseconds per event by group, since {@link #reset()}
   */
  Map<String, Double> perEventUs(final int events) {
    final Map<String, Double> out = new LinkedHashMap<>();
    out.put(STREAM, 0.0);
    out.put(PRODUCER, 0.0);
    out.put(REST, 0.0);
    for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      final long cpu = threads.getThreadCpuTime(info.getThreadId());
      if (cpu < 0) {
        continue;
      }
      final long used = cpu - start.getOrDefault(info.getThreadId(), 0L);
      out.merge(group(info.getThreadName()), used / 1e3 / Math.max(1, events), Double::sum);
    }
    return out;
  }
}
