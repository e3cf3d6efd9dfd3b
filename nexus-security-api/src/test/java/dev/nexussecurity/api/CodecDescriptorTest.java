package dev.nexussecurity.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class CodecDescriptorTest {

  @Test
  void build_withoutKeys_describesANonEncryptingCodec() {
    CodecDescriptor d = CodecDescriptor.newBuilder("zlib").build();

    assertThat(d.getCodecId()).isEqualTo("zlib");
    assertThat(d.getEncryptionKeyId()).isEmpty();
    assertThat(d.getDecryptionKeyIds()).isEmpty();
    assertThat(d.canDecrypt("any")).isFalse();
    assertThat(d).hasToString("CodecDescriptor{id=zlib}");
  }

  @Test
  void build_withKeys_sortsDecryptionKeysAndAnswersCanDecrypt() {
    CodecDescriptor d =
        CodecDescriptor.newBuilder("nexus-security/tink-aead")
            .setEncryptionKeyId("default/2")
            .addDecryptionKeyId("default/2")
            .addDecryptionKeyId("default/1")
            .build();

    assertThat(d.getEncryptionKeyId()).contains("default/2");
    assertThat(d.getDecryptionKeyIds()).containsExactly("default/1", "default/2");
    assertThat(d.canDecrypt("default/1")).isTrue();
    assertThat(d.canDecrypt("default/3")).isFalse();
    assertThat(d)
        .hasToString(
            "CodecDescriptor{id=nexus-security/tink-aead, encryptsWith=default/2,"
                + " decrypts=[default/1, default/2]}");
  }

  @Test
  void getDecryptionKeyIds_isUnmodifiable() {
    CodecDescriptor d = CodecDescriptor.newBuilder("c").addDecryptionKeyId("k").build();

    assertThatThrownBy(() -> d.getDecryptionKeyIds().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"", " "})
  void blankIds_areRejected(String id) {
    assertThatThrownBy(() -> CodecDescriptor.newBuilder(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("codecId must be a non-blank identifier");
    assertThatThrownBy(() -> CodecDescriptor.newBuilder("c").setEncryptionKeyId(id))
        .hasMessageStartingWith("encryptionKeyId must be a non-blank identifier");
    assertThatThrownBy(() -> CodecDescriptor.newBuilder("c").addDecryptionKeyId(id))
        .hasMessageStartingWith("decryptionKeyIds must be a non-blank identifier");
  }

  @Test
  void equals_comparesAllFields() {
    CodecDescriptor a = CodecDescriptor.newBuilder("c").setEncryptionKeyId("k").build();

    assertThat(a)
        .isEqualTo(CodecDescriptor.newBuilder("c").setEncryptionKeyId("k").build())
        .hasSameHashCodeAs(CodecDescriptor.newBuilder("c").setEncryptionKeyId("k").build());
    assertThat(a).isNotEqualTo(CodecDescriptor.newBuilder("d").setEncryptionKeyId("k").build());
    assertThat(a).isNotEqualTo(CodecDescriptor.newBuilder("c").build());
    assertThat(a)
        .isNotEqualTo(
            CodecDescriptor.newBuilder("c")
                .setEncryptionKeyId("k")
                .addDecryptionKeyId("k")
                .build());
    assertThat(a).isNotEqualTo(null).isNotEqualTo("c");
  }
}
