package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PayloadEncryptionTest {

  @Test
  void sharedKeyset_isTheKeysetNamedShared() {
    assertThat(PayloadEncryption.sharedKeyset().isEnabled()).isTrue();
    assertThat(PayloadEncryption.sharedKeyset().getKeysetName()).contains("shared");
    assertThat(PayloadEncryption.keyset("shared")).isEqualTo(PayloadEncryption.sharedKeyset());
    assertThat(PayloadEncryption.sharedKeyset().toString())
        .isEqualTo("PayloadEncryption{keyset=shared}");
  }

  @Test
  void keyset_namesItsOwnKeyset_equalByName() {
    PayloadEncryption audit = PayloadEncryption.keyset("audit");

    assertThat(audit.getKeysetName()).contains("audit");
    assertThat(audit)
        .isEqualTo(PayloadEncryption.keyset("audit"))
        .hasSameHashCodeAs(PayloadEncryption.keyset("audit"));
    assertThat(audit)
        .isNotEqualTo(PayloadEncryption.sharedKeyset())
        .isNotEqualTo(PayloadEncryption.none());
  }

  @Test
  void none_isDisabled_withoutKeysetName() {
    assertThat(PayloadEncryption.none().isEnabled()).isFalse();
    assertThat(PayloadEncryption.none().getKeysetName()).isEmpty();
    assertThat(PayloadEncryption.none().toString()).isEqualTo("PayloadEncryption{none}");
  }

  @Test
  void keyset_withInvalidName_isRejectedWithTheCodecsRule() {
    assertThatThrownBy(() -> PayloadEncryption.keyset("with space"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("keysetName must be 1 to 64 characters of [A-Za-z0-9._-]")
        .hasMessageContaining("'with space'");
    assertThatThrownBy(() -> PayloadEncryption.keyset(null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
