package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DescribedCodecTest {

  @Test
  void describe_isTheOnlyMethodAndCanBeALambda() {
    DescribedCodec codec = () -> CodecDescriptor.newBuilder("my-company/zstd").build();

    assertThat(codec.describe().getCodecId()).isEqualTo("my-company/zstd");
    assertThat(DescribedCodec.class.getDeclaredMethods()).hasSize(1);
  }
}
