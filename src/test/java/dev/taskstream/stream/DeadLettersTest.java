package dev.taskstream.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskstream.avro.DeadLetter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DeadLettersTest {
  private static DeadLetter letter(final byte[] value) {
    return DeadLetters.of(
        new DeadLetters.Origin("in", 0, 7, "k".getBytes(StandardCharsets.UTF_8), value),
        "validate",
        "InvalidInstructionException",
        "text exceeds the limit",
        1L);
  }

  @Test
  void shouldKeepASmallValueWholeAndCutAnOversizedOneSayingSo() {
    // Given a value under the limit and one of 1 MiB, more than a producer sends by default
    final byte[] small = new byte[1_000];
    final byte[] huge = new byte[1 << 20];
    huge[0] = 42;
    // When both become dead letters
    final DeadLetter kept = letter(small);
    final DeadLetter cut = letter(huge);
    // Then the small one is whole and unchanged in its message
    assertThat(kept.getValue().remaining()).isEqualTo(1_000);
    assertThat(kept.getErrorMessage()).isEqualTo("text exceeds the limit");
    // and the huge one keeps its first half MiB, with the cut in the message
    assertThat(cut.getValue().remaining()).isEqualTo(DeadLetters.MAX_VALUE_BYTES);
    assertThat(cut.getValue().get(0)).isEqualTo((byte) 42);
    assertThat(cut.getErrorMessage())
        .startsWith("text exceeds the limit")
        .contains("first 524288 of 1048576 bytes kept");
  }

  @Test
  void shouldKeepANullValueNull() {
    assertThat(letter(null).getValue()).isNull();
  }
}
