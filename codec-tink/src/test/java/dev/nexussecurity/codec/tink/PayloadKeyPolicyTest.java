package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.PayloadProtection;
import org.junit.jupiter.api.Test;

class PayloadKeyPolicyTest {
  static final PayloadKeyPolicy POLICY =
      PayloadKeyPolicy.newBuilder()
          .setDefault(PayloadProtection.pairwise())
          .setForEndpoint("payments", PayloadProtection.shared("payments"))
          .setForService("payments", "RefundService", PayloadProtection.hpke())
          .build();

  @Test
  void select_prefersServiceThenEndpointThenDefault() {
    assertThat(POLICY.select("payments", "RefundService")).isEqualTo(PayloadProtection.hpke());
    assertThat(POLICY.select("payments", "ChargeService"))
        .isEqualTo(PayloadProtection.shared("payments"));
    assertThat(POLICY.select("ledger", "RefundService")).isEqualTo(PayloadProtection.pairwise());
  }

  @Test
  void unbound_defaultsToTheDefault_andCanBeSetApart() {
    assertThat(POLICY.getUnbound()).isEqualTo(PayloadProtection.pairwise());
    PayloadKeyPolicy withUnbound =
        POLICY.toBuilder().setUnbound(PayloadProtection.shared("default")).build();
    assertThat(withUnbound.getUnbound()).isEqualTo(PayloadProtection.shared("default"));
    assertThat(withUnbound.allProtections())
        .containsExactlyInAnyOrder(
            PayloadProtection.pairwise(),
            PayloadProtection.shared("default"),
            PayloadProtection.shared("payments"),
            PayloadProtection.hpke());
  }

  @Test
  void toBuilder_roundTrips_andEqualityFollowsEntries() {
    assertThat(POLICY.toBuilder().build()).isEqualTo(POLICY).hasSameHashCodeAs(POLICY);
    assertThat(POLICY.toBuilder().setForEndpoint("ledger", PayloadProtection.hpke()).build())
        .isNotEqualTo(POLICY);
    assertThat(POLICY.toString())
        .contains("default=pairwise", "payments=shared:payments", "RefundService=hpke");
  }

  @Test
  void build_withoutDefault_failsNamingTheField() {
    assertThatThrownBy(() -> PayloadKeyPolicy.newBuilder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("default");
  }

  @Test
  void entries_withEmptyOrUnsafeNames_areRefusedNamingFieldAndValue() {
    assertThatThrownBy(
            () -> PayloadKeyPolicy.newBuilder().setForEndpoint("", PayloadProtection.hpke()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(
            () ->
                PayloadKeyPolicy.newBuilder()
                    .setForService("payments", "Refund\nService", PayloadProtection.hpke()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("service")
        .hasMessageNotContaining("\n");
  }

  @Test
  void maps_areUnmodifiable() {
    assertThatThrownBy(() -> POLICY.getEndpoints().put("x", PayloadProtection.hpke()))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> POLICY.getServices().get("payments").clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toBuilder_keepsAnUnboundProtectionSetApart_andOnlyThat() {
    PayloadKeyPolicy withUnbound =
        POLICY.toBuilder().setUnbound(PayloadProtection.shared("default")).build();

    assertThat(withUnbound.toBuilder().build().getUnbound())
        .isEqualTo(PayloadProtection.shared("default"));
    assertThat(POLICY.toBuilder().setDefault(PayloadProtection.hpke()).build().getUnbound())
        .as("an unbound protection that was only the default follows a new default")
        .isEqualTo(PayloadProtection.hpke());
  }

  @Test
  void getEndpointsAndHashCode_reflectTheEntries() {
    assertThat(POLICY.getEndpoints())
        .containsExactly(java.util.Map.entry("payments", PayloadProtection.shared("payments")));
    assertThat(POLICY.hashCode())
        .isNotEqualTo(
            POLICY.toBuilder()
                .setForEndpoint("ledger", PayloadProtection.hpke())
                .build()
                .hashCode())
        .isNotZero();
  }

  @Test
  void names_withAnUnsafeFirstCharacter_areRefused() {
    assertThatThrownBy(
            () ->
                PayloadKeyPolicy.newBuilder()
                    .setForEndpoint("\npayments", PayloadProtection.hpke()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "PayloadKeyPolicy.endpoint must be non-empty printable text, got '\\u000Apayments'");
  }
}
