package dev.nexussecurity.connection.internal;

import dev.nexussecurity.api.internal.PeriodicRefresher;
import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.ConnectionSecurityException.Reason;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's TLS material (optional client identity, server trust anchors) held in grpc-java's
 * reloadable {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager}, which every
 * new TLS handshake consults, and re-read by a {@link PeriodicRefresher}. {@link #reload()}
 * re-reads the files, and installs new material only when it changed and is valid; otherwise the
 * last good material stays installed and the error is recorded and logged. The client identity is
 * never removed once installed.
 *
 * <p>Change detection compares SHA-256 digests of the file contents, so rewrites within the file
 * system's timestamp resolution are seen too. The identity (certificate + key) and the CA bundle
 * are handled independently: a bad CA bundle does not block a good identity rotation, and vice
 * versa (the refresher's partial failure: the new identity is kept, the reload still fails).
 */
public final class ReloadingTlsMaterial implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReloadingTlsMaterial.class);

  /** The name of the reload thread. */
  static final String THREAD_NAME = "nexus-security-tls-reload";

  /**
   * What is installed, and why part of the files read by the reload that produced it was refused.
   *
   * @param identity the installed client identity; empty without mutual TLS
   * @param identityDigest digest of the certificate and key files that produced {@code identity}
   * @param trusted the installed trust anchors; empty when the JVM's trust store is used
   * @param caDigest digest of the CA bundle that produced {@code trusted}
   * @param loadedAt when material was last installed
   * @param refused why the reload that produced this value refused a part; empty if it did not
   */
  public record Material(
      Optional<ClientIdentity> identity,
      String identityDigest,
      List<X509Certificate> trusted,
      String caDigest,
      Instant loadedAt,
      Optional<ConnectionSecurityException> refused) {}

  private final PemSource certSource;
  private final PemSource keySource;
  private final PemSource caSource;
  private final Clock clock;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager trustManager;
  private final PeriodicRefresher<Material> refresher;
  private volatile Runnable changeListener = () -> {};

  private ReloadingTlsMaterial(
      PemSource certSource,
      PemSource keySource,
      PemSource caSource,
      Clock clock,
      Duration reloadPeriod) {
    this.certSource = certSource;
    this.keySource = keySource;
    this.caSource = caSource;
    this.clock = clock;
    this.keyManager = certSource != null ? new AdvancedTlsX509KeyManager() : null;
    try {
      this.trustManager =
          AdvancedTlsX509TrustManager.newBuilder()
              .setVerification(
                  AdvancedTlsX509TrustManager.Verification.CERTIFICATE_AND_HOST_NAME_VERIFICATION)
              .build();
    } catch (GeneralSecurityException e) {
      throw new ConnectionSecurityException(
          Reason.TLS_SETUP_FAILED, "Cannot create the TLS trust manager: " + e.getMessage(), e);
    }
    this.refresher =
        PeriodicRefresher.<Material>newBuilder(THREAD_NAME, this::load)
            .setInterval(hasFileSources() ? reloadPeriod : Duration.ZERO)
            .setClock(clock)
            .setPartialFailure(Material::refused)
            .build();
  }

  /**
   * Loads the material once; throws {@link ConnectionSecurityException} when any part is unusable.
   * Periodic reloading starts with {@link #startReloading()}.
   *
   * @param certSource client certificate chain, or null for no client identity
   * @param keySource client private key; null exactly when {@code certSource} is null
   * @param caSource CA bundle that pins the server, or null for the JVM's default trust store
   * @param reloadPeriod how often {@link #startReloading()} re-reads file sources; zero for never
   */
  public static ReloadingTlsMaterial load(
      PemSource certSource,
      PemSource keySource,
      PemSource caSource,
      Clock clock,
      Duration reloadPeriod) {
    if ((certSource == null) != (keySource == null)) {
      throw new IllegalArgumentException(
          "certSource and keySource must both be set or both be null");
    }
    ReloadingTlsMaterial material =
        new ReloadingTlsMaterial(
            certSource,
            keySource,
            caSource,
            Objects.requireNonNull(clock, "clock"),
            Objects.requireNonNull(reloadPeriod, "reloadPeriod"));
    material.refresher.refresh();
    return material;
  }

  /**
   * Sets the action run after new material was installed, e.g. to drop cached TLS sessions so that
   * the next connection performs a full handshake with it. It runs before the new material shows in
   * {@link #status()}.
   */
  public void setChangeListener(Runnable listener) {
    this.changeListener = Objects.requireNonNull(listener, "listener");
  }

  /** Whether any part is read from a file, so that reloading can change something. */
  public boolean hasFileSources() {
    return (certSource != null && certSource.isFile())
        || (keySource != null && keySource.isFile())
        || (caSource != null && caSource.isFile());
  }

  /** Where the server's trust anchors come from, for messages. */
  public String describeTrustSource() {
    return caSource != null
        ? caSource.describe()
        : "the JVM's default trust store; no server CA bundle is configured";
  }

  /** The key manager to give the SSL context, or null when there is no client identity. */
  public X509ExtendedKeyManager getKeyManager() {
    return keyManager;
  }

  /** The trust manager to give the SSL context. */
  public X509ExtendedTrustManager getTrustManager() {
    return trustManager;
  }

  /**
   * Re-reads the files and installs what changed and is valid. When anything was installed, the
   * change listener has run (also when another part failed).
   *
   * @throws ConnectionSecurityException for the first part that failed; the last good material of
   *     that part stays installed
   * @throws IllegalStateException after {@link #close()}
   */
  public void reload() {
    refresher.refresh();
  }

  /** Starts reloading every reload period on a daemon thread, if any part comes from a file. */
  public void startReloading() {
    refresher.start();
  }

  /** Stops periodic reloading; the installed material stays usable. */
  @Override
  public void close() {
    refresher.close();
  }

  /** One consistent snapshot: the installed material and the outcome of the last reload. */
  public PeriodicRefresher.Status<Material> status() {
    return refresher.status();
  }

  /** The installed client identity, or null when none is configured. */
  public ClientIdentity getIdentity() {
    return installed().identity().orElse(null);
  }

  /** The installed trust anchors; empty when the JVM's default trust store is used. */
  public List<X509Certificate> getTrustedCertificates() {
    return installed().trusted();
  }

  /** The error of the last check, or null when it succeeded. */
  public ConnectionSecurityException getLastError() {
    return lastError(status()).orElse(null);
  }

  /** How many checks in a row have failed. */
  public long getConsecutiveFailures() {
    return status().consecutiveFailures();
  }

  /** The error of the last check in {@code status}; empty when it succeeded. */
  public static Optional<ConnectionSecurityException> lastError(
      PeriodicRefresher.Status<Material> status) {
    // The loader throws nothing else: see load(Optional).
    return status.currentError().map(ConnectionSecurityException.class::cast);
  }

  private Material installed() {
    return refresher.value().orElseThrow();
  }

  /** The refresher's loader: the first call installs everything or throws. */
  private Material load(Optional<Material> lastGood) {
    boolean initial = lastGood.isEmpty();
    Optional<ClientIdentity> identity = lastGood.flatMap(Material::identity);
    String identityDigest = lastGood.map(Material::identityDigest).orElse(null);
    List<X509Certificate> trusted = lastGood.map(Material::trusted).orElse(List.of());
    String caDigest = lastGood.map(Material::caDigest).orElse(null);
    Instant loadedAt = lastGood.map(Material::loadedAt).orElse(null);
    boolean changed = false;
    ConnectionSecurityException failure = null;
    try {
      IdentityUpdate update = loadIdentity(identityDigest);
      if (update != null) {
        identity = Optional.of(update.identity());
        identityDigest = update.digest();
        loadedAt = clock.instant();
        changed = true;
      }
    } catch (RuntimeException e) {
      failure = asConnectionSecurityException(e, "the client certificate and key");
    }
    try {
      TrustUpdate update = loadTrust(initial, caDigest);
      if (update != null) {
        trusted = update.trusted();
        caDigest = update.digest();
        loadedAt = clock.instant();
        changed = true;
      }
    } catch (RuntimeException e) {
      ConnectionSecurityException refused = asConnectionSecurityException(e, "the CA bundle");
      if (failure == null) {
        failure = refused;
      } else {
        failure.addSuppressed(refused);
      }
    }
    if (initial && failure != null) {
      throw failure;
    }
    if (changed && !initial) {
      try {
        changeListener.run();
      } catch (RuntimeException e) {
        log.warn("The TLS material change listener failed", e);
      }
    }
    if (failure != null) {
      log.warn(
          "TLS material reload failed; the previously loaded material stays in use: {}",
          failure.getMessage());
    }
    return new Material(
        identity, identityDigest, trusted, caDigest, loadedAt, Optional.ofNullable(failure));
  }

  private static ConnectionSecurityException asConnectionSecurityException(
      RuntimeException e, String part) {
    if (e instanceof ConnectionSecurityException cse) {
      return cse;
    }
    // The cause's message is left out: it may describe key material.
    return new ConnectionSecurityException(
        Reason.TLS_SETUP_FAILED,
        "Unexpected " + e.getClass().getName() + " while installing " + part,
        e);
  }

  private record IdentityUpdate(ClientIdentity identity, String digest) {}

  private record TrustUpdate(List<X509Certificate> trusted, String digest) {}

  /** The newly installed identity, or null when the files did not change or there are none. */
  private IdentityUpdate loadIdentity(String installedDigest) {
    if (certSource == null) {
      return null;
    }
    byte[] certPem = certSource.read();
    byte[] keyPem = keySource.read();
    try {
      String digest = digest(certPem, keyPem);
      if (digest.equals(installedDigest)) {
        return null;
      }
      ClientIdentity loaded =
          ClientIdentity.load(certPem, keyPem, certSource, keySource, clock.instant());
      keyManager.updateIdentityCredentials(loaded.getChain(), loaded.getKey());
      if (installedDigest != null) {
        log.info(
            "Loaded a new TLS client certificate {} (valid until {}) from {}",
            CertificateNames.describe(loaded.getLeaf()),
            loaded.getLeaf().getNotAfter().toInstant(),
            certSource.describe());
      }
      return new IdentityUpdate(loaded, digest);
    } finally {
      Arrays.fill(keyPem, (byte) 0);
    }
  }

  /** The newly installed trust anchors, or null when the bundle did not change. */
  private TrustUpdate loadTrust(boolean initial, String installedDigest) {
    if (caSource == null) {
      if (!initial) {
        return null;
      }
      try {
        trustManager.useSystemDefaultTrustCerts();
      } catch (GeneralSecurityException e) {
        throw new ConnectionSecurityException(
            Reason.TLS_SETUP_FAILED,
            "Cannot load the JVM's default trust store ("
                + e.getMessage()
                + "); configure a server CA bundle instead",
            e);
      }
      return new TrustUpdate(List.of(), null);
    }
    byte[] caPem = caSource.read();
    String digest = digest(caPem);
    if (digest.equals(installedDigest)) {
      return null;
    }
    List<X509Certificate> certs =
        PemReader.readCertificates(caPem, caSource.describe(), Reason.INVALID_CA_BUNDLE);
    try {
      trustManager.updateTrustCredentials(certs.toArray(new X509Certificate[0]));
    } catch (IOException | GeneralSecurityException e) {
      throw new ConnectionSecurityException(
          Reason.INVALID_CA_BUNDLE,
          caSource.describe() + " cannot be used as trust anchors (" + e.getMessage() + ")",
          e);
    }
    if (!initial) {
      log.info("Loaded {} server CA certificate(s) from {}", certs.size(), caSource.describe());
    }
    return new TrustUpdate(List.copyOf(certs), digest);
  }

  /** SHA-256 of the parts, length-prefixed, in hex. */
  private static String digest(byte[]... parts) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
    for (byte[] part : parts) {
      sha256.update(Integer.toString(part.length).getBytes(StandardCharsets.US_ASCII));
      sha256.update((byte) 0);
      sha256.update(part);
    }
    return HexFormat.of().formatHex(sha256.digest());
  }
}
