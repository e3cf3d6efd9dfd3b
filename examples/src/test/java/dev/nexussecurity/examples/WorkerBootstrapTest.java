package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.CompatibilityReport;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.RegistryFileException;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerBootstrapTest {
  /** The sample registry committed in examples/config (the module's base directory is the cwd). */
  static final Path SAMPLE_REGISTRY = Path.of("config", "registry.json");

  @TempDir Path dir;
  private DevKeys keys;

  @BeforeEach
  void generateKeys() {
    keys =
        DevKeys.generate(
            dir.resolve("keys"), "payments", List.of("orders", "analytics"), "payments");
  }

  @Test
  void loadRegistry_sampleFile_routesPaymentsToItsHandlerAndAllowsOrdersOnly() {
    InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(SAMPLE_REGISTRY);

    NexusEndpoint payments = registry.findEndpoint("payments").orElseThrow();
    assertThat(payments.getTargetNamespace()).isEqualTo("payments");
    assertThat(payments.getTargetTaskQueue()).isEqualTo("payments-nexus");
    assertThat(payments.getAllowedCallerNamespaces()).containsExactly("orders");
    assertThat(payments.getVersion()).isEqualTo(1);
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
        .hasMessageContaining("line 7")
        .hasMessageContaining("targetTaskQueue")
        .hasMessageContaining("/_sys/");
    assertThat(Files.readString(file)).contains("/_sys/payments");
  }

  @Test
  void newDataConverter_encryptsEveryPayloadUnderTheKeysetName() {
    DataConverter converter =
        WorkerBootstrap.newDataConverter(DevKeysTest.callerSettings(keys, "orders"));

    Payload payload = converter.toPayload("order-1").orElseThrow();

    assertThat(payload.getMetadataOrThrow("encoding").toString(StandardCharsets.UTF_8))
        .isEqualTo("binary/encrypted");
    assertThat(payload.getMetadataOrThrow("nexus-security-keyset").toString(StandardCharsets.UTF_8))
        .isEqualTo("payments");
    assertThat(payload.getData().toStringUtf8()).doesNotContain("order-1");
    assertThat(converter.fromPayload(payload, String.class, String.class)).isEqualTo("order-1");
  }

  @Test
  void newDataConverter_withAMissingKeysetFile_namesTheFile() {
    WorkerSettings settings =
        DevKeysTest.callerSettings(keys, "orders").toBuilder()
            .setPayloadKeysetFile(dir.resolve("no-such-keyset.json"))
            .build();

    assertThatThrownBy(() -> WorkerBootstrap.newDataConverter(settings))
        .isInstanceOf(dev.nexussecurity.core.keys.KeysetLoadException.class)
        .hasMessageContaining("no-such-keyset.json");
  }

  @Test
  void requireCompatibleConverters_sharedKeyset_passesEveryProbe() {
    DataConverter caller =
        WorkerBootstrap.newDataConverter(DevKeysTest.callerSettings(keys, "orders"));
    DataConverter handler = WorkerBootstrap.newDataConverter(DevKeysTest.handlerSettings(keys));

    CompatibilityReport report = WorkerBootstrap.requireCompatibleConverters(caller, handler);

    assertThat(report.isCompatible()).isTrue();
    assertThat(report.getEntries())
        .extracting(CompatibilityReport.Entry::getProbe)
        .contains("quote request", "quote", "charge request", "charge receipt");
  }

  @Test
  void requireCompatibleConverters_callerEncryptsWithAKeyTheHandlerLacks_refusesToStart() {
    Path newKey = dir.resolve("keys/rotated.json");
    DevKeys.writeWithNewPrimaryKey(keys.getPayloadKeysetFile(), newKey);
    DataConverter caller =
        WorkerBootstrap.newDataConverter(
            DevKeysTest.callerSettings(keys, "orders").toBuilder()
                .setPayloadKeysetFile(newKey)
                .build());
    DataConverter handler = WorkerBootstrap.newDataConverter(DevKeysTest.handlerSettings(keys));

    assertThatThrownBy(() -> WorkerBootstrap.requireCompatibleConverters(caller, handler))
        .isInstanceOfSatisfying(
            IncompatibleConvertersException.class,
            e -> {
              assertThat(e.getMessage())
                  .startsWith(
                      "Caller and handler DataConverters are not compatible, refusing to start")
                  .contains("ENCRYPTION_KEY_UNAVAILABLE");
              assertThat(e.getReport().getFailures())
                  .isNotEmpty()
                  .allMatch(f -> f.getDirection() == CompatibilityReport.Direction.INPUT)
                  .allMatch(f -> f.getCause() == CompatibilityReport.Cause.KEY_UNAVAILABLE);
              assertThat(e.getReport().getFailures())
                  .extracting(CompatibilityReport.Entry::getProbe)
                  .contains("quote request", "charge request");
            });
  }

  @Test
  void requireCompatibleConverters_handlerWithoutTheCodec_refusesToStart() {
    DataConverter caller =
        WorkerBootstrap.newDataConverter(DevKeysTest.callerSettings(keys, "orders"));

    assertThatThrownBy(
            () ->
                WorkerBootstrap.requireCompatibleConverters(
                    caller, DefaultDataConverter.newDefaultInstance()))
        .isInstanceOfSatisfying(
            IncompatibleConvertersException.class,
            e ->
                assertThat(e.getReport().getFailures())
                    .anyMatch(f -> f.getCause() == CompatibilityReport.Cause.CODEC_MISSING));
  }

  @Test
  void newNexusSecurity_callerSignsAndHandlerTrustsItsCallers() {
    DataConverter converter =
        WorkerBootstrap.newDataConverter(DevKeysTest.callerSettings(keys, "orders"));
    InMemoryEndpointRegistry registry = WorkerBootstrap.loadRegistry(SAMPLE_REGISTRY);

    NexusSecurity caller =
        WorkerBootstrap.newNexusSecurity(
            DevKeysTest.callerSettings(keys, "orders"), registry, converter);
    NexusSecurity handler =
        WorkerBootstrap.newNexusSecurity(DevKeysTest.handlerSettings(keys), registry, converter);

    assertThat(caller.getOptions().getNamespace()).isEqualTo("orders");
    assertThat(caller.getOptions().getSigningKeyset()).isNotNull();
    assertThat(caller.getOptions().getTrustStore().getNamespaces()).isEmpty();
    assertThat(caller.getOptions().isEnforceOnCaller()).isTrue();
    assertThat(caller.getOptions().getDataConverter()).isSameAs(converter);
    assertThat(handler.getOptions().getNamespace()).isEqualTo("payments");
    assertThat(handler.getOptions().getSigningKeyset()).isNull();
    assertThat(handler.getOptions().getTrustStore().getNamespaces())
        .containsExactly("analytics", "orders");
    assertThat(handler.getOptions().getRegistry()).isSameAs(registry);
  }
}
