package dev.nexussecurity.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class InsecureSettingsCheckTest {
  static final String OIDC =
      "\"authentication\": {\"oidc\": {\"issuer\": \"https://idp\", \"jwksUri\":"
          + " \"https://idp/keys\", \"audiences\": [\"ui\"]}},";
  static final String CODEC =
      "\"codec\": {\"namespaces\": [{\"namespace\": \"a\", \"keysets\": [{\"name\": \"k\","
          + " \"file\": \"f\"}]}]}";

  private static Settings settings(String body) {
    return SettingsParser.parse("{" + body + "}", "server.json", Path.of("."));
  }

  private static ControlPlaneConfigException refused(String body) {
    return catchThrowableOfType(
        ControlPlaneConfigException.class, () -> InsecureSettingsCheck.check(settings(body)));
  }

  @Test
  void loopbackWithOidc_isAccepted() {
    assertThat(InsecureSettingsCheck.check(settings(OIDC + CODEC))).isEmpty();
  }

  @Test
  void plaintextOnANonLoopbackAddress_isRefused_withTheFix() {
    ControlPlaneConfigException e = refused("\"listen\": {\"host\": \"0.0.0.0\"}," + OIDC + CODEC);

    assertThat(e.getProblems().get(0))
        .contains("listen.host 0.0.0.0 is not a loopback address and tls is not configured")
        .contains("tls.certificateChainFile");
    assertThat(e.getProblems()).last().asString().contains("insecureDevelopmentMode");
  }

  @Test
  void corsWildcard_isRefused() {
    ControlPlaneConfigException e =
        refused("\"cors\": {\"allowedOrigins\": [\"*\"]}," + OIDC + CODEC);

    assertThat(e.getProblems().get(0)).contains("cors.allowedOrigins contains \"*\"");
  }

  @Test
  void noAuthentication_isRefused() {
    ControlPlaneConfigException e = refused(CODEC);

    assertThat(e.getProblems().get(0)).contains("neither oidc nor clientCertificates");
  }

  @Test
  void plainHttpJwksOnAnotherHost_isRefused_butLoopbackIsNot() {
    String remote = OIDC.replace("https://idp/keys", "http://idp.example.com/keys");
    String local = OIDC.replace("https://idp/keys", "http://127.0.0.1:8080/keys");

    assertThat(refused(remote + CODEC).getProblems().get(0))
        .contains("jwksUri")
        .contains("plain http");
    assertThat(InsecureSettingsCheck.check(settings(local + CODEC))).isEmpty();
  }

  @Test
  void managementOnANonLoopbackAddress_isRefused() {
    ControlPlaneConfigException e =
        refused("\"management\": {\"host\": \"10.0.0.5\", \"port\": 9464}," + OIDC + CODEC);

    assertThat(e.getProblems().get(0)).contains("management.host 10.0.0.5");
  }

  @Test
  void developmentMode_waivesEveryProblem_andReturnsThem() {
    Settings s =
        settings(
            "\"insecureDevelopmentMode\": true, \"listen\": {\"host\": \"0.0.0.0\"},"
                + " \"cors\": {\"allowedOrigins\": [\"*\"]}, \"authentication\":"
                + " {\"anonymousPrincipal\": \"dev\"},"
                + CODEC);

    assertThat(InsecureSettingsCheck.check(s)).hasSize(4);
  }

  @Test
  void loopbackNames() {
    assertThat(InsecureSettingsCheck.isLoopback("127.0.0.1")).isTrue();
    assertThat(InsecureSettingsCheck.isLoopback("127.1.2.3")).isTrue();
    assertThat(InsecureSettingsCheck.isLoopback("::1")).isTrue();
    assertThat(InsecureSettingsCheck.isLoopback("[::1]")).isTrue();
    assertThat(InsecureSettingsCheck.isLoopback("localhost")).isTrue();
    assertThat(InsecureSettingsCheck.isLoopback("0.0.0.0")).isFalse();
    assertThat(InsecureSettingsCheck.isLoopback("localhost.evil.example")).isFalse();
    assertThat(InsecureSettingsCheck.isLoopback("192.168.1.1")).isFalse();
  }
}
