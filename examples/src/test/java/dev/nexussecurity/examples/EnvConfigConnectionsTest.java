package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.WorkerConnection;
import dev.nexussecurity.connection.WorkerConnectionOptions;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The envconfig path: options built from given profiles and environments, and the security rules.
 */
class EnvConfigConnectionsTest {
  private static final String TWO_WORKERS_TOML =
      "[profile.orders]\n"
          + "address = \"127.0.0.1:7233\"\n"
          + "namespace = \"orders\"\n"
          + "\n"
          + "[profile.payments]\n"
          + "address = \"payments.example.com:7233\"\n"
          + "namespace = \"payments\"\n"
          + "api_key = \"payments-api-key-do-not-print\"\n";

  private static LoadClientConfigProfileOptions tomlProfile(String profile) {
    return LoadClientConfigProfileOptions.newBuilder()
        .setConfigFileData(TWO_WORKERS_TOML.getBytes(StandardCharsets.UTF_8))
        .setConfigFileProfile(profile)
        .setEnvOverrides(Map.of())
        .build();
  }

  @Test
  void environmentOnly_addressAndNamespace_plaintextToLoopback() {
    WorkerConnectionOptions options =
        EnvConfigConnections.loadOptions(
            EnvConfigConnections.environmentOnly(
                Map.of("TEMPORAL_ADDRESS", "127.0.0.1:7233", "TEMPORAL_NAMESPACE", "orders")));

    assertThat(options.getTarget()).isEqualTo("127.0.0.1:7233");
    assertThat(options.getNamespace()).isEqualTo("orders");
    assertThat(options.isTlsEnabled()).isFalse();
    assertThat(options.hasApiKey()).isFalse();
  }

  @Test
  void tomlProfiles_giveEachWorkerItsOwnServerNamespaceAndCredentials() {
    WorkerConnectionOptions orders = EnvConfigConnections.loadOptions(tomlProfile("orders"));
    WorkerConnectionOptions payments = EnvConfigConnections.loadOptions(tomlProfile("payments"));

    assertThat(orders.getNamespace()).isEqualTo("orders");
    assertThat(orders.getTarget()).isEqualTo("127.0.0.1:7233");
    assertThat(orders.isTlsEnabled()).isFalse();
    assertThat(payments.getNamespace()).isEqualTo("payments");
    assertThat(payments.getTarget()).isEqualTo("payments.example.com:7233");
    assertThat(payments.hasApiKey()).isTrue();
    assertThat(payments.isTlsEnabled()).as("an API key turns TLS on").isTrue();
    assertThat(payments.toString()).doesNotContain("payments-api-key-do-not-print");
  }

  @Test
  void environmentOverridesTheProfile() {
    LoadClientConfigProfileOptions options =
        LoadClientConfigProfileOptions.newBuilder(tomlProfile("orders"))
            .setEnvOverrides(Map.of("TEMPORAL_NAMESPACE", "orders-staging"))
            .build();

    assertThat(EnvConfigConnections.loadOptions(options).getNamespace())
        .isEqualTo("orders-staging");
  }

  @Test
  void plaintextToANonLoopbackAddress_isRefusedSayingHowToConfigureTls() {
    LoadClientConfigProfileOptions options =
        EnvConfigConnections.environmentOnly(
            Map.of(
                "TEMPORAL_ADDRESS", "temporal.example.com:7233", "TEMPORAL_NAMESPACE", "orders"));

    assertThatThrownBy(() -> EnvConfigConnections.loadOptions(options))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> {
              assertThat(e.getReason())
                  .isEqualTo(ConnectionSecurityException.Reason.PLAINTEXT_NOT_ALLOWED);
              assertThat(e.getMessage())
                  .contains("temporal.example.com:7233")
                  .contains("TEMPORAL_TLS_CLIENT_CERT_PATH");
            });
  }

  @Test
  void apiKeyWithTlsTurnedOff_isRefusedWithoutPrintingTheKey() {
    LoadClientConfigProfileOptions options =
        EnvConfigConnections.environmentOnly(
            Map.of(
                "TEMPORAL_ADDRESS", "127.0.0.1:7233",
                "TEMPORAL_API_KEY", "secret-api-key-value",
                "TEMPORAL_TLS", "false"));

    assertThatThrownBy(() -> EnvConfigConnections.loadOptions(options))
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> {
              assertThat(e.getReason())
                  .isEqualTo(ConnectionSecurityException.Reason.CREDENTIALS_WITHOUT_TLS);
              assertThat(e.getMessage()).doesNotContain("secret-api-key-value");
            });
  }

  @Test
  void missingProfile_isAnErrorNotASilentDefault() {
    assertThatThrownBy(() -> EnvConfigConnections.loadOptions(tomlProfile("billing")))
        .hasMessageContaining("billing");
  }

  @Test
  void open_withTlsAndAnApiKey_buildsStubsWithoutConnecting() {
    try (WorkerConnection connection =
        EnvConfigConnections.open(
            EnvConfigConnections.environmentOnly(
                Map.of(
                    "TEMPORAL_ADDRESS", "orders.a1b2c.tmprl.cloud:7233",
                    "TEMPORAL_NAMESPACE", "orders.a1b2c",
                    "TEMPORAL_API_KEY", "secret-api-key-value")))) {
      assertThat(connection.getOptions().isTlsEnabled()).isTrue();
      assertThat(connection.getWorkflowServiceStubs()).isNotNull();
      assertThat(connection.getWorkflowClientOptions().getNamespace()).isEqualTo("orders.a1b2c");
    }
  }
}
