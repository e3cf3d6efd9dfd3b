package dev.nexussecurity.controlplane.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SettingsParserTest {
  static final String MINIMAL =
      """
      {"codec": {"namespaces": [{"namespace": "orders",
        "keysets": [{"name": "orders", "file": "keys/orders.json"}]}]}}
      """;

  private static ControlPlaneConfigException refused(String json) {
    return catchThrowableOfType(
        ControlPlaneConfigException.class,
        () -> SettingsParser.parse(json, "test.json", Path.of("/etc/cp")));
  }

  @Test
  void minimal_getsSafeDefaults_andResolvesFilesAgainstTheConfigDirectory() {
    Settings s = SettingsParser.parse(MINIMAL, "test.json", Path.of("/etc/cp"));

    assertThat(s.listen().host()).isEqualTo("127.0.0.1");
    assertThat(s.tls()).isEmpty();
    assertThat(s.insecureDevelopmentMode()).isFalse();
    assertThat(s.cors().allowedOrigins()).isEmpty();
    assertThat(s.limits().maxRequestBytes()).isEqualTo(4 * 1024 * 1024);
    assertThat(s.namespaces().get(0).keysets().get(0).file())
        .isEqualTo(Path.of("/etc/cp/keys/orders.json"));
  }

  @Test
  void grants_areParsed_withTheDefaultClaim() {
    Settings s =
        SettingsParser.parse(
            """
            {"authorization": {"claim": "roles", "grants": [
               {"value": "support", "namespaces": {"orders": "READ"}},
               {"claim": "groups", "value": "admins", "accountRole": "global_admin"},
               {"principal": "CN=cli", "namespaces": {"orders": "write"}}]},
             "codec": {"namespaces": [{"namespace": "orders",
               "keysets": [{"name": "orders", "file": "k.json"}]}]}}
            """,
            "t",
            Path.of("."));

    var grants = s.authorization().grants();
    assertThat(grants.get(0).claim()).contains("roles");
    assertThat(grants.get(0).namespaces()).containsEntry("orders", NamespacePermission.READ);
    assertThat(grants.get(1).claim()).contains("groups");
    assertThat(grants.get(1).accountRole()).contains(AccountRole.GLOBAL_ADMIN);
    assertThat(grants.get(2).principal()).contains("CN=cli");
  }

  @Test
  void everyProblem_isReported_withItsField() {
    ControlPlaneConfigException e =
        refused(
            """
            {"listen": {"port": 70000}, "colour": "blue",
             "authentication": {"oidc": {"issuer": "https://idp", "jwksUri": "ftp://idp/keys",
                                         "algorithms": ["HS256"]}},
             "cors": {"allowedOrigins": ["https://ui.example.com/path"]},
             "authorization": {"grants": [{"value": "x"}]},
             "codec": {"namespaces": [{"namespace": "bad ns", "keysets": []}]}}
            """);

    assertThat(e.getProblems())
        .anySatisfy(
            p -> assertThat(p).startsWith("listen.port: must be a whole number from 0 to 65535"))
        .anySatisfy(p -> assertThat(p).contains("colour").contains("unknown field"))
        .anySatisfy(
            p -> assertThat(p).startsWith("authentication.oidc.jwksUri: must be an http(s) URL"))
        .anySatisfy(
            p -> assertThat(p).startsWith("authentication.oidc.audiences: name at least one"))
        .anySatisfy(p -> assertThat(p).contains("'HS256' is not accepted"))
        .anySatisfy(p -> assertThat(p).contains("is not an origin"))
        .anySatisfy(p -> assertThat(p).contains("grants nothing"))
        .anySatisfy(p -> assertThat(p).contains("'bad ns' is not a namespace name"))
        .anySatisfy(p -> assertThat(p).contains("list at least one keyset"));
    assertThat(e.getMessage())
        .startsWith("The control-plane configuration test.json has 9 problems:");
  }

  @Test
  void namespaceKeys_keyDirectory_encodeAndAcceptFormat1_areParsed() {
    Settings s =
        SettingsParser.parse(
            """
            {"codec": {"namespaces": [{"namespace": "orders",
               "namespaceKeys": {"file": "orders.keys.json", "kmsKeyUri": "fake-kms://x"},
               "keyDirectory": "key-directory.json",
               "keysets": [{"name": "legacy", "file": "legacy.json"}],
               "encode": "shared:legacy", "acceptFormat1": true}]}}
            """,
            "t",
            Path.of("/etc/cp"));

    Settings.NamespaceSettings ns = s.namespaces().get(0);
    assertThat(ns.namespaceKeys().orElseThrow().file())
        .isEqualTo(Path.of("/etc/cp/orders.keys.json"));
    assertThat(ns.namespaceKeys().orElseThrow().kmsKeyUri()).contains("fake-kms://x");
    assertThat(ns.keyDirectory()).contains(Path.of("/etc/cp/key-directory.json"));
    assertThat(ns.encodeProtection()).contains(PayloadProtection.shared("legacy"));
    assertThat(ns.acceptFormat1()).isTrue();
  }

  @Test
  void namespaceKeys_withoutKeysets_isEnough_andDefaultsAreSafe() {
    Settings s =
        SettingsParser.parse(
            """
            {"codec": {"namespaces": [{"namespace": "orders",
               "namespaceKeys": {"file": "orders.keys.json"}, "keyDirectory": "d.json"}]}}
            """,
            "t",
            Path.of("/etc/cp"));

    Settings.NamespaceSettings ns = s.namespaces().get(0);
    assertThat(ns.keysets()).isEmpty();
    assertThat(ns.encodeProtection()).isEmpty();
    assertThat(ns.acceptFormat1()).isFalse();
  }

  @Test
  void namespaceKeyMistakes_areRefused_namingTheField() {
    ControlPlaneConfigException e =
        refused(
            """
            {"codec": {"namespaces": [
               {"namespace": "orders", "namespaceKeys": {"file": "o.json"}},
               {"namespace": "billing", "keyDirectory": "d.json",
                "keysets": [{"name": "billing", "file": "b.json"}], "encode": "shared:other"},
               {"namespace": "payments", "keysets": [{"name": "p", "file": "p.json"}],
                "encode": "pairwise"},
               {"namespace": "audit", "keysets": [{"name": "a", "file": "a.json"}],
                "encode": "rot13"}]}}
            """);

    assertThat(e.getProblems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("keyDirectory")
                    .contains("missing; namespaceKeys and keyDirectory go together"))
        .anySatisfy(
            p -> assertThat(p).contains("namespaceKeys").contains("missing; namespaceKeys and"))
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("encode")
                    .contains("'shared:other' names no keyset of this namespace"))
        .anySatisfy(p -> assertThat(p).contains("'pairwise' needs namespaceKeys and keyDirectory"))
        .anySatisfy(p -> assertThat(p).contains("'rot13' is not one of shared:<keyset>"));
    assertThat(e.getProblems()).hasSize(5);
  }

  @Test
  void duplicateFieldsAndBadJson_areRefused() {
    assertThat(refused("{\"codec\": {}, \"codec\": {}}").getProblems().get(0))
        .contains("not valid JSON")
        .contains("Duplicate field");
    assertThat(refused("[1]").getProblems()).containsExactly("must be a JSON object");
    assertThat(refused("{}").getProblems().get(0)).startsWith("codec and registry: both missing");
  }

  @Test
  void duplicateNamespacesKeysetsAndPrefixes_areRefused() {
    ControlPlaneConfigException e =
        refused(
            """
            {"codec": {"namespaces": [
              {"namespace": "a", "pathPrefix": "/p", "keysets": [{"name": "k", "file": "f"}, {"name": "k", "file": "g"}]},
              {"namespace": "a", "pathPrefix": "/p", "keysets": [{"name": "k", "file": "f"}]}]}}
            """);

    assertThat(e.getProblems())
        .anySatisfy(p -> assertThat(p).contains("keyset 'k' is listed twice"))
        .anySatisfy(p -> assertThat(p).contains("'a' is configured twice"))
        .anySatisfy(p -> assertThat(p).contains("'/p' is already used"));
  }

  @Test
  void clientCertificatesWithoutTlsClientAuth_isRefused() {
    ControlPlaneConfigException e =
        refused(
            """
            {"authentication": {"clientCertificates": true},
             "codec": {"namespaces": [{"namespace": "a", "keysets": [{"name": "k", "file": "f"}]}]}}
            """);

    assertThat(e.getProblems())
        .anySatisfy(p -> assertThat(p).contains("needs tls with clientAuth"));
  }

  @Test
  void registryFile_aloneIsAServer_withoutACodecApi() {
    Settings s =
        SettingsParser.parse(
            "{\"registry\": {\"file\": \"registry.json\"}}", "t", Path.of("/etc/cp"));

    assertThat(s.namespaces()).isEmpty();
    assertThat(s.registry().orElseThrow().storage())
        .isEqualTo(new Settings.FileStorage(Path.of("/etc/cp/registry.json")));
    assertThat(s.registry().orElseThrow().sessionMaxAge()).isEqualTo(java.time.Duration.ofHours(8));
  }

  @Test
  void registryOnTheTemporalServer_isParsed() {
    Settings s =
        SettingsParser.parse(
            """
            {"registry": {"sessionMaxAgeSeconds": 600, "temporal": {
               "target": "temporal.example.com:7233",
               "tls": {"serverCaFile": "ca.pem", "clientCertificateFile": "c.pem",
                       "clientPrivateKeyFile": "k.pem", "serverName": "frontend"},
               "signingKeyset": {"file": "registry.json", "kmsKeyUri": "aws-kms://arn:key"},
               "audience": "prod-eu", "stateFile": "state.json",
               "refreshIntervalSeconds": 5, "keyDirectory": "key-directory.json"}}}
            """,
            "t",
            Path.of("/etc/cp"));

    Settings.TemporalStorage t = (Settings.TemporalStorage) s.registry().orElseThrow().storage();
    assertThat(t.connection().orElseThrow().target()).isEqualTo("temporal.example.com:7233");
    assertThat(t.connection().orElseThrow().tls()).isTrue();
    assertThat(t.connection().orElseThrow().serverCaFile()).contains(Path.of("/etc/cp/ca.pem"));
    assertThat(t.signingKeyset().file()).isEqualTo(Path.of("/etc/cp/registry.json"));
    assertThat(t.signingKeyset().kmsKeyUri()).contains("aws-kms://arn:key");
    assertThat(t.refreshInterval()).isEqualTo(java.time.Duration.ofSeconds(5));
    assertThat(t.audience()).isEqualTo("prod-eu");
    assertThat(t.stateFile()).contains(Path.of("/etc/cp/state.json"));
    assertThat(t.manifestRenewInterval()).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(t.keyDirectory()).contains(Path.of("/etc/cp/key-directory.json"));
    assertThat(s.registry().orElseThrow().sessionMaxAge())
        .isEqualTo(java.time.Duration.ofMinutes(10));
  }

  @Test
  void registryMistakes_areNamed() {
    assertThat(refused("{\"registry\": {}}").getProblems())
        .anySatisfy(p -> assertThat(p).contains("set exactly one of \"file\""));
    assertThat(
            refused(
                    "{\"registry\": {\"file\": \"r.json\", \"temporal\": {\"signingKeyset\":"
                        + " {\"file\": \"k\"}}}}")
                .getProblems())
        .anySatisfy(p -> assertThat(p).contains("set exactly one of"));
    assertThat(refused("{\"registry\": {\"temporal\": {\"target\": \"h:1\"}}}").getProblems())
        .anySatisfy(p -> assertThat(p).startsWith("registry.temporal.signingKeyset: missing"));
    assertThat(
            refused(
                    "{\"registry\": {\"temporal\": {\"tls\": {}, \"signingKeyset\": {\"file\":"
                        + " \"k\"}}}}")
                .getProblems())
        .anySatisfy(p -> assertThat(p).contains("set \"target\""));
    assertThat(
            refused(
                    "{\"registry\": {\"temporal\": {\"audience\": \"c\", \"keyDirectory\": 7,"
                        + " \"signingKeyset\": {\"file\": \"k\"}}}}")
                .getProblems())
        .anySatisfy(p -> assertThat(p).startsWith("registry.temporal.keyDirectory"));
    assertThat(refused("{\"registry\": {\"file\": \"r\", \"colour\": 1}}").getProblems())
        .anySatisfy(p -> assertThat(p).contains("unknown field"));
  }
}
