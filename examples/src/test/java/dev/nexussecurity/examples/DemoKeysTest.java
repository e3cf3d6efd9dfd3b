package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoKeysTest {
  @TempDir Path dir;

  @Test
  void create_writesKeysPerNamespaceADirectoryWithAllAndTheFraudKeyset() {
    PayloadAcceptance accepts =
        PayloadAcceptance.newBuilder().setPairwise(true).addSharedKeyset("fraud").build();

    DemoKeys keys =
        DemoKeys.create(dir, List.of("orders", "payments"), Map.of("payments", accepts));

    NamespaceKeys orders =
        NamespaceKeys.load(KeysetSource.insecureCleartextJson(keys.namespaceKeysFile("orders")));
    assertThat(orders.getNamespace()).isEqualTo("orders");
    assertThat(keys.namespaceKeysFile("orders").getFileName().toString())
        .isEqualTo("DEV-ONLY-orders.keys.json");
    NamespaceKeyDirectory directory = NamespaceKeyDirectory.load(keys.keyDirectoryFile());
    assertThat(directory.getNamespaces()).containsExactlyInAnyOrder("orders", "payments");
    assertThat(directory.findNamespace("payments").orElseThrow().getPayloadAcceptance())
        .contains(accepts);
    assertThat(directory.findNamespace("orders").orElseThrow().getPayloadAcceptance()).isEmpty();
    assertThat(directory.findNamespace("orders").orElseThrow()).isEqualTo(orders.toPublicKeys());
    assertThat(Files.exists(keys.sharedKeysetFile("fraud"))).isTrue();
  }

  @Test
  void run_aFailingCommand_namesTheCommandAndItsExitCode() {
    DemoKeys keys = DemoKeys.create(dir, List.of("orders"), Map.of());

    assertThatThrownBy(
            () ->
                keys.run(
                    "namespace-keys",
                    "create",
                    "--namespace",
                    "orders",
                    "--out",
                    keys.namespaceKeysFile("orders").toString(),
                    "--insecure-cleartext"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("nexus-security-keys namespace-keys create")
        .hasMessageContaining("exited with 3");
  }

  @Test
  void create_withAcceptanceForAnUnknownNamespace_isRefused() {
    assertThatThrownBy(
            () ->
                DemoKeys.create(
                    dir,
                    List.of("orders"),
                    Map.of("payments", PayloadAcceptance.newBuilder().setPairwise(true).build())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no keys for payments");
  }
}
