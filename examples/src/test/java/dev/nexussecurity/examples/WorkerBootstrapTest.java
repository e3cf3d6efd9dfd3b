package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.RegistryFileException;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerBootstrapTest {
  /** The sample registry committed in examples/config (the module's base directory is the cwd). */
  static final Path SAMPLE_REGISTRY = Path.of("config", "registry.json");

  @TempDir static Path dir;
  private static DemoKeys keys;

  @BeforeAll
  static void makeKeys() {
    keys =
        DemoKeys.create(
            dir.resolve("keys"),
            List.of("orders", "payments"),
            Map.of(
                "payments",
                PayloadAcceptance.newBuilder().setPairwise(true).addSharedKeyset("fraud").build()));
  }

  static WorkerSettings.Builder settings(String namespace) {
    return WorkerSettings.newBuilder()
        .setNamespace(namespace)
        .setTaskQueue(namespace + "-tq")
        .setNamespaceKeysFile(keys.namespaceKeysFile(namespace))
        .setKeyDirectoryFile(keys.keyDirectoryFile())
        .putSharedKeysetFile(
            WorkerSettings.FRAUD_KEYSET, keys.sharedKeysetFile(WorkerSettings.FRAUD_KEYSET));
  }

  @Test
  void loadRegistry_sampleFile_routesPaymentsToItsHandlerAndAllowsOrdersOnly() {
    InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(SAMPLE_REGISTRY);

    NexusEndpoint payments = registry.findEndpoint("payments").orElseThrow();
    assertThat(payments.getTargetNamespace()).isEqualTo("payments");
    assertThat(payments.getTargetTaskQueue()).isEqualTo("payments-nexus");
    assertThat(payments.getAllowedCallerNamespaces()).containsExactly("orders");
    assertThat(registry.checkAccess("payments", "orders").isAllowed()).isTrue();
    assertThat(registry.checkAccess("payments", "analytics").isAllowed()).isFalse();
  }

  @Test
  void loadRegistry_invalidFile_isRejectedWithFileLineAndRule() throws Exception {
    Path file = dir.resolve("registry.json");
    String sample = Files.readString(SAMPLE_REGISTRY);
    Files.writeString(file, sample.replace("\"payments-nexus\"", "\"/_sys/payments\""));

    assertThatThrownBy(() -> WorkerBootstrap.loadRegistry(file))
        .isInstanceOf(RegistryFileException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("targetTaskQueue")
        .hasMessageContaining("/_sys/");
    assertThat(Files.readString(file)).contains("/_sys/payments");
  }

  @Test
  void loadKeys_readsTheNamespaceKeysAndTheDirectory() {
    WorkerKeys loaded = WorkerBootstrap.loadKeys(settings("orders").build());

    assertThat(loaded.getNamespaceKeys().getNamespace()).isEqualTo("orders");
    assertThat(loaded.getDirectory().getNamespaces())
        .containsExactlyInAnyOrder("orders", "payments");
    assertThat(loaded.getDirectory().findNamespace("payments").orElseThrow().getPayloadAcceptance())
        .hasValueSatisfying(a -> assertThat(a.isPairwise()).isTrue());
  }

  @Test
  void loadKeys_withAnotherNamespacesKeysFile_namesBothNamespaces() {
    WorkerSettings wrong =
        settings("orders").setNamespaceKeysFile(keys.namespaceKeysFile("payments")).build();

    assertThatThrownBy(() -> WorkerBootstrap.loadKeys(wrong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payments")
        .hasMessageContaining("not orders");
  }

  @Test
  void loadKeys_withAMissingKeysFile_namesTheFile() {
    WorkerSettings missing =
        settings("orders").setNamespaceKeysFile(dir.resolve("no-such.keys.json")).build();

    assertThatThrownBy(() -> WorkerBootstrap.loadKeys(missing))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("no-such.keys.json");
  }

  @Test
  void newDataConverter_encryptsEveryPayload_andOnlyItsNamespaceReadsItsOwnPayloads() {
    WorkerSettings orders = settings("orders").build();
    WorkerSettings payments = settings("payments").build();
    DataConverter ordersConverter =
        WorkerBootstrap.newDataConverter(orders, WorkerBootstrap.loadKeys(orders));
    DataConverter paymentsConverter =
        WorkerBootstrap.newDataConverter(payments, WorkerBootstrap.loadKeys(payments));

    Payload payload = ordersConverter.toPayload("order-1").orElseThrow();

    assertThat(payload.getMetadataOrThrow("encoding").toString(StandardCharsets.UTF_8))
        .isEqualTo("binary/encrypted");
    assertThat(payload.getData().toStringUtf8()).doesNotContain("order-1");
    assertThat(ordersConverter.fromPayload(payload, String.class, String.class))
        .isEqualTo("order-1");
    // outside a Nexus call the payload is orders' own (pairwise with itself): payments cannot
    assertThatThrownBy(() -> paymentsConverter.fromPayload(payload, String.class, String.class))
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void newDataConverter_withAMissingSharedKeysetFile_namesTheFile() {
    WorkerSettings settings =
        settings("orders")
            .putSharedKeysetFile(WorkerSettings.FRAUD_KEYSET, dir.resolve("no-such-keyset.json"))
            .build();
    WorkerKeys loaded = WorkerBootstrap.loadKeys(settings);

    assertThatThrownBy(() -> WorkerBootstrap.newDataConverter(settings, loaded))
        .isInstanceOf(KeysetLoadException.class)
        .hasMessageContaining("no-such-keyset.json");
  }

  @Test
  void requireCompatibleConverters_pairwiseAndPerServiceKeys_passEveryCall() {
    WorkerSettings orders = settings("orders").build();
    WorkerSettings payments = settings("payments").build();
    DataConverter caller =
        WorkerBootstrap.newDataConverter(orders, WorkerBootstrap.loadKeys(orders));
    DataConverter handler =
        WorkerBootstrap.newDataConverter(payments, WorkerBootstrap.loadKeys(payments));

    List<CompatibilityReport> reports =
        WorkerBootstrap.requireCompatibleConverters("orders", paymentsEndpoint(), caller, handler);

    assertThat(reports).hasSize(3).allMatch(CompatibilityReport::isCompatible);
  }

  @Test
  void requireCompatibleConverters_handlerWithAnotherFraudKeyset_refusesNamingTheCall() {
    Path otherFraud = dir.resolve("other-fraud.keyset.json");
    keys.run("keyset", "create", "--out", otherFraud.toString(), "--insecure-cleartext");
    WorkerSettings orders = settings("orders").build();
    WorkerSettings payments =
        settings("payments").putSharedKeysetFile(WorkerSettings.FRAUD_KEYSET, otherFraud).build();
    DataConverter caller =
        WorkerBootstrap.newDataConverter(orders, WorkerBootstrap.loadKeys(orders));
    DataConverter handler =
        WorkerBootstrap.newDataConverter(payments, WorkerBootstrap.loadKeys(payments));

    assertThatThrownBy(
            () ->
                WorkerBootstrap.requireCompatibleConverters(
                    "orders", paymentsEndpoint(), caller, handler))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Incompatible converters for FraudService/screen:");
  }

  @Test
  void requireCompatibleConverters_handlerWithoutTheCodec_refusesToStart() {
    WorkerSettings orders = settings("orders").build();
    DataConverter caller =
        WorkerBootstrap.newDataConverter(orders, WorkerBootstrap.loadKeys(orders));

    assertThatThrownBy(
            () ->
                WorkerBootstrap.requireCompatibleConverters(
                    "orders",
                    paymentsEndpoint(),
                    caller,
                    DefaultDataConverter.newDefaultInstance()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Incompatible converters for PaymentsService/quote:")
        .hasMessageContaining("CODEC_MISSING");
  }

  private static NexusEndpoint paymentsEndpoint() {
    return WorkerBootstrap.loadRegistry(SAMPLE_REGISTRY).findEndpoint("payments").orElseThrow();
  }

  @Test
  void newNexusSecurity_usesTheNamespaceKeysDirectoryAndPairwiseIdentity() {
    WorkerSettings orders = settings("orders").build();
    WorkerKeys loaded = WorkerBootstrap.loadKeys(orders);
    DataConverter converter = WorkerBootstrap.newDataConverter(orders, loaded);
    InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(SAMPLE_REGISTRY);

    NexusSecurity security = WorkerBootstrap.newNexusSecurity(orders, registry, loaded, converter);

    assertThat(security.getOptions().getNamespace()).isEqualTo("orders");
    assertThat(security.getOptions().getNamespaceKeys()).contains(loaded.getNamespaceKeys());
    assertThat(security.getOptions().getKeyDirectory()).isSameAs(loaded.getDirectory());
    assertThat(security.getOptions().getCallerPolicy().getIdentityMode())
        .isEqualTo(IdentityMode.PAIRWISE);
    assertThat(security.getOptions().getHandlerPolicy().isRequireCallerLink()).isTrue();
    assertThat(security.getOptions().isEnforceOnCaller()).isTrue();
    assertThat(security.getOptions().getRegistry()).isSameAs(registry);
  }
}
