package dev.nexussecurity.codec.tink.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

class ZlibTest {

  private static byte[] jdkDeflate(byte[] input) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (DeflaterOutputStream d = new DeflaterOutputStream(out, new Deflater(9))) {
      d.write(input);
    }
    return out.toByteArray();
  }

  @Test
  void compressIfSmaller_producesAStandardZlibStream() throws Exception {
    byte[] input = "abcabcabc".repeat(100).getBytes();
    byte[] compressed = Zlib.compressIfSmaller(input);
    assertThat(compressed).isNotNull();
    assertThat(compressed.length).isLessThan(input.length);
    try (InflaterInputStream in =
        new InflaterInputStream(new java.io.ByteArrayInputStream(compressed))) {
      assertThat(in.readAllBytes()).isEqualTo(input);
    }
  }

  @Test
  void compressIfSmaller_returnsNullWhenNothingIsGained() {
    byte[] random = new byte[4096];
    new Random(1).nextBytes(random);
    assertThat(Zlib.compressIfSmaller(random)).isNull();
    assertThat(Zlib.compressIfSmaller(new byte[0])).isNull();
    assertThat(Zlib.compressIfSmaller(new byte[] {1})).isNull();
  }

  @Test
  void decompress_readsStreamsOfOtherZlibWriters() throws Exception {
    byte[] input = "hello hello hello".getBytes();
    assertThat(Zlib.decompress(jdkDeflate(input), 1000)).isEqualTo(input);
    assertThat(Zlib.decompress(jdkDeflate(new byte[0]), 1000)).isEmpty();
  }

  @Test
  void decompress_exactlyAtTheLimit_passes_andOneOverFails() throws Exception {
    byte[] input = new byte[10_000];
    byte[] stream = jdkDeflate(input);
    assertThat(Zlib.decompress(stream, 10_000)).hasSize(10_000);
    assertThatThrownBy(() -> Zlib.decompress(stream, 9_999))
        .isInstanceOf(Zlib.InvalidStreamException.class)
        .hasMessageContaining("more than 9999 bytes");
  }

  @Test
  void decompress_ofABomb_stopsAtTheLimit() throws Exception {
    byte[] bomb = jdkDeflate(new byte[50_000_000]);
    assertThat(bomb.length).isLessThan(100_000);
    assertThatThrownBy(() -> Zlib.decompress(bomb, 1_000_000))
        .isInstanceOf(Zlib.InvalidStreamException.class);
  }

  @Test
  void decompress_rejectsTruncatedGarbageAndTrailingBytes() throws Exception {
    byte[] stream = jdkDeflate("some text some text".getBytes());
    assertThatThrownBy(() -> Zlib.decompress(Arrays.copyOf(stream, stream.length - 3), 1000))
        .isInstanceOf(Zlib.InvalidStreamException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> Zlib.decompress(new byte[] {1, 2, 3, 4}, 1000))
        .isInstanceOf(Zlib.InvalidStreamException.class);
    byte[] trailing = Arrays.copyOf(stream, stream.length + 1);
    assertThatThrownBy(() -> Zlib.decompress(trailing, 1000))
        .isInstanceOf(Zlib.InvalidStreamException.class)
        .hasMessageContaining("extra bytes");
    assertThatThrownBy(() -> Zlib.decompress(new byte[0], 1000))
        .isInstanceOf(Zlib.InvalidStreamException.class);
  }
}
