package dev.nexussecurity.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.tools.InsecureFakeKmsClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerSettingsTest {
  private static WorkerSettings.Builder minimal() {
    return WorkerSettings.newBuilder()
        .setNamespace("orders")
        .setTaskQueue("checkout")
        .setNamespaceKeysFile(Path.of("orders.keys.json"))
        .setKeyDirectoryFile(Path.of("key-directory.json"));
  }

  @Test
  void build_withDefaults_targetsThePaymentsEndpointWithCallerChecksOn() {
    WorkerSettings s = minimal().build();

    assertThat(s.getEndpoint()).isEqualTo("payments");
    assertThat(s.getPayloadKeyPolicy()).isEqualTo(WorkerSettings.DEMO_POLICY);
    assertThat(s.getPayloadKeyPolicy().select("payments", "PaymentsService").toString())
        .isEqualTo("pairwise");
    assertThat(s.getPayloadKeyPolicy().select("payments", "FraudService").toString())
        .isEqualTo("shared:fraud");
    assertThat(s.getOperationTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.isEnforceOnCaller()).isTrue();
    assertThat(s.getSharedKeysetFiles()).isEmpty();
    assertThat(s.getKmsClient()).isEmpty();
    assertThat(s.toBuilder().build().toString()).isEqualTo(s.toString());
  }

  @Test
  void build_withoutRequiredFields_namesThem() {
    assertThatThrownBy(() -> WorkerSettings.newBuilder().setNamespace("orders").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace, taskQueue, namespaceKeysFile and keyDirectoryFile")
        .hasMessageContaining("taskQueue=null");
  }

  @Test
  void setters_rejectBadValuesNamingFieldAndValue() {
    assertThatThrownBy(() -> minimal().setNamespace(" orders"))
        .hasMessageContaining("WorkerSettings.namespace")
        .hasMessageContaining("' orders'");
    assertThatThrownBy(() -> minimal().putSharedKeysetFile("fr/aud", Path.of("f.json")))
        .hasMessageContaining("WorkerSettings.sharedKeysetFiles")
        .hasMessageContaining("'fr/aud'");
    assertThatThrownBy(() -> minimal().setOperationTimeout(Duration.ZERO))
        .hasMessageContaining("WorkerSettings.operationTimeout must be positive, got PT0S");
    assertThatThrownBy(() -> minimal().setKms(new InsecureFakeKmsClient(), null))
        .hasMessageContaining("both a KMS client and a key URI");
    assertThatThrownBy(() -> minimal().setKms(new InsecureFakeKmsClient(), "aws-kms://arn:key"))
        .hasMessageContaining("does not support key URIs of scheme 'aws-kms'");
  }

  @Test
  void toString_namesFilesButNotTheKmsKey() throws Exception {
    String keyUri = InsecureFakeKmsClient.newKeyUri();
    WorkerSettings s = minimal().setKms(new InsecureFakeKmsClient(), keyUri).build();

    assertThat(s.toString())
        .contains("namespaceKeysFile=orders.keys.json")
        .contains("KMS-encrypted (fake-kms)")
        .doesNotContain(keyUri.substring("fake-kms://".length()));
    assertThat(minimal().build().toString()).contains("cleartext (development only)");
  }
}
