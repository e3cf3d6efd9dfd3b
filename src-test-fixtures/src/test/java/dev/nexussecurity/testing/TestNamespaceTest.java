package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.signature.Ed25519PrivateKey;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.ConverterFingerprint;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.NexusSecurityOptions;
import io.temporal.worker.WorkerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TestNamespaceTest {
  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace("orders-ns")
          .addNamespace("audit-ns", PayloadEncryption.keyset("audit"))
          .addNamespace("legacy-ns", PayloadEncryption.none())
          .build();

  @Test
  void encryptedNamespace_hasACodecOverItsKeyset_inItsClientsConverter(
      @Namespace("orders-ns") TestNamespace orders) {
    TinkPayloadCodec codec = orders.getPayloadCodec().orElseThrow();

    assertThat(orders.getName()).isEqualTo("orders-ns");
    assertThat(orders.getPayloadEncryption()).isEqualTo(PayloadEncryption.sharedKeyset());
    assertThat(codec.getKeysetName()).isEqualTo("shared");
    assertThat(codec.describe().getEncryptionKeyId())
        .contains(
            "shared/"
                + Integer.toUnsignedString(
                    orders.getPayloadKeyset().orElseThrow().getPrimary().getId()));
    assertThat(orders.getWorkflowClient().getOptions().getNamespace()).isEqualTo("orders-ns");
    assertThat(orders.getWorkflowClient().getOptions().getDataConverter())
        .isSameAs(orders.getDataConverter());
    assertThat(ConverterFingerprint.of(orders.getDataConverter()).getCodecs().orElseThrow())
        .containsExactly(codec.describe());
  }

  @Test
  void namespacesWithDifferentKeysets_encryptWithDifferentKeys(
      @Namespace("orders-ns") TestNamespace orders, @Namespace("audit-ns") TestNamespace audit) {
    assertThat(audit.getPayloadCodec().orElseThrow().getKeysetName()).isEqualTo("audit");
    assertThat(audit.getPayloadKeyset().orElseThrow().getPrimary().getKey())
        .isNotEqualTo(orders.getPayloadKeyset().orElseThrow().getPrimary().getKey());
  }

  @Test
  void namespaceWithoutEncryption_hasNoCodecAndNoPayloadKeyset(
      @Namespace("legacy-ns") TestNamespace legacy) {
    assertThat(legacy.getPayloadCodec()).isEmpty();
    assertThat(legacy.getPayloadKeyset()).isEmpty();
    assertThat(ConverterFingerprint.of(legacy.getDataConverter()).getCodecs().orElseThrow())
        .isEmpty();
  }

  @Test
  void options_carryTheNamespacesKeysRegistryConverterAndTrust(
      @Namespace("orders-ns") TestNamespace orders, NexusSecurityTestEnvironment env) {
    NexusSecurityOptions options = orders.getNexusSecurity().getOptions();

    assertThat(options.getNamespace()).isEqualTo("orders-ns");
    assertThat(options.getRegistry()).isSameAs(env.getRegistry());
    assertThat(options.getNamespaceKeys()).contains(orders.getNamespaceKeys());
    assertThat(orders.getSigningKeyset().getPrimary().getKey())
        .isInstanceOf(Ed25519PrivateKey.class);
    assertThat(options.getKeyDirectory()).isSameAs(env.getKeyDirectory());
    assertThat(env.getKeyDirectory().getNamespaces())
        .containsExactlyInAnyOrder("audit-ns", "legacy-ns", "orders-ns");
    assertThat(options.getDataConverter()).contains(orders.getDataConverter());
    assertThat(options.getCallerPolicy().getIdentityMode()).isEqualTo(IdentityMode.PAIRWISE);
    assertThat(options.isEnforceOnCaller()).isTrue();
    assertThat(options.getAuditListeners()).hasSize(1);
  }

  @Test
  void newOptionsBuilder_changesOnlyTheNewOptions(@Namespace("orders-ns") TestNamespace orders) {
    NexusSecurityOptions rogue = orders.newOptionsBuilder().setEnforceOnCaller(false).build();

    assertThat(rogue.isEnforceOnCaller()).isFalse();
    assertThat(rogue.getAuditListeners())
        .isEqualTo(orders.getNexusSecurity().getOptions().getAuditListeners());
    assertThat(orders.getNexusSecurity().getOptions().isEnforceOnCaller()).isTrue();
    WorkerFactory factory = orders.newWorkerFactory(rogue);
    assertThat(factory.getWorkflowClient()).isSameAs(orders.getWorkflowClient());
  }

  @Test
  void newWorkerFactory_withAnotherNamespacesClientOrOptions_isRejected(
      @Namespace("orders-ns") TestNamespace orders, @Namespace("audit-ns") TestNamespace audit) {
    assertThatThrownBy(() -> orders.newWorkerFactory(audit.newOptionsBuilder().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the NexusSecurityOptions are for namespace 'audit-ns', not 'orders-ns'; start from"
                + " newOptionsBuilder() of this TestNamespace");
    assertThatThrownBy(
            () ->
                orders.newWorkerFactory(
                    audit.getWorkflowClient(), orders.newOptionsBuilder().build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the client is for namespace 'audit-ns', not 'orders-ns'; use newWorkflowClient(converter)"
                + " of this TestNamespace");
  }

  @Test
  void newWorkflowClient_usesTheGivenConverter_inThisNamespace(
      @Namespace("orders-ns") TestNamespace orders) {
    var converter = TestConverters.withoutCodec();

    var client = orders.newWorkflowClient(converter);

    assertThat(client.getOptions().getNamespace()).isEqualTo("orders-ns");
    assertThat(client.getOptions().getDataConverter()).isSameAs(converter);
  }

  @Test
  void toString_namesNamespaceAndProtection_only(@Namespace("audit-ns") TestNamespace audit) {
    assertThat(audit)
        .hasToString(
            "TestNamespace{name=audit-ns, payloadEncryption=PayloadEncryption{keyset=audit}}");
  }
}
