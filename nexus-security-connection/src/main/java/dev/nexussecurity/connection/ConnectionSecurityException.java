package dev.nexussecurity.connection;

import dev.nexussecurity.api.NexusSecurityException;
import java.util.Objects;

/**
 * Thrown when a worker connection's security configuration is refused, its TLS material cannot be
 * loaded, or its TLS handshake fails on a certificate. The {@link #getReason() reason} is stable
 * and can be matched on; the message says what is wrong and how to fix it.
 *
 * <p>A handshake failure is thrown by {@link WorkerConnection#open} when its connection check sees
 * it; on later calls it is the cause of the gRPC {@code UNAVAILABLE} error, whose description is
 * this exception's message.
 *
 * <p><b>Security.</b> Messages name files, option names, certificate subjects and serial numbers,
 * never the API key, private key bytes or any other secret.
 *
 * <pre>{@code
 * try {
 *   WorkerConnection connection = WorkerConnection.open(options);
 * } catch (ConnectionSecurityException e) {
 *   if (e.getReason() == ConnectionSecurityException.Reason.PLAINTEXT_NOT_ALLOWED) {
 *     // configure TLS as the message explains
 *   }
 *   throw e;
 * }
 * }</pre>
 */
public final class ConnectionSecurityException extends NexusSecurityException {
  private static final long serialVersionUID = 1L;

  /**
   * Why a connection configuration or its TLS material was refused. Values are stable and may be
   * matched on.
   *
   * <pre>{@code
   * TlsMaterialStatus status = connection.getTlsMaterialStatus();
   * status.getLastReloadError()
   *     .filter(e -> e.getReason() == ConnectionSecurityException.Reason.KEY_CERTIFICATE_MISMATCH)
   *     .ifPresent(e -> alert("certificate rotation incomplete: " + e.getMessage()));
   * }</pre>
   */
  public enum Reason {
    /**
     * The target is not a literal {@code host:port} (a DNS name, a dotted-quad IPv4 address or a
     * bracketed IPv6 address, and a port from 1 to 65535): user information, a URI scheme, a path,
     * an escape, whitespace or a look-alike character, which gRPC could read as another host.
     */
    INVALID_TARGET,
    /** Plaintext to an address that is not loopback, without {@code setAllowPlaintext(true)}. */
    PLAINTEXT_NOT_ALLOWED,
    /**
     * A credential with TLS disabled: an API key, a gRPC header that carries credentials ({@code
     * authorization}, {@code cookie}, {@code x-api-key}, any name containing {@code token}, {@code
     * secret}, {@code password} ...), or a metadata provider whose headers cannot be checked.
     */
    CREDENTIALS_WITHOUT_TLS,
    /**
     * TLS is disabled but TLS material (certificate, key, CA bundle, server name) is configured.
     */
    CONFLICTING_TLS_SETTINGS,
    /** Server host verification was turned off ({@code disable_host_verification}). */
    HOST_VERIFICATION_DISABLED,
    /** Only one half of the client identity (certificate chain or private key) is configured. */
    INCOMPLETE_CLIENT_IDENTITY,
    /** A certificate, key or CA file cannot be read. */
    FILE_UNREADABLE,
    /**
     * The client certificate chain is missing, malformed or not usable for client authentication.
     */
    INVALID_CLIENT_CERTIFICATE,
    /** The client certificate has expired or is not valid yet. */
    CLIENT_CERTIFICATE_NOT_CURRENTLY_VALID,
    /** The private key is missing, malformed, encrypted or in an unsupported format. */
    INVALID_PRIVATE_KEY,
    /** The private key does not belong to the client certificate. */
    KEY_CERTIFICATE_MISMATCH,
    /** The server CA bundle is missing or malformed. */
    INVALID_CA_BUNDLE,
    /** The TLS context could not be built from otherwise valid material. */
    TLS_SETUP_FAILED,
    /**
     * The server's certificate is not issued by a CA this worker trusts (the server CA bundle, or
     * the JVM's trust store when there is none).
     */
    SERVER_CERTIFICATE_UNTRUSTED,
    /** The server's certificate (or one of its chain) has expired or is not valid yet. */
    SERVER_CERTIFICATE_NOT_CURRENTLY_VALID,
    /** The server's certificate does not name the host connected to (or the server name set). */
    SERVER_NAME_MISMATCH,
    /**
     * The server refused the client certificate: most often it does not trust the certificate's
     * issuer; also when it considers the certificate expired, revoked or unfit.
     */
    CLIENT_CERTIFICATE_REJECTED,
    /** The server requires a client certificate (mutual TLS) and none is configured. */
    CLIENT_CERTIFICATE_REQUIRED,
    /**
     * The TLS handshake failed for another reason: the server does not serve TLS on that port, or
     * the two sides share no protocol version or cipher suite.
     */
    TLS_HANDSHAKE_FAILED
  }

  private final Reason reason;

  /** Creates an exception for {@code reason} with {@code message}; neither may be null. */
  public ConnectionSecurityException(Reason reason, String message) {
    super(Objects.requireNonNull(message, "message"));
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Creates an exception for {@code reason} with {@code message} and the underlying {@code cause}
   * (nullable). Only pass causes whose messages carry no secrets.
   */
  public ConnectionSecurityException(Reason reason, String message, Throwable cause) {
    super(Objects.requireNonNull(message, "message"), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The stable reason of this refusal; never null. */
  public Reason getReason() {
    return reason;
  }
}
