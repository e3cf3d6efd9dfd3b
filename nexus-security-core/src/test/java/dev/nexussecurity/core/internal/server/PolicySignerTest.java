package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PolicySignerTest {
  @Test
  void privateSignatureKeyset_signs_andItsVerifierAccepts() throws Exception {
    PolicySigner signer = PolicySigner.fromPrivateKeyset(TestKeys.registry());
    String sealed = signer.seal("nsx1", "x".getBytes(StandardCharsets.UTF_8));
    signer.getVerifier().verify(SignedEnvelope.parse(sealed, "nsx1", 1000, "test"), "the test");
    assertThat(signer.getPrimaryKeyId()).isEqualTo(TestKeys.registry().getPrimary().getId());
  }

  @Test
  void publicKeyset_isRefused_becauseItCannotSign() {
    assertThatThrownBy(
            () -> PolicySigner.fromPrivateKeyset(TestKeys.registry().getPublicKeysetHandle()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a private signature key");
  }

  @Test
  void aeadKeyset_isRefused() throws Exception {
    AeadConfig.register();
    KeysetHandle aead =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
    assertThatThrownBy(() -> PolicySigner.fromPrivateKeyset(aead))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a private signature key")
        .hasMessageContaining("AesGcmKey")
        .hasMessageContaining("PredefinedSignatureParameters.ED25519");
  }
}
