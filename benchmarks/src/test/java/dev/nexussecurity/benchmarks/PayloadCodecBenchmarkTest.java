package dev.nexussecurity.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporal.api.common.v1.Payload;
import org.junit.jupiter.api.Test;

/** The benchmarked operations really round-trip, so the benchmark measures correct work. */
class PayloadCodecBenchmarkTest {

  @Test
  void everyBenchmarkedImplementation_roundTrips() throws Exception {
    PayloadCodecBenchmark b = new PayloadCodecBenchmark();
    b.size = 1024;
    b.setUp();
    Payload original = b.sampleStyleCodec().get(0);
    assertThat(original.getData().size()).isEqualTo(1024);
    assertThat(b.tinkPayloadCodec()).containsExactly(original);
    assertThat(b.rawJceAesGcm()).isEqualTo(original.toByteArray());
    assertThat(b.tinkAeadOnly()).isEqualTo(original.toByteArray());
    assertThat(b.sharedBound()).containsExactly(original);
    assertThat(b.pairwiseBound()).containsExactly(original);
    assertThat(b.hpkeBound()).containsExactly(original);
    assertThat(b.authenticatedBound()).containsExactly(original);
  }
}
