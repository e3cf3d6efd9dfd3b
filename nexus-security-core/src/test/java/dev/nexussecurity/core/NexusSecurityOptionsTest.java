package dev.nexussecurity.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class NexusSecurityOptionsTest {
  static final NamespaceKeys ORDERS = NamespaceKeys.generate("orders", false);

  @Test
  void build_takesTheNamespaceFromTheKeys_andHasSecureDefaults() {
    NexusSecurityOptions o =
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(ORDERS)
            .setRegistry(new MapRegistry())
            .build();
    assertThat(o.getNamespace()).isEqualTo("orders");
    assertThat(o.getCallerPolicy().getIdentityMode()).isEqualTo(IdentityMode.PAIRWISE);
    assertThat(o.getHandlerPolicy().isRequireCallerLink()).isTrue();
    assertThat(o.getHandlerPolicy().isAllowUnboundInput()).isFalse();
    assertThat(o.getKeyDirectory()).isEqualTo(NamespaceKeyDirectory.empty());
    assertThat(o.isSystemTimeSource()).isTrue();
  }

  @Test
  void build_withNamespaceOtherThanTheKeys_isRejected_namingBoth() {
    assertThatThrownBy(
            () ->
                NexusSecurityOptions.newBuilder()
                    .setNamespace("payments")
                    .setNamespaceKeys(ORDERS)
                    .setRegistry(new MapRegistry())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'payments'")
        .hasMessageContaining("'orders'");
  }

  @Test
  void build_withoutNamespaceOrKeys_isRejected() {
    assertThatThrownBy(
            () -> NexusSecurityOptions.newBuilder().setRegistry(new MapRegistry()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NexusSecurityOptions.namespace is required");
  }

  @Test
  void build_withoutRegistry_isRejected() {
    assertThatThrownBy(() -> NexusSecurityOptions.newBuilder().setNamespaceKeys(ORDERS).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("registry is required");
  }

  @Test
  void build_signatureModeWithoutSignatureKeys_isRejected_namingTheFix() {
    assertThatThrownBy(
            () ->
                NexusSecurityOptions.newBuilder()
                    .setNamespaceKeys(ORDERS)
                    .setRegistry(new MapRegistry())
                    .setCallerPolicy(
                        CallerPolicy.newBuilder().setIdentityMode(IdentityMode.SIGNATURE).build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("identityMode is SIGNATURE")
        .hasMessageContaining("setSignatureKeys");
  }

  @Test
  void setNamespace_blank_isRejected_namingTheValue() {
    assertThatThrownBy(() -> NexusSecurityOptions.newBuilder().setNamespace(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got ' '");
  }

  @Test
  void setClock_feedsTheTimeSource() {
    NexusSecurityOptions o =
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(ORDERS)
            .setRegistry(new MapRegistry())
            .setClock(Clock.fixed(Instant.ofEpochMilli(42), ZoneOffset.UTC))
            .build();
    assertThat(o.getTimeSource().getAsLong()).isEqualTo(42);
    assertThat(o.isSystemTimeSource()).isFalse();
  }

  @Test
  void toBuilder_roundTrips_andToStringShowsNoKeyMaterial() {
    NexusSecurityOptions o =
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(ORDERS)
            .setRegistry(new MapRegistry())
            .build();
    NexusSecurityOptions copy = o.toBuilder().build();
    assertThat(copy.getNamespace()).isEqualTo("orders");
    assertThat(copy.getHandlerPolicy()).isEqualTo(o.getHandlerPolicy());
    assertThat(o.toString()).contains("orders").contains("PAIRWISE").doesNotContain("privateKey");
  }

  @Test
  void handlerPolicy_rejectsBadValues_namingFieldAndValue() {
    assertThatThrownBy(() -> HandlerPolicy.newBuilder().setReplayQuotaPerNamespace(0))
        .hasMessageContaining("HandlerPolicy.replayQuotaPerNamespace")
        .hasMessageContaining("got 0");
    assertThatThrownBy(
            () -> HandlerPolicy.newBuilder().setMaxTokenLifetime(java.time.Duration.ZERO))
        .hasMessageContaining("HandlerPolicy.maxTokenLifetime")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(
            () -> HandlerPolicy.newBuilder().setClockSkew(java.time.Duration.ofSeconds(-1)))
        .hasMessageContaining("HandlerPolicy.clockSkew");
    assertThatThrownBy(() -> HandlerPolicy.newBuilder().setAcceptedModes(java.util.Set.of()))
        .hasMessageContaining("HandlerPolicy.acceptedModes");
  }

  @Test
  void callerPolicy_rejectsBadLifetime_andRoundTrips() {
    assertThatThrownBy(
            () -> CallerPolicy.newBuilder().setMaxTokenLifetime(java.time.Duration.ofMillis(1)))
        .hasMessageContaining("CallerPolicy.maxTokenLifetime");
    CallerPolicy p = CallerPolicy.newBuilder().setIdentityMode(IdentityMode.SIGNATURE).build();
    assertThat(p.toBuilder().build()).isEqualTo(p);
    assertThat(HandlerPolicy.defaults().toBuilder().build()).isEqualTo(HandlerPolicy.defaults());
  }

  /** A provider with no algorithms at all. */
  static final class EmptyProvider extends java.security.Provider {
    private static final long serialVersionUID = 1L;

    EmptyProvider() {
      super("EmptyTestProvider", "1", "no algorithms");
    }
  }

  @Test
  void build_withSignatureProviderWithoutEd25519_isRejected_namingFieldAndProvider() {
    NexusSecurityOptions.Builder b =
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(ORDERS)
            .setRegistry(new MapRegistry())
            .setSignatureProvider(new EmptyProvider());
    assertThatThrownBy(b::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NexusSecurityOptions.signatureProvider")
        .hasMessageContaining("'EmptyTestProvider'")
        .hasMessageContaining("\"Ed25519\" KeyFactory and Signature")
        .hasMessageContaining("leave it unset");
  }

  @Test
  void build_withBouncyCastleSignatureProvider_keepsIt_throughToBuilder_andNamesItInToString() {
    NexusSecurityOptions o =
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(ORDERS)
            .setRegistry(new MapRegistry())
            .setSignatureProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
            .build();
    assertThat(o.getSignatureProvider())
        .hasValueSatisfying(p -> assertThat(p.getName()).isEqualTo("BC"));
    assertThat(o.toBuilder().build().getSignatureProvider()).isEqualTo(o.getSignatureProvider());
    assertThat(o.toString()).contains("signatureProvider=BC");
  }

  @Test
  void build_withoutSignatureProvider_usesTinksOwnEd25519() {
    NexusSecurityOptions o =
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(ORDERS)
            .setRegistry(new MapRegistry())
            .build();
    assertThat(o.getSignatureProvider()).isEmpty();
    assertThat(o.toString()).doesNotContain("signatureProvider");
  }

  @Test
  void setSignatureProvider_null_isRejected_namingTheField() {
    assertThatThrownBy(() -> NexusSecurityOptions.newBuilder().setSignatureProvider(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("NexusSecurityOptions.signatureProvider");
  }
}
