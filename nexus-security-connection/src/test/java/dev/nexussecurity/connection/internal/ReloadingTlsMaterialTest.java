package dev.nexussecurity.connection.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import dev.nexussecurity.connection.TestPki;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class ReloadingTlsMaterialTest {
  private static TestPki.Issued ca;
  private static TestPki.Issued otherCa;
  private static TestPki.Issued clientA;
  private static TestPki.Issued clientB;

  @TempDir Path dir;
  private Path certFile;
  private Path keyFile;
  private Path caFile;
  private final AtomicInteger notifications = new AtomicInteger();

  @BeforeAll
  static void issue() {
    ca = TestPki.newCa("reload-ca");
    otherCa = TestPki.newCa("reload-other-ca");
    clientA = TestPki.newClient(ca, "reload-a");
    clientB = TestPki.newClient(ca, "reload-b");
  }

  @BeforeEach
  void writeFiles() throws IOException {
    certFile = Files.write(dir.resolve("client.pem"), clientA.chainPem());
    keyFile = Files.write(dir.resolve("client.key"), clientA.keyPem());
    caFile = Files.write(dir.resolve("ca.pem"), TestPki.certificatesPem(ca.certificate));
  }

  private ReloadingTlsMaterial loadFromFiles() {
    return loadFromFiles(Duration.ZERO);
  }

  private ReloadingTlsMaterial loadFromFiles(Duration reloadPeriod) {
    ReloadingTlsMaterial material =
        ReloadingTlsMaterial.load(
            PemSource.ofFile("client certificate", certFile),
            PemSource.ofFile("client private key", keyFile),
            PemSource.ofFile("server CA bundle", caFile),
            Clock.systemUTC(),
            reloadPeriod);
    material.setChangeListener(notifications::incrementAndGet);
    return material;
  }

  private static Object presentedSerial(ReloadingTlsMaterial material) {
    return material.getKeyManager().getCertificateChain("default")[0].getSerialNumber();
  }

  @Test
  void load_withoutIdentityOrCa_usesJvmTrustStoreAndNoKeyManager() {
    ReloadingTlsMaterial material =
        ReloadingTlsMaterial.load(null, null, null, Clock.systemUTC(), Duration.ofMinutes(1));
    assertThat(material.getKeyManager()).isNull();
    assertThat(material.getIdentity()).isNull();
    assertThat(material.getTrustedCertificates()).isEmpty();
    assertThat(material.getTrustManager().getAcceptedIssuers()).isNotEmpty();
    assertThat(material.hasFileSources()).isFalse();
  }

  @Test
  void reload_withUnchangedFiles_installsNothing() {
    ReloadingTlsMaterial material = loadFromFiles();
    material.reload();
    assertThat(notifications).hasValue(0);
    assertThat(presentedSerial(material)).isEqualTo(clientA.serial());
    assertThat(material.getLastError()).isNull();
  }

  @Test
  void reload_withNewValidPair_installsItAndNotifies() throws IOException {
    ReloadingTlsMaterial material = loadFromFiles();
    Files.write(certFile, clientB.chainPem());
    Files.write(keyFile, clientB.keyPem());
    material.reload();
    assertThat(presentedSerial(material)).isEqualTo(clientB.serial());
    assertThat(material.getKeyManager().getPrivateKey("default"))
        .isEqualTo(clientB.keyPair.getPrivate());
    assertThat(notifications).hasValue(1);
  }

  @Test
  void reload_withDeletedKeyFile_keepsLastGoodIdentityAndCountsFailures() throws IOException {
    ReloadingTlsMaterial material = loadFromFiles();
    Files.delete(keyFile);
    for (int attempt = 1; attempt <= 2; attempt++) {
      assertThatThrownBy(material::reload)
          .isInstanceOfSatisfying(
              ConnectionSecurityException.class,
              e -> assertThat(e.getReason()).isEqualTo(Reason.FILE_UNREADABLE))
          .hasMessageContaining(keyFile.toString());
      assertThat(material.getConsecutiveFailures()).isEqualTo(attempt);
    }
    assertThat(presentedSerial(material)).isEqualTo(clientA.serial());
    assertThat(material.getKeyManager().getPrivateKey("default"))
        .isEqualTo(clientA.keyPair.getPrivate());
    assertThat(material.getLastError().getReason()).isEqualTo(Reason.FILE_UNREADABLE);
    assertThat(notifications).hasValue(0);

    Files.write(keyFile, clientA.keyPem());
    material.reload();
    assertThat(material.getLastError()).isNull();
    assertThat(material.getConsecutiveFailures()).isZero();
  }

  @Test
  void reload_withEmptyCertificateFile_keepsLastGoodIdentity() throws IOException {
    ReloadingTlsMaterial material = loadFromFiles();
    Files.write(certFile, new byte[0]);
    Files.write(keyFile, clientB.keyPem());
    assertThatThrownBy(material::reload)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_CLIENT_CERTIFICATE));
    assertThat(presentedSerial(material)).isEqualTo(clientA.serial());
    assertThat(material.getKeyManager().getPrivateKey("default"))
        .isEqualTo(clientA.keyPair.getPrivate());
  }

  @Test
  void reload_withBrokenCaBundleAndGoodNewPair_installsPairAndKeepsOldTrust() throws IOException {
    ReloadingTlsMaterial material = loadFromFiles();
    Files.write(certFile, clientB.chainPem());
    Files.write(keyFile, clientB.keyPem());
    Files.writeString(caFile, "-----BEGIN CERTIFICATE-----\nMIIB", StandardCharsets.US_ASCII);

    assertThatThrownBy(material::reload)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.INVALID_CA_BUNDLE));

    assertThat(presentedSerial(material)).isEqualTo(clientB.serial());
    assertThat(material.getTrustedCertificates()).containsExactly(ca.certificate);
    assertThat(material.getTrustManager().getAcceptedIssuers()).containsExactly(ca.certificate);
    assertThat(notifications).hasValue(1);
    // one snapshot shows the new identity and the refused bundle together
    var status = material.status();
    assertThat(status.value().orElseThrow().identity().orElseThrow().getLeaf())
        .isEqualTo(clientB.certificate);
    assertThat(status.consecutiveFailures()).isEqualTo(1);
    assertThat(ReloadingTlsMaterial.lastError(status).orElseThrow().getReason())
        .isEqualTo(Reason.INVALID_CA_BUNDLE);

    // the bundle restored to what is installed: nothing new to install, and the error clears
    Files.write(caFile, TestPki.certificatesPem(ca.certificate));
    material.reload();
    assertThat(material.getLastError()).isNull();
    assertThat(material.getConsecutiveFailures()).isZero();
    assertThat(presentedSerial(material)).isEqualTo(clientB.serial());
    assertThat(notifications).hasValue(1);
  }

  @Test
  void reload_withNewCaBundle_replacesTrustAnchors() throws IOException {
    ReloadingTlsMaterial material = loadFromFiles();
    Files.write(caFile, TestPki.certificatesPem(otherCa.certificate));
    material.reload();
    assertThat(material.getTrustManager().getAcceptedIssuers())
        .containsExactly(otherCa.certificate);
    assertThat(notifications).hasValue(1);
  }

  @Test
  void reloadFailure_isLoggedAsWarningWithoutKeyMaterial() throws IOException {
    Logger logger = (Logger) LoggerFactory.getLogger(ReloadingTlsMaterial.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      ReloadingTlsMaterial material = loadFromFiles();
      Files.write(certFile, clientB.chainPem()); // key file still holds worker A's key
      assertThatThrownBy(material::reload).isInstanceOf(ConnectionSecurityException.class);
      String keyBody = new String(clientA.keyPem(), StandardCharsets.US_ASCII).split("\n")[1];
      assertThat(appender.list)
          .anySatisfy(
              event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getFormattedMessage())
                    .contains("stays in use")
                    .contains("does not belong")
                    .doesNotContain(keyBody);
              });
    } finally {
      logger.detachAppender(appender);
    }
  }

  @Test
  void startReloading_picksUpChangedFilesPeriodically() throws IOException {
    try (ReloadingTlsMaterial material = loadFromFiles(Duration.ofMillis(20))) {
      material.startReloading();
      Files.write(certFile, clientB.chainPem());
      Files.write(keyFile, clientB.keyPem());
      awaitTrue(() -> clientB.serial().equals(presentedSerial(material)), "the periodic reload");
      awaitTrue(() -> material.getLastError() == null, "the error of a half-written pair to clear");
    }
  }

  @Test
  void close_stopsTheReloadThread() {
    ReloadingTlsMaterial material = loadFromFiles(Duration.ofMillis(20));
    material.startReloading();
    awaitTrue(() -> reloadThreadAlive(), "the reload thread to start");
    material.close();
    awaitTrue(() -> !reloadThreadAlive(), "the reload thread to stop");
  }

  @Test
  void reload_afterClose_isRefused() {
    ReloadingTlsMaterial material = loadFromFiles();
    material.close();
    assertThatThrownBy(material::reload)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(presentedSerial(material)).isEqualTo(clientA.serial());
  }

  @Test
  void startReloading_withInlineMaterial_startsNoThread() {
    ReloadingTlsMaterial material =
        ReloadingTlsMaterial.load(
            PemSource.ofBytes("client certificate", clientA.chainPem()),
            PemSource.ofBytes("client private key", clientA.keyPem()),
            null,
            Clock.systemUTC(),
            Duration.ofMillis(20));
    assertThat(material.hasFileSources()).isFalse();
    material.startReloading();
    material.reload();
    assertThat(presentedSerial(material)).isEqualTo(clientA.serial());
    material.close();
  }

  @Test
  void load_withInvalidInitialMaterial_throws() throws IOException {
    Files.write(keyFile, clientB.keyPem());
    assertThatThrownBy(this::loadFromFiles)
        .isInstanceOfSatisfying(
            ConnectionSecurityException.class,
            e -> assertThat(e.getReason()).isEqualTo(Reason.KEY_CERTIFICATE_MISMATCH));
  }

  private static boolean reloadThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().equals("nexus-security-tls-reload") && t.isAlive());
  }

  private static void awaitTrue(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Timed out waiting for " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted", e);
      }
    }
  }
}
