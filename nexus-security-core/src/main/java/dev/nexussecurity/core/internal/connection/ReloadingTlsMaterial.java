package dev.nexussecurity.core.internal.connection;

import dev.nexussecurity.core.connection.ConnectionSecurityException;
import dev.nexussecurity.core.connection.ConnectionSecurityException.Reason;
import io.grpc.util.AdvancedTlsX509KeyManager;
import io.grpc.util.AdvancedTlsX509TrustManager;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's TLS material (optional client identity, server trust anchors) held in grpc-java's
 * reloadable {@link AdvancedTlsX509KeyManager} and {@link AdvancedTlsX509TrustManager}, which every
 * new TLS handshake consults. {@link #reload()} re-reads the files, and installs new material only
 * when it changed and is valid; otherwise the last good material stays installed and the error is
 * recorded and logged. The client identity is never removed once installed.
 *
 * <p>Change detection compares SHA-256 digests of the file contents, so rewrites within the file
 * system's timestamp resolution are seen too. The identity (certificate + key) and the CA bundle
 * are handled independently: a bad CA bundle does not block a good identity rotation, and vice
 * versa.
 */
public final class ReloadingTlsMaterial implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReloadingTlsMaterial.class);

  private final PemSource certSource;
  private final PemSource keySource;
  private final PemSource caSource;
  private final Clock clock;
  private final AdvancedTlsX509KeyManager keyManager;
  private final AdvancedTlsX509TrustManager trustManager;

  // guarded by this
  private byte[] identityDigest;
  private byte[] caDigest;
  private ClientIdentity identity;
  private List<X509Certificate> trusted;
  private Instant lastLoadedAt;
  private Instant lastCheckedAt;
  private ConnectionSecurityException lastError;
  private long consecutiveFailures;
  private ScheduledExecutorService scheduler;
  private volatile Runnable changeListener = () -> {};

  private ReloadingTlsMaterial(
      PemSource certSource, PemSource keySource, PemSource caSource, Clock clock) {
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
  }

  /**
   * Loads the material once; throws {@link ConnectionSecurityException} when any part is unusable.
   *
   * @param certSource client certificate chain, or null for no client identity
   * @param keySource client private key; null exactly when {@code certSource} is null
   * @param caSource CA bundle that pins the server, or null for the JVM's default trust store
   */
  public static ReloadingTlsMaterial load(
      PemSource certSource, PemSource keySource, PemSource caSource, Clock clock) {
    if ((certSource == null) != (keySource == null)) {
      throw new IllegalArgumentException(
          "certSource and keySource must both be set or both be null");
    }
    ReloadingTlsMaterial material =
        new ReloadingTlsMaterial(certSource, keySource, caSource, clock);
    synchronized (material) {
      material.loadIdentity(true);
      material.loadTrust(true);
      material.lastCheckedAt = material.lastLoadedAt;
    }
    return material;
  }

  /**
   * Sets the action run after new material was installed, e.g. to drop cached TLS sessions so that
   * the next connection performs a full handshake with it.
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
   * change listener runs afterwards (also when another part failed).
   *
   * @throws ConnectionSecurityException for the first part that failed; the last good material of
   *     that part stays installed
   */
  public void reload() {
    reloadLocked();
  }

  /**
   * Loads under the lock and, when anything was installed, runs the change listener before
   * releasing it, so that nobody observes the new material (status getters take the same lock)
   * before the listener has, for example, dropped TLS sessions cached under the old identity.
   */
  private synchronized void reloadLocked() {
    boolean[] changed = new boolean[1];
    try {
      reloadLocked(changed);
    } finally {
      if (changed[0]) {
        try {
          changeListener.run();
        } catch (RuntimeException e) {
          log.warn("The TLS material change listener failed", e);
        }
      }
    }
  }

  private synchronized void reloadLocked(boolean[] changed) {
    lastCheckedAt = clock.instant();
    ConnectionSecurityException failure = null;
    try {
      changed[0] |= loadIdentity(false);
    } catch (ConnectionSecurityException e) {
      failure = e;
    }
    try {
      changed[0] |= loadTrust(false);
    } catch (ConnectionSecurityException e) {
      if (failure == null) {
        failure = e;
      } else {
        failure.addSuppressed(e);
      }
    }
    if (failure != null) {
      lastError = failure;
      consecutiveFailures++;
      log.warn(
          "TLS material reload failed; the previously loaded material stays in use: {}",
          failure.getMessage());
      throw failure;
    }
    lastError = null;
    consecutiveFailures = 0;
  }

  /** {@link #reload()} for the scheduler: never throws. */
  private void reloadQuietly() {
    try {
      reload();
    } catch (RuntimeException e) {
      // already recorded and logged by reload() when it is ours
      if (!(e instanceof ConnectionSecurityException)) {
        log.warn("Unexpected error while reloading TLS material", e);
      }
    }
  }

  /** Starts reloading every {@code period} on a daemon thread, if any part comes from a file. */
  public synchronized void startReloading(Duration period) {
    if (scheduler != null || period.isZero() || !hasFileSources()) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "nexus-security-tls-reload");
              t.setDaemon(true);
              return t;
            });
    long millis = Math.max(1, period.toMillis());
    scheduler.scheduleWithFixedDelay(this::reloadQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  /** Stops periodic reloading; the installed material stays usable. */
  @Override
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      s = scheduler;
      scheduler = null;
    }
    if (s != null) {
      s.shutdownNow();
    }
  }

  /** The installed client identity, or null when none is configured. */
  public synchronized ClientIdentity getIdentity() {
    return identity;
  }

  /** The installed trust anchors; empty when the JVM's default trust store is used. */
  public synchronized List<X509Certificate> getTrustedCertificates() {
    return trusted;
  }

  /** When material was last installed. */
  public synchronized Instant getLastLoadedAt() {
    return lastLoadedAt;
  }

  /** When the files were last checked. */
  public synchronized Instant getLastCheckedAt() {
    return lastCheckedAt;
  }

  /** The error of the last check, or null when it succeeded. */
  public synchronized ConnectionSecurityException getLastError() {
    return lastError;
  }

  /** How many checks in a row have failed. */
  public synchronized long getConsecutiveFailures() {
    return consecutiveFailures;
  }

  /** Returns whether a new identity was installed. */
  private boolean loadIdentity(boolean initial) {
    if (certSource == null) {
      return false;
    }
    byte[] certPem = certSource.read();
    byte[] keyPem = keySource.read();
    try {
      byte[] digest = digest(certPem, keyPem);
      if (!initial && Arrays.equals(digest, identityDigest)) {
        return false;
      }
      ClientIdentity loaded =
          ClientIdentity.load(certPem, keyPem, certSource, keySource, clock.instant());
      keyManager.updateIdentityCredentials(loaded.getChain(), loaded.getKey());
      identity = loaded;
      identityDigest = digest;
      lastLoadedAt = clock.instant();
      if (!initial) {
        log.info(
            "Loaded a new TLS client certificate {} (valid until {}) from {}",
            CertificateNames.describe(loaded.getLeaf()),
            loaded.getLeaf().getNotAfter().toInstant(),
            certSource.describe());
      }
      return true;
    } finally {
      Arrays.fill(keyPem, (byte) 0);
    }
  }

  /** Returns whether new trust anchors were installed. */
  private boolean loadTrust(boolean initial) {
    if (caSource == null) {
      if (initial) {
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
        trusted = List.of();
        lastLoadedAt = clock.instant();
      }
      return false;
    }
    byte[] caPem = caSource.read();
    byte[] digest = digest(caPem);
    if (!initial && Arrays.equals(digest, caDigest)) {
      return false;
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
    trusted = List.copyOf(certs);
    caDigest = digest;
    lastLoadedAt = clock.instant();
    if (!initial) {
      log.info("Loaded {} server CA certificate(s) from {}", certs.size(), caSource.describe());
    }
    return true;
  }

  private static byte[] digest(byte[]... parts) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
    for (byte[] part : parts) {
      sha256.update(
          Integer.toString(part.length).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      sha256.update((byte) 0);
      sha256.update(part);
    }
    return sha256.digest();
  }
}
