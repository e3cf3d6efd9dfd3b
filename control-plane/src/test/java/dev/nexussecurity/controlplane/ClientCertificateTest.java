package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS and client-certificate authentication (for the {@code temporal} CLI): a certificate from the
 * client CA identifies its subject, which grants map to permissions; a certificate from another CA
 * never completes the handshake; bearer tokens keep working on the same listener.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientCertificateTest {
  Path dir;
  TestIdentityProvider idp;
  ControlPlaneServer server;
  TinkPayloadCodec worker;
  Issued ca;
  Issued serverCert;

  record Issued(KeyPair keys, X509Certificate cert) {}

  @BeforeAll
  void startServer(@TempDir Path dir) throws Exception {
    this.dir = dir;
    idp = new TestIdentityProvider();
    ca = issue("CN=Test Client CA", null, true);
    Issued serverCa = issue("CN=Test Server CA", null, true);
    serverCert = issue("CN=localhost", serverCa, false);
    Files.writeString(dir.resolve("server.pem"), pem(serverCert.cert) + pem(serverCa.cert));
    Files.writeString(dir.resolve("server-key.pem"), pem(serverCert.keys.getPrivate()));
    Files.writeString(dir.resolve("client-ca.pem"), pem(ca.cert));
    Files.writeString(dir.resolve("server-ca.pem"), pem(serverCa.cert));
    Path orders = writeKeyset(dir, "orders");
    worker = workerCodec(orders, "orders");
    Map<String, Object> config =
        new LinkedHashMap<>(config(idp, dir, orders, writeKeyset(dir, "billing")));
    config.put(
        "tls",
        Map.of(
            "certificateChainFile", "server.pem",
            "privateKeyFile", "server-key.pem",
            "clientCaFile", "client-ca.pem",
            "clientAuth", "want"));
    @SuppressWarnings("unchecked")
    Map<String, Object> authn = (Map<String, Object>) config.get("authentication");
    authn.put("clientCertificates", true);
    config.put(
        "authorization",
        Map.of(
            "grants",
            List.of(
                Map.of("principal", "CN=ops-cli,O=Example", "namespaces", Map.of("orders", "read")),
                Map.of("value", "orders-readers", "namespaces", Map.of("orders", "read")))));
    server = start(config, dir);
    serverCaPem = serverCa.cert;
  }

  X509Certificate serverCaPem;

  @AfterAll
  void stop() {
    server.close();
    idp.close();
  }

  @Test
  void serverUri_isHttps() {
    assertThat(server.getUri().getScheme()).isEqualTo("https");
  }

  @Test
  void certificateFromTheClientCa_withAGrant_decodes() throws Exception {
    HttpResponse<String> r = decode(client(issue("CN=ops-cli,O=Example", ca, false)), null);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(value(parsePayloads(r.body()).get(0))).isEqualTo("over-mtls");
    assertThat(auditLines(dir))
        .anySatisfy(
            l ->
                assertThat(l)
                    .containsEntry("principal", "CN=ops-cli,O=Example")
                    .containsEntry("authMethod", "client-certificate"));
  }

  @Test
  void certificateFromTheClientCa_withoutAGrant_isForbidden() throws Exception {
    HttpResponse<String> r = decode(client(issue("CN=intern,O=Example", ca, false)), null);

    assertThat(r.statusCode()).isEqualTo(403);
  }

  @Test
  void certificateFromAnotherCa_failsTheHandshake() throws Exception {
    Issued rogueCa = issue("CN=Rogue CA", null, true);
    // presented even though the server asks for certificates of the client CA only
    HttpClient rogue = client(issue("CN=ops-cli,O=Example", rogueCa, false), true);

    Throwable t =
        catchThrowable(() -> rogue.send(request(null), HttpResponse.BodyHandlers.ofString()));

    assertThat(t).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void noCertificate_bearerTokenStillWorks_andNothingIsRefused() throws Exception {
    HttpClient noCert = client(null);

    assertThat(decode(noCert, idp.token("rita", "orders-readers")).statusCode()).isEqualTo(200);
    assertThat(decode(noCert, null).statusCode()).isEqualTo(401);
  }

  private HttpResponse<String> decode(HttpClient client, String token) throws Exception {
    return client.send(request(token), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String token) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.getUri().resolve("/decode"))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .header("X-Namespace", "orders")
            .POST(
                HttpRequest.BodyPublishers.ofString(payloadsJson(encrypted(worker, "over-mtls"))));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.build();
  }

  private HttpClient client(Issued clientCert) throws Exception {
    return client(clientCert, false);
  }

  private HttpClient client(Issued clientCert, boolean alwaysPresent) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server-ca", serverCaPem);
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    if (clientCert != null) {
      keys.setKeyEntry(
          "client",
          clientCert.keys.getPrivate(),
          "pw".toCharArray(),
          new X509Certificate[] {clientCert.cert});
    }
    kmf.init(keys, "pw".toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    javax.net.ssl.X509ExtendedKeyManager km =
        (javax.net.ssl.X509ExtendedKeyManager) kmf.getKeyManagers()[0];
    javax.net.ssl.KeyManager[] managers = kmf.getKeyManagers();
    if (alwaysPresent) {
      managers =
          new javax.net.ssl.KeyManager[] {
            new javax.net.ssl.X509ExtendedKeyManager() {
              @Override
              public String[] getClientAliases(String t, java.security.Principal[] i) {
                return new String[] {"client"};
              }

              @Override
              public String chooseClientAlias(
                  String[] t, java.security.Principal[] i, java.net.Socket s) {
                return "client";
              }

              @Override
              public String chooseEngineClientAlias(
                  String[] t, java.security.Principal[] i, javax.net.ssl.SSLEngine e) {
                return "client";
              }

              @Override
              public String[] getServerAliases(String t, java.security.Principal[] i) {
                return null;
              }

              @Override
              public String chooseServerAlias(
                  String t, java.security.Principal[] i, java.net.Socket s) {
                return null;
              }

              @Override
              public X509Certificate[] getCertificateChain(String alias) {
                return km.getCertificateChain(alias);
              }

              @Override
              public PrivateKey getPrivateKey(String alias) {
                return km.getPrivateKey(alias);
              }
            }
          };
    }
    ssl.init(managers, tmf.getTrustManagers(), new SecureRandom());
    return HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** An EC P-256 certificate, self-signed when {@code issuer} is null. */
  static Issued issue(String subject, Issued issuer, boolean isCa) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair keys = g.generateKeyPair();
    // DER order as the JDK writes it, so that the JDK prints the subject back as written
    X500Name name =
        X500Name.getInstance(new javax.security.auth.x500.X500Principal(subject).getEncoded());
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            issuer == null
                ? name
                : X500Name.getInstance(issuer.cert.getSubjectX500Principal().getEncoded()),
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofHours(1))),
            Date.from(now.plus(Duration.ofDays(1))),
            name,
            keys.getPublic());
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
    if (!isCa) {
      b.addExtension(
          Extension.subjectAlternativeName,
          false,
          new GeneralNames(
              new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1")
              }));
    }
    PrivateKey signer = issuer == null ? keys.getPrivate() : issuer.keys.getPrivate();
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
    return new Issued(keys, cert);
  }

  static String pem(Object o) throws Exception {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter p = new JcaPEMWriter(w)) {
      p.writeObject(
          o instanceof PrivateKey k
              ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null)
              : o);
    }
    return w.toString();
  }
}
