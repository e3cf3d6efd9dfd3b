package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TestKeysTest {
  private static final byte[] SEED = seed(7);

  @Test
  void signingKeyset_isOneEd25519PrivateKey_thatTheKeyDirectoryAcceptsThePublicHalfOf()
      throws GeneralSecurityException {
    KeysetHandle signing = TestKeys.random().getSigningKeyset("orders-ns");

    assertThat(signing.size()).isEqualTo(1);
    assertThat(signing.getPrimary().getKey()).isInstanceOf(Ed25519PrivateKey.class);
    NamespacePublicKeys published =
        NamespacePublicKeys.newBuilder("orders-ns")
            .setSignatureKeys(signing.getPublicKeysetHandle())
            .build();
    assertThat(published.getSignatureKeys()).isPresent();
  }

  @Test
  void namespaceKeys_areStablePerSeedAndName_andDifferBetweenNames() {
    NamespaceKeys a = TestKeys.fromSeed(SEED).getNamespaceKeys("orders-ns");
    NamespaceKeys again = TestKeys.fromSeed(SEED).getNamespaceKeys("orders-ns");
    NamespaceKeys b = TestKeys.fromSeed(SEED).getNamespaceKeys("payments-ns");

    assertThat(a.toPublicKeys()).isEqualTo(again.toPublicKeys());
    assertThat(a.toPublicKeys().getPrimaryAgreementKeyId())
        .isNotEqualTo(b.toPublicKeys().getPrimaryAgreementKeyId());
    assertThat(a.getSignatureKeys()).isPresent();
    assertThat(a.toString()).doesNotContain(java.util.HexFormat.of().formatHex(SEED));
  }

  @Test
  void payloadKeyset_isOneAes256GcmKey() {
    KeysetHandle payload = TestKeys.random().getPayloadKeyset("shared");

    assertThat(payload.size()).isEqualTo(1);
    assertThat(payload.getPrimary().getKey())
        .isInstanceOfSatisfying(
            AesGcmKey.class, k -> assertThat(k.getParameters().getKeySizeBytes()).isEqualTo(32));
  }

  @Test
  void sameSeedAndName_giveTheSameKeysAndIds_acrossInstances() {
    TestKeys one = TestKeys.fromSeed(SEED);
    TestKeys two = TestKeys.fromSeed(SEED);

    assertThat(one.getSigningKeyset("orders-ns").equalsKeyset(two.getSigningKeyset("orders-ns")))
        .isTrue();
    assertThat(one.getPayloadKeyset("shared").equalsKeyset(two.getPayloadKeyset("shared")))
        .isTrue();
    assertThat(one.getPayloadKeyset("shared").getPrimary().getId())
        .isEqualTo(two.getPayloadKeyset("shared").getPrimary().getId());
    assertThat(one.getSigningKeyset("orders-ns")).isSameAs(one.getSigningKeyset("orders-ns"));
  }

  @Test
  void differentNamesSeedsOrPurposes_giveDifferentKeysAndIds() {
    TestKeys keys = TestKeys.fromSeed(SEED);
    TestKeys other = TestKeys.fromSeed(seed(8));

    assertThat(
            sameKeyMaterial(
                keys.getSigningKeyset("orders-ns"), keys.getSigningKeyset("payments-ns")))
        .isFalse();
    assertThat(
            sameKeyMaterial(
                keys.getSigningKeyset("orders-ns"), other.getSigningKeyset("orders-ns")))
        .isFalse();
    assertThat(keys.getPayloadKeyset("shared").getPrimary().getId())
        .isNotEqualTo(keys.getPayloadKeyset("audit").getPrimary().getId())
        .isNotEqualTo(other.getPayloadKeyset("shared").getPrimary().getId());
    assertThat(keys.getPayloadKeyset("x").getPrimary().getId())
        .isNotEqualTo(keys.getSigningKeyset("x").getPrimary().getId());
  }

  @Test
  void randomSeeds_giveDifferentKeysEveryRun() {
    assertThat(
            sameKeyMaterial(
                TestKeys.random().getPayloadKeyset("shared"),
                TestKeys.random().getPayloadKeyset("shared")))
        .isFalse();
  }

  @Test
  void withNewPrimaryKey_keepsTheOldKeys_andPromotesANewOne() {
    TestKeys keys = TestKeys.fromSeed(SEED);
    KeysetHandle base = keys.getPayloadKeyset("shared");

    KeysetHandle rotated = keys.withNewPrimaryKey(base, "next");

    assertThat(rotated.size()).isEqualTo(2);
    assertThat(rotated.getAt(0).getId()).isEqualTo(base.getPrimary().getId());
    assertThat(rotated.getAt(0).isPrimary()).isFalse();
    assertThat(rotated.getPrimary().getId()).isNotEqualTo(base.getPrimary().getId());
    assertThat(keys.withNewPrimaryKey(base, "next").getPrimary().getId())
        .isEqualTo(rotated.getPrimary().getId());
    assertThat(base.size()).as("base unchanged").isEqualTo(1);
  }

  @Test
  void withNewPrimaryKey_whoseIdIsTaken_isRejected() {
    TestKeys keys = TestKeys.fromSeed(SEED);
    KeysetHandle rotated = keys.withNewPrimaryKey(keys.getPayloadKeyset("shared"), "next");

    assertThatThrownBy(() -> keys.withNewPrimaryKey(rotated, "next"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("base already holds a key with id ")
        .hasMessageEndingWith("; use another label");
  }

  @Test
  void fromSeed_ofWrongLength_isRejected() {
    assertThatThrownBy(() -> TestKeys.fromSeed(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed must be exactly 32 bytes, got 31 bytes");
    assertThatThrownBy(() -> TestKeys.fromSeed(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seed must be exactly 32 bytes, got null");
  }

  @Test
  void blankName_isRejected() {
    assertThatThrownBy(() -> TestKeys.random().getSigningKeyset(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key name must be non-blank, got ' '");
  }

  @Test
  void fromSeed_copiesTheSeed() {
    byte[] seed = SEED.clone();
    TestKeys keys = TestKeys.fromSeed(seed);
    Arrays.fill(seed, (byte) 0);

    assertThat(
            keys.getPayloadKeyset("shared")
                .equalsKeyset(TestKeys.fromSeed(SEED).getPayloadKeyset("shared")))
        .isTrue();
  }

  @Test
  void toString_showsNoKeyMaterial() {
    assertThat(TestKeys.random()).hasToString("TestKeys{seed=random}");
    assertThat(TestKeys.fromSeed(SEED)).hasToString("TestKeys{seed=given}");
  }

  /** Whether the primary keys hold the same key material, whatever their ids. */
  private static boolean sameKeyMaterial(KeysetHandle a, KeysetHandle b) {
    return a.getPrimary().getKey().equalsKey(b.getPrimary().getKey());
  }

  private static byte[] seed(int fill) {
    byte[] seed = new byte[32];
    Arrays.fill(seed, (byte) fill);
    return seed;
  }
}
