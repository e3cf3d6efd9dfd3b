package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PolicyVerifierTest {
  static final byte[] DATA = "policy".getBytes(StandardCharsets.UTF_8);

  static SignedEnvelope.Parsed sealed(PolicySigner signer) throws Exception {
    return SignedEnvelope.parse(signer.seal("nsx1", DATA), "nsx1", 1000, "test");
  }

  static SignedEnvelope.Parsed withTag(SignedEnvelope.Parsed p, byte[] tag) {
    return new SignedEnvelope.Parsed(p.type(), p.payload(), p.signedBytes(), tag);
  }

  @BeforeAll
  static void tink() throws Exception {
    AeadConfig.register();
  }

  @Test
  void privateKeyset_isRefused_askingForThePublicHalf() {
    assertThatThrownBy(() -> PolicyVerifier.fromPublicKeyset(TestKeys.registry()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ed25519PrivateKey")
        .hasMessageContaining("getPublicKeysetHandle()");
  }

  @Test
  void symmetricKeyset_isRefused() throws Exception {
    KeysetHandle aead =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES128_GCM, AeadConfig2026.get());
    assertThatThrownBy(() -> PolicyVerifier.fromPublicKeyset(aead))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only public signature keys");
  }

  @Test
  void signatureOfAKeyInTheKeyset_verifies_andOtherwiseIsUnknownKey() throws Exception {
    PolicySigner registry = PolicySigner.fromPrivateKeyset(TestKeys.registry());
    PolicySigner other = PolicySigner.fromPrivateKeyset(TestKeys.other());
    PolicyVerifier verifier =
        PolicyVerifier.fromPublicKeyset(TestKeys.registry().getPublicKeysetHandle());
    verifier.verify(sealed(registry), "the test");
    SignedEnvelope.Parsed foreign = sealed(other);
    assertThatThrownBy(() -> verifier.verify(foreign, "the test"))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageStartingWith(
            "the test is signed with key id "
                + Integer.toUnsignedString(other.getPrimaryKeyId())
                + ", which is not an enabled key of the registry public keyset")
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.UNKNOWN_KEY));
  }

  @Test
  void rotatedKeyset_verifiesOldAndNewKeys_untilTheOldOneIsDisabled() throws Exception {
    KeysetHandle oldKey = TestKeys.registry();
    KeysetHandle rotated =
        KeysetHandle.newBuilder(oldKey)
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    SignedEnvelope.Parsed oldSignature = sealed(PolicySigner.fromPrivateKeyset(oldKey));
    SignedEnvelope.Parsed newSignature = sealed(PolicySigner.fromPrivateKeyset(rotated));
    PolicyVerifier both = PolicyVerifier.fromPublicKeyset(rotated.getPublicKeysetHandle());
    both.verify(oldSignature, "the test");
    both.verify(newSignature, "the test");

    KeysetHandle.Builder withoutOld = KeysetHandle.newBuilder(rotated);
    for (int i = 0; i < withoutOld.size(); i++) {
      if (rotated.getAt(i).getId() == oldKey.getPrimary().getId()) {
        withoutOld.getAt(i).setStatus(KeyStatus.DISABLED);
      }
    }
    PolicyVerifier newOnly =
        PolicyVerifier.fromPublicKeyset(withoutOld.build().getPublicKeysetHandle());
    newOnly.verify(newSignature, "the test");
    assertThatThrownBy(() -> newOnly.verify(oldSignature, "the test"))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessageContaining("key id " + Integer.toUnsignedString(oldKey.getPrimary().getId()));
  }

  @Test
  void rawKey_verifiesItsOwnSignatures_andReportsNoKeyId() throws Exception {
    KeysetHandle raw =
        KeysetHandle.generateNew(
            Ed25519Parameters.create(Ed25519Parameters.Variant.NO_PREFIX),
            SignatureConfig2026.get());
    PolicySigner signer = PolicySigner.fromPrivateKeyset(raw);
    assertThat(signer.getPrimaryKeyId()).isNull();
    PolicyVerifier verifier = PolicyVerifier.fromPublicKeyset(raw.getPublicKeysetHandle());
    SignedEnvelope.Parsed signed = sealed(signer);
    verifier.verify(signed, "the test");
    assertThat(signed.tinkKeyId()).isEmpty();
    byte[] forged = signed.tag().clone();
    forged[10] ^= 1;
    assertThatThrownBy(() -> verifier.verify(withTag(signed, forged), "the test"))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .hasMessage(
            "the test's signature (a key without a key id) does not verify: it was changed after"
                + " the registry signed it")
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.BAD_SIGNATURE));
  }

  @Test
  void emptyKeyset_isRefused() {
    assertThatThrownBy(() -> PolicyVerifier.fromPublicKeyset(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one key");
  }

  @Test
  void tagThatIsOnlyAKeysPrefix_isABadSignatureOfThatKey_andAShorterTagIsAnUnknownKey()
      throws Exception {
    PolicySigner signer = PolicySigner.fromPrivateKeyset(TestKeys.registry());
    PolicyVerifier verifier = signer.getVerifier();
    SignedEnvelope.Parsed signed = sealed(signer);
    byte[] prefixOnly = java.util.Arrays.copyOf(signed.tag(), 5);
    byte[] shorter = java.util.Arrays.copyOf(signed.tag(), 3);

    assertThatThrownBy(() -> verifier.verify(withTag(signed, prefixOnly), "the test"))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.BAD_SIGNATURE))
        .hasMessageContaining(
            "key id " + Integer.toUnsignedString(TestKeys.registry().getPrimary().getId()));
    assertThatThrownBy(() -> verifier.verify(withTag(signed, shorter), "the test"))
        .isInstanceOf(InvalidSignedDocumentException.class)
        .satisfies(
            e ->
                assertThat(((InvalidSignedDocumentException) e).getProblem())
                    .isEqualTo(InvalidSignedDocumentException.Problem.UNKNOWN_KEY))
        .hasMessageContaining("a key without a key id");
  }
}
