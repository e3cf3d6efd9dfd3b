package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NexusSecurityOptionsTest {
  static KeysetHandle key;

  @BeforeAll
  static void keys() throws Exception {
    SignatureConfig.register();
    AeadConfig.register();
    key = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
  }

  static NexusSecurityOptions.Builder valid() {
    return NexusSecurityOptions.newBuilder()
        .setNamespace("orders-ns")
        .setRegistry(new MapRegistry());
  }

  @Test
  void defaults_areTheDocumentedOnes() {
    NexusSecurityOptions o = valid().build();
    assertThat(o.getTokenLifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(o.getClockSkew()).isEqualTo(Duration.ofMinutes(1));
    assertThat(o.getCancelGracePeriod()).isEqualTo(Duration.ofDays(30));
    assertThat(o.getReplayCacheCapacity()).isEqualTo(100_000);
    assertThat(o.isEnforceOnCaller()).isTrue();
    assertThat(o.isRequireCallerLink()).isFalse();
    assertThat(o.getTrustStore().getNamespaces()).isEmpty();
    assertThat(o.getSigningKeyset()).isNull();
  }

  @Test
  void missingNamespaceOrRegistry_isRejected_namingTheField() {
    assertThatThrownBy(
            () -> NexusSecurityOptions.newBuilder().setRegistry(new MapRegistry()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace is required");
    assertThatThrownBy(() -> NexusSecurityOptions.newBuilder().setNamespace("a").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry is required");
    assertThatThrownBy(() -> NexusSecurityOptions.newBuilder().setNamespace(""))
        .hasMessageContaining("non-blank");
  }

  @Test
  void outOfRangeDurationsAndCapacity_areRejected_withTheValue() {
    assertThatThrownBy(() -> valid().setTokenLifetime(Duration.ofMillis(10)))
        .hasMessageContaining("tokenLifetime")
        .hasMessageContaining("PT0.01S");
    assertThatThrownBy(() -> valid().setClockSkew(Duration.ofSeconds(-1)))
        .hasMessageContaining("clockSkew");
    assertThatThrownBy(() -> valid().setCancelGracePeriod(null))
        .hasMessageContaining("cancelGracePeriod");
    assertThatThrownBy(() -> valid().setReplayCacheCapacity(0))
        .hasMessageContaining("replayCacheCapacity")
        .hasMessageContaining("0");
  }

  @Test
  void signingKeysetThatIsNotAPrivateSignatureKey_isRejected_whenCreatingTheSecurityLayer()
      throws Exception {
    KeysetHandle aead = KeysetHandle.generateNew(PredefinedAeadParameters.AES128_GCM);
    NexusSecurityOptions o = valid().setSigningKeyset(aead).build();
    assertThatThrownBy(() -> NexusSecurity.newInstance(o))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a private signature key");
    NexusSecurityOptions pub = valid().setSigningKeyset(key.getPublicKeysetHandle()).build();
    assertThatThrownBy(() -> NexusSecurity.newInstance(pub))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a private signature key");
  }

  @Test
  void signingKeysetAndMacKeyset_areExclusive_andTheMacKeysetMustHoldMacKeys() throws Exception {
    com.google.crypto.tink.mac.MacConfig.register();
    KeysetHandle mac =
        KeysetHandle.generateNew(
            com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG);
    assertThatThrownBy(() -> valid().setSigningKeyset(key).setIdentityMacKeyset(mac).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("either signingKeyset")
        .hasMessageContaining("not both");
    NexusSecurityOptions wrong = valid().setIdentityMacKeyset(key).build();
    assertThatThrownBy(() -> NexusSecurity.newInstance(wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a MAC key");
    assertThat(NexusSecurity.newInstance(valid().setIdentityMacKeyset(mac).build())).isNotNull();
    assertThat(valid().setIdentityMacKeyset(mac).build().toString())
        .contains("identityMacKeyset=primary key id");
  }

  @Test
  void toString_neverContainsKeyMaterial() throws Exception {
    NexusSecurityOptions o = valid().setSigningKeyset(key).build();
    String secretJson =
        TinkJsonProtoKeysetFormat.serializeKeyset(key, InsecureSecretKeyAccess.get());
    String keyValue = secretJson.replaceAll("(?s).*\"value\":\\s*\"([^\"]+)\".*", "$1");
    assertThat(o.toString())
        .contains("orders-ns")
        .contains(Integer.toUnsignedString(key.getPrimary().getId()))
        .doesNotContain(keyValue);
  }

  @Test
  void toBuilder_copiesEverything() {
    NexusSecurityOptions o =
        valid()
            .setSigningKeyset(key)
            .setTokenLifetime(Duration.ofMinutes(5))
            .setEnforceOnCaller(false)
            .setRequireCallerLink(true)
            .build();
    NexusSecurityOptions copy = o.toBuilder().build();
    assertThat(copy.toString()).isEqualTo(o.toString());
    assertThat(copy.getRegistry()).isSameAs(o.getRegistry());
  }
}
