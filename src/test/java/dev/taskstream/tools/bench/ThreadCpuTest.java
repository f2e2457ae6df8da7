package dev.taskstream.tools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ThreadCpuTest {
  @Test
  void shouldGroupThreadsByWhomTheyWorkFor() {
    // Given the names Kafka Streams, its producers and the broker give their threads
    // When grouped
    // Then stream threads, their producers' network threads and the rest are told apart
    assertThat(ThreadCpu.group("taskstream-6345dcba-StreamThread-1")).isEqualTo(ThreadCpu.STREAM);
    assertThat(
            ThreadCpu.group(
                "kafka-producer-network-thread | taskstream-6345dcba-StreamThread-1-producer"))
        .isEqualTo(ThreadCpu.PRODUCER);
    assertThat(ThreadCpu.group("data-plane-kafka-request-handler-3")).isEqualTo(ThreadCpu.REST);
    assertThat(ThreadCpu.group("kafka-producer-network-thread | producer-1"))
        .isEqualTo(ThreadCpu.REST);
  }

  @Test
  void shouldChargeAStreamThreadsCpuToTheStreamThreadsPerEvent() throws Exception {
    // Given a counter started before a thread named like a stream thread spins for a while
    final ThreadCpu cpu = new ThreadCpu();
    cpu.reset();
    final Thread spinning =
        new Thread(
            () -> {
              final long until = System.nanoTime() + 200_000_000L;
              long x = 0;
              while (System.nanoTime() < until) {
                x += System.nanoTime() % 7;
              }
              Thread.currentThread().setName("app-StreamThread-1 " + (x & 1));
              try {
                Thread.sleep(2_000);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "app-StreamThread-1");
    spinning.start();
    Thread.sleep(500);
    // When read per 10 events while it is still alive
    final Map<String, Double> us = cpu.perEventUs(10);
    spinning.interrupt();
    spinning.join();
    // Then most of its ~200 ms of CPU, per event, is the stream threads'
    assertThat(us).containsOnlyKeys(ThreadCpu.STREAM, ThreadCpu.PRODUCER, ThreadCpu.REST);
    assertThat(us.get(ThreadCpu.STREAM)).isGreaterThan(5_000.0);
    assertThat(us.get(ThreadCpu.PRODUCER)).isZero();
  }
}
