package dev.nexussecurity.controlplane.internal;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.PlaintextPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The control-plane server's configuration, as parsed and validated by {@link SettingsParser}. The
 * sections (listener, TLS, authentication, authorization, CORS, limits, audit) serve every API the
 * server hosts; {@link #namespaces()} configures the codec API.
 *
 * @param source the configuration file (or a description of where the text came from)
 * @param codecPathPrefix the path under which {@code /encode} and {@code /decode} are served for
 *     every namespace (the namespace comes from {@code X-Namespace}); {@code ""} for the root
 * @param namespaces the codec API's namespaces; empty when the server serves no codec API
 * @param registry the endpoint registry's management API, CLI target and browse page; empty when
 *     the server does not serve them
 */
public record Settings(
    String source,
    Listener listen,
    Optional<Tls> tls,
    Optional<Listener> management,
    boolean insecureDevelopmentMode,
    Authentication authentication,
    Authorization authorization,
    Cors cors,
    Limits limits,
    Audit audit,
    String codecPathPrefix,
    List<NamespaceSettings> namespaces,
    Optional<Registry> registry,
    Duration shutdownGracePeriod) {

  /** A TCP listener. Port 0 picks a free port. */
  public record Listener(String host, int port) {}

  /** Whether and how clients present certificates. */
  public enum ClientAuth {
    /** No client certificates are asked for. */
    NONE,
    /** Certificates are asked for; a connection without one is accepted (bearer tokens then). */
    WANT,
    /** Every connection must present a certificate signed by the client CA. */
    NEED
  }

  /** TLS for the main listener, from PEM files. */
  public record Tls(
      Path certificateChainFile,
      Path privateKeyFile,
      Optional<Path> clientCaFile,
      ClientAuth clientAuth) {}

  /** How callers prove who they are. */
  public record Authentication(
      Optional<Oidc> oidc, boolean clientCertificates, Optional<String> anonymousPrincipal) {
    /** Whether any real authentication (OIDC or client certificates) is configured. */
    public boolean isConfigured() {
      return oidc.isPresent() || clientCertificates;
    }
  }

  /** OIDC bearer-token verification against the identity provider's JWKS. */
  public record Oidc(
      String issuer,
      URI jwksUri,
      Set<String> audiences,
      Set<String> algorithms,
      Duration clockSkew,
      Duration jwksCacheTtl,
      Duration jwksRefreshMinInterval,
      Duration jwksFetchTimeout,
      String principalClaim) {}

  /** Maps verified identities to account roles and namespace permissions. */
  public record Authorization(String claim, List<Grant> grants) {}

  /**
   * One rule: identities whose principal id equals {@code principal}, or whose claim {@code claim}
   * holds {@code value} (a string, or one element of an array), get {@code accountRole} and the
   * namespace permissions.
   */
  public record Grant(
      Optional<String> principal,
      Optional<String> claim,
      Optional<String> value,
      Optional<AccountRole> accountRole,
      Map<String, NamespacePermission> namespaces) {}

  /** Browser origins (scheme://host[:port]) allowed to call the server, with credentials. */
  public record Cors(List<String> allowedOrigins, Duration preflightMaxAge) {}

  /** Request limits. */
  public record Limits(
      int maxRequestBytes,
      int maxPayloadsPerRequest,
      int maxPayloadBytes,
      double requestsPerSecondPerPrincipal,
      int burstPerPrincipal,
      int maxThreads) {}

  /** Where audit lines go: a file (appended to), or standard output when empty. */
  public record Audit(Optional<Path> file) {}

  /**
   * A namespace the codec API serves, with its keys.
   *
   * @param keysets the named shared keysets (possibly none when {@code namespaceKeys} is set)
   * @param namespaceKeys the namespace keys file (X25519 key-agreement keys), for pairwise, HPKE
   *     and authenticated payloads; comes with {@code keyDirectory}
   * @param keyDirectory the key directory file (public keys of the namespace and its peers)
   * @param encodeProtection what {@code /encode} writes ({@code shared:<keyset>}, {@code pairwise},
   *     {@code hpke}, {@code authenticated}); empty: the first keyset, else pairwise
   * @param acceptFormat1 whether format-1 payloads (earlier versions) are still decoded
   */
  public record NamespaceSettings(
      String namespace,
      Optional<String> pathPrefix,
      List<KeysetSettings> keysets,
      PlaintextPolicy plaintextPolicy,
      Optional<KeysetSettings> namespaceKeys,
      Optional<Path> keyDirectory,
      Optional<PayloadProtection> encodeProtection,
      boolean acceptFormat1) {
    /** A namespace with shared keysets only (the configuration of earlier versions). */
    public NamespaceSettings(
        String namespace,
        Optional<String> pathPrefix,
        List<KeysetSettings> keysets,
        PlaintextPolicy plaintextPolicy) {
      this(
          namespace,
          pathPrefix,
          keysets,
          plaintextPolicy,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false);
    }
  }

  /**
   * A Tink keyset file: KMS-encrypted when {@code kmsKeyUri} is present, cleartext (development
   * only) otherwise.
   */
  public record KeysetSettings(String name, Path file, Optional<String> kmsKeyUri) {}

  /**
   * The endpoint registry served by the management API and the browse page.
   *
   * @param storage where the registry lives
   * @param sessionMaxAge the longest a browse-page session lasts (it also ends when the token it
   *     was opened with expires)
   */
  public record Registry(Storage storage, Duration sessionMaxAge) {}

  /** Where the registry lives: a registry file, or the Temporal server's Nexus endpoints. */
  public sealed interface Storage permits FileStorage, TemporalStorage {}

  /** The registry file ({@code RegistryFiles} format), saved atomically after every change. */
  public record FileStorage(Path file) implements Storage {}

  /**
   * The Temporal server's Nexus endpoints, each with its policy signed by the registry key, listed
   * in the registry manifest.
   *
   * @param connection how to reach the server's frontend; empty when the embedding code supplies
   *     the OperatorService stubs
   * @param signingKeyset the registry's private signature keyset (KMS-encrypted in production)
   * @param audience the cluster's name, as the workers' {@code ServerEndpointRegistry} says
   * @param manifestEndpointName the reserved endpoint that holds the manifest, if not the default
   * @param manifestTargetNamespace that endpoint's target namespace, if not the default
   * @param stateFile where the newest accepted manifest is recorded across restarts, if anywhere
   * @param refreshInterval how often the registry is read again from the server for reads
   * @param manifestRenewInterval how often the server is brought in step (and the manifest renewed)
   *     when nothing changes
   * @param keyDirectory the namespace key directory file published with the registry, if any
   */
  public record TemporalStorage(
      Optional<TemporalConnection> connection,
      KeysetSettings signingKeyset,
      String audience,
      Optional<String> manifestEndpointName,
      Optional<String> manifestTargetNamespace,
      Optional<Path> stateFile,
      Duration refreshInterval,
      Duration manifestRenewInterval,
      Optional<Path> keyDirectory)
      implements Storage {}

  /** The Temporal frontend the server-backed registry talks to. */
  public record TemporalConnection(
      String target,
      boolean tls,
      Optional<Path> serverCaFile,
      Optional<Path> clientCertificateFile,
      Optional<Path> clientPrivateKeyFile,
      Optional<String> serverName) {}
}
