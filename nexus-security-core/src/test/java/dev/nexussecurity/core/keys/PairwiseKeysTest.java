package dev.nexussecurity.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import org.junit.jupiter.api.Test;

class PairwiseKeysTest {
  static final NamespaceKeys ORDERS = NamespaceKeys.generate("orders", false);
  static final NamespaceKeys PAYMENTS = NamespaceKeys.generate("payments", false);
  static final NamespaceKeys BILLING = NamespaceKeys.generate("billing", false);
  static final NamespaceKeyDirectory DIRECTORY =
      NamespaceKeyDirectory.newBuilder()
          .put(ORDERS.toPublicKeys())
          .put(PAYMENTS.toPublicKeys())
          .put(BILLING.toPublicKeys())
          .build();
  static final byte[] DATA = "token".getBytes(StandardCharsets.UTF_8);

  @Test
  void bothSides_deriveTheSameKey_fromTheirOwnPrivateAndTheOthersPublicKey() throws Exception {
    PairwiseKeys.PairKey caller =
        PairwiseKeys.create(ORDERS, DIRECTORY)
            .forSending(PairwiseKeys.Purpose.IDENTITY_TOKEN, "payments");
    PairwiseKeys.PairKey handler =
        PairwiseKeys.create(PAYMENTS, DIRECTORY)
            .get(
                PairwiseKeys.Purpose.IDENTITY_TOKEN,
                "orders",
                caller.getSenderKeyId(),
                "payments",
                caller.getRecipientKeyId());

    handler.mac().verifyMac(caller.mac().computeMac(DATA), DATA);
    assertThat(caller.getSender()).isEqualTo("orders");
    assertThat(caller.getRecipient()).isEqualTo("payments");
    assertThat(caller.getSenderKeyId()).isEqualTo(ORDERS.getAgreementKeys().getPrimary().getId());
  }

  @Test
  void anotherPair_cannotComputeTheKey_soAHandlerCannotForgeForAnotherHandler() throws Exception {
    PairwiseKeys.PairKey ordersToPayments =
        PairwiseKeys.create(ORDERS, DIRECTORY)
            .forSending(PairwiseKeys.Purpose.IDENTITY_TOKEN, "payments");
    // billing holds its own private key and every public key: it can only derive billing's pairs
    PairwiseKeys.PairKey ordersToBillingSeenByBilling =
        PairwiseKeys.create(BILLING, DIRECTORY)
            .get(
                PairwiseKeys.Purpose.IDENTITY_TOKEN,
                "orders",
                ordersToPayments.getSenderKeyId(),
                "billing",
                BILLING.getAgreementKeys().getPrimary().getId());
    byte[] forged = ordersToBillingSeenByBilling.mac().computeMac(DATA);

    PairwiseKeys.PairKey paymentsView =
        PairwiseKeys.create(PAYMENTS, DIRECTORY)
            .get(
                PairwiseKeys.Purpose.IDENTITY_TOKEN,
                "orders",
                ordersToPayments.getSenderKeyId(),
                "payments",
                ordersToPayments.getRecipientKeyId());
    assertThatThrownBy(() -> paymentsView.mac().verifyMac(forged, DATA))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void directionAndPurpose_giveDifferentKeys() throws Exception {
    PairwiseKeys orders = PairwiseKeys.create(ORDERS, DIRECTORY);
    PairwiseKeys payments = PairwiseKeys.create(PAYMENTS, DIRECTORY);
    PairwiseKeys.PairKey input = orders.forSending(PairwiseKeys.Purpose.PAYLOAD, "payments");
    PairwiseKeys.PairKey result = payments.forSending(PairwiseKeys.Purpose.PAYLOAD, "orders");

    byte[] ct = input.aead().encrypt(DATA, new byte[0]);

    assertThat(
            payments
                .get(
                    PairwiseKeys.Purpose.PAYLOAD,
                    "orders",
                    input.getSenderKeyId(),
                    "payments",
                    input.getRecipientKeyId())
                .aead()
                .decrypt(ct, new byte[0]))
        .isEqualTo(DATA);
    assertThatThrownBy(() -> result.aead().decrypt(ct, new byte[0]))
        .isInstanceOf(GeneralSecurityException.class);
    byte[] tag =
        orders.forSending(PairwiseKeys.Purpose.IDENTITY_TOKEN, "payments").mac().computeMac(DATA);
    assertThatThrownBy(
            () ->
                orders
                    .forSending(PairwiseKeys.Purpose.OPERATION_TOKEN, "payments")
                    .mac()
                    .verifyMac(tag, DATA))
        .isInstanceOf(GeneralSecurityException.class);
  }

  @Test
  void cacheHit_returnsTheSameKey() {
    PairwiseKeys orders = PairwiseKeys.create(ORDERS, DIRECTORY);

    assertThat(orders.forSending(PairwiseKeys.Purpose.PAYLOAD, "payments"))
        .isSameAs(orders.forSending(PairwiseKeys.Purpose.PAYLOAD, "payments"));
  }

  @Test
  void unknownPeer_isRefusedNamingIt() {
    assertThatThrownBy(
            () ->
                PairwiseKeys.create(ORDERS, DIRECTORY)
                    .forSending(PairwiseKeys.Purpose.PAYLOAD, "unknown-ns"))
        .isInstanceOf(PairwiseKeyException.class)
        .hasMessage("the key directory has no keys for namespace 'unknown-ns'");
  }

  @Test
  void revokedPeerKey_isRefused() {
    int paymentsKey = PAYMENTS.getAgreementKeys().getPrimary().getId();
    KeysetHandle rotated = withSecondKey(PAYMENTS.getAgreementKeys());
    NamespaceKeyDirectory revoked =
        DIRECTORY.toBuilder()
            .put(
                NamespacePublicKeys.newBuilder("payments")
                    .setAgreementKeys(publicOf(rotated))
                    .addRevokedKeyId(paymentsKey)
                    .build())
            .build();

    assertThatThrownBy(
            () ->
                PairwiseKeys.create(ORDERS, revoked)
                    .get(
                        PairwiseKeys.Purpose.PAYLOAD,
                        "orders",
                        ORDERS.getAgreementKeys().getPrimary().getId(),
                        "payments",
                        paymentsKey))
        .isInstanceOf(PairwiseKeyException.class)
        .hasMessage(
            "key-agreement key "
                + Integer.toUnsignedString(paymentsKey)
                + " of namespace 'payments' is revoked in the key directory");
  }

  @Test
  void notAParty_isRefused() {
    assertThatThrownBy(
            () ->
                PairwiseKeys.create(BILLING, DIRECTORY)
                    .get(PairwiseKeys.Purpose.PAYLOAD, "orders", 1, "payments", 2))
        .isInstanceOf(PairwiseKeyException.class)
        .hasMessageContaining("'billing' is neither the sender 'orders' nor the recipient");
  }

  @Test
  void ownKeyNotHeld_isRefused() {
    assertThatThrownBy(
            () ->
                PairwiseKeys.create(ORDERS, DIRECTORY)
                    .get(
                        PairwiseKeys.Purpose.PAYLOAD,
                        "orders",
                        12345,
                        "payments",
                        PAYMENTS.getAgreementKeys().getPrimary().getId()))
        .isInstanceOf(PairwiseKeyException.class)
        .hasMessage(
            "key-agreement key 12345 of namespace 'orders' is not an enabled key of this worker's"
                + " own keyset");
  }

  @Test
  void toString_showsNoKeyMaterial() {
    PairwiseKeys.PairKey k =
        PairwiseKeys.create(ORDERS, DIRECTORY).forSending(PairwiseKeys.Purpose.PAYLOAD, "payments");

    assertThat(k.toString()).startsWith("PairKey{PAYLOAD orders/").contains(" -> payments/");
  }

  static KeysetHandle withSecondKey(KeysetHandle keyset) {
    try {
      return TinkKeysets.withNewKey(keyset, TinkKeysets.Kind.AGREEMENT, true);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeysetHandle publicOf(KeysetHandle keyset) {
    try {
      return keyset.getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
