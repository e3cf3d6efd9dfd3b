package dev.nexussecurity.controlplane.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.NamespacePermission;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.codec.tink.PlaintextPolicy;
import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import dev.nexussecurity.controlplane.internal.Settings.Audit;
import dev.nexussecurity.controlplane.internal.Settings.Authentication;
import dev.nexussecurity.controlplane.internal.Settings.Authorization;
import dev.nexussecurity.controlplane.internal.Settings.ClientAuth;
import dev.nexussecurity.controlplane.internal.Settings.Cors;
import dev.nexussecurity.controlplane.internal.Settings.FileStorage;
import dev.nexussecurity.controlplane.internal.Settings.Grant;
import dev.nexussecurity.controlplane.internal.Settings.KeysetSettings;
import dev.nexussecurity.controlplane.internal.Settings.Limits;
import dev.nexussecurity.controlplane.internal.Settings.Listener;
import dev.nexussecurity.controlplane.internal.Settings.NamespaceSettings;
import dev.nexussecurity.controlplane.internal.Settings.Oidc;
import dev.nexussecurity.controlplane.internal.Settings.Registry;
import dev.nexussecurity.controlplane.internal.Settings.Storage;
import dev.nexussecurity.controlplane.internal.Settings.TemporalConnection;
import dev.nexussecurity.controlplane.internal.Settings.TemporalStorage;
import dev.nexussecurity.controlplane.internal.Settings.Tls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Parses the server's JSON configuration strictly: unknown fields, duplicate fields, wrong types
 * and out-of-range values are problems, each reported with the field's path; every problem is
 * collected before one {@link ControlPlaneConfigException} is thrown. Relative file names are
 * resolved against the configuration file's directory.
 */
public final class SettingsParser {
  /** Signature algorithms accepted by default: every asymmetric JWS algorithm. */
  public static final Set<String> DEFAULT_ALGORITHMS =
      Set.of(
          "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");

  static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  static final int DEFAULT_MAX_PAYLOADS = 1000;
  static final int DEFAULT_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();
  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
  private static final Pattern KEYSET_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PATH_PREFIX = Pattern.compile("(/[A-Za-z0-9._~-]+)+");
  private static final Pattern ORIGIN =
      Pattern.compile(
          "https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");

  private final String source;
  private final Path baseDirectory;
  private final List<String> problems = new ArrayList<>();

  private SettingsParser(String source, Path baseDirectory) {
    this.source = source;
    this.baseDirectory = baseDirectory;
  }

  /** Reads and parses the configuration file {@code file}. */
  public static Settings load(Path file) {
    Path absolute = file.toAbsolutePath();
    String text;
    try {
      text = Files.readString(absolute);
    } catch (IOException e) {
      throw new ControlPlaneConfigException(
          absolute.toString(),
          List.of(
              "cannot read the file ("
                  + e.getClass().getSimpleName()
                  + "); pass an existing, readable JSON file with --config"),
          e);
    }
    Path dir = absolute.getParent() == null ? Path.of(".") : absolute.getParent();
    return parse(text, absolute.toString(), dir);
  }

  /**
   * Parses {@code json}; {@code source} names it in messages and relative file names are resolved
   * against {@code baseDirectory}.
   */
  public static Settings parse(String json, String source, Path baseDirectory) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ControlPlaneConfigException(
          source,
          List.of(
              "is not valid JSON at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ": "
                  + UntrustedText.quote(e.getOriginalMessage(), 200)));
    }
    if (root == null || !root.isObject()) {
      throw new ControlPlaneConfigException(source, List.of("must be a JSON object"));
    }
    SettingsParser p = new SettingsParser(source, baseDirectory);
    Settings s = p.settings(new Obj(p, "", root));
    if (!p.problems.isEmpty()) {
      throw new ControlPlaneConfigException(source, p.problems);
    }
    return s;
  }

  private Settings settings(Obj root) {
    root.allow(
        "listen",
        "tls",
        "management",
        "insecureDevelopmentMode",
        "authentication",
        "authorization",
        "cors",
        "limits",
        "audit",
        "codec",
        "registry",
        "shutdownGracePeriodSeconds");
    Listener listen =
        root.obj("listen").map(o -> listener(o, 8081)).orElse(new Listener("127.0.0.1", 8081));
    Optional<Tls> tls = root.obj("tls").map(this::tls);
    Optional<Listener> management = root.obj("management").map(o -> listener(o, 9464));
    boolean dev = root.bool("insecureDevelopmentMode", false);
    Authentication authn =
        root.obj("authentication")
            .map(this::authentication)
            .orElse(new Authentication(Optional.empty(), false, Optional.empty()));
    Authorization authz =
        root.obj("authorization")
            .map(this::authorization)
            .orElse(new Authorization("groups", List.of()));
    Cors cors =
        root.obj("cors").map(this::cors).orElse(new Cors(List.of(), Duration.ofSeconds(600)));
    Limits limits =
        root.obj("limits")
            .map(this::limits)
            .orElse(
                new Limits(
                    DEFAULT_MAX_REQUEST_BYTES,
                    DEFAULT_MAX_PAYLOADS,
                    DEFAULT_MAX_PAYLOAD_BYTES,
                    50,
                    200,
                    32));
    Audit audit =
        root.obj("audit")
            .map(
                o -> {
                  o.allow("file");
                  return new Audit(o.string("file").map(this::file));
                })
            .orElse(new Audit(Optional.empty()));
    String codecPrefix = "";
    List<NamespaceSettings> namespaces = List.of();
    Optional<Obj> codec = root.obj("codec");
    if (codec.isPresent()) {
      Obj c = codec.get();
      c.allow("pathPrefix", "namespaces");
      codecPrefix = c.string("pathPrefix").map(v -> pathPrefix(c.path("pathPrefix"), v)).orElse("");
      namespaces = namespaces(c, codecPrefix);
    }
    Optional<Registry> registry = root.obj("registry").map(this::registry);
    if (codec.isEmpty() && registry.isEmpty()) {
      problems.add(
          "codec and registry: both missing; configure codec.namespaces (the remote codec API)"
              + " and/or registry (the endpoint management API and browse page)");
    }
    Duration grace = Duration.ofSeconds(root.integer("shutdownGracePeriodSeconds", 10, 0, 300));
    if (listen.port() != 0 && management.isPresent() && management.get().port() == listen.port()) {
      problems.add(
          "management.port: "
              + listen.port()
              + " is also listen.port; give the management listener its own port");
    }
    if (tls.isPresent()
        && tls.get().clientAuth() != ClientAuth.NONE
        && tls.get().clientCaFile().isEmpty()) {
      problems.add(
          "tls.clientCaFile: missing while tls.clientAuth is "
              + tls.get().clientAuth().name().toLowerCase(Locale.ROOT)
              + "; name the PEM file of the CA that signs client certificates");
    }
    if (authn.clientCertificates()
        && (tls.isEmpty() || tls.get().clientAuth() == ClientAuth.NONE)) {
      problems.add(
          "authentication.clientCertificates: true needs tls with clientAuth \"want\" or \"need\"");
    }
    return new Settings(
        source,
        listen,
        tls,
        management,
        dev,
        authn,
        authz,
        cors,
        limits,
        audit,
        codecPrefix,
        namespaces,
        registry,
        grace);
  }

  private Registry registry(Obj o) {
    o.allow("file", "temporal", "sessionMaxAgeSeconds");
    Optional<String> file = o.string("file");
    Optional<Obj> temporal = o.obj("temporal");
    Storage storage;
    if (file.isPresent() == temporal.isPresent()) {
      problems.add(
          o.path("")
              + "set exactly one of \"file\" (a registry file) and \"temporal\" (the Temporal"
              + " server's Nexus endpoints, with policies signed by the registry key)");
      storage = new FileStorage(Path.of(""));
    } else if (file.isPresent()) {
      storage = new FileStorage(file(file.get()));
    } else {
      storage = temporalStorage(temporal.get());
    }
    Duration session =
        Duration.ofSeconds(o.integer("sessionMaxAgeSeconds", 8 * 3600, 60, 7 * 24 * 3600));
    return new Registry(storage, session);
  }

  private TemporalStorage temporalStorage(Obj o) {
    o.allow(
        "target",
        "tls",
        "signingKeyset",
        "audience",
        "manifestEndpointName",
        "manifestTargetNamespace",
        "stateFile",
        "refreshIntervalSeconds",
        "manifestRenewIntervalSeconds",
        "keyDirectory");
    Optional<TemporalConnection> connection = Optional.empty();
    Optional<String> target = o.string("target");
    Optional<Obj> tls = o.obj("tls");
    if (target.isPresent()) {
      Optional<Path> ca = Optional.empty();
      Optional<Path> cert = Optional.empty();
      Optional<Path> key = Optional.empty();
      Optional<String> serverName = Optional.empty();
      if (tls.isPresent()) {
        Obj t = tls.get();
        t.allow("serverCaFile", "clientCertificateFile", "clientPrivateKeyFile", "serverName");
        ca = t.string("serverCaFile").map(this::file);
        cert = t.string("clientCertificateFile").map(this::file);
        key = t.string("clientPrivateKeyFile").map(this::file);
        serverName = t.string("serverName");
        if (cert.isPresent() != key.isPresent()) {
          problems.add(
              t.path("") + "set both clientCertificateFile and clientPrivateKeyFile, or neither");
        }
      }
      connection =
          Optional.of(
              new TemporalConnection(target.get(), tls.isPresent(), ca, cert, key, serverName));
    } else if (tls.isPresent()) {
      problems.add(o.path("tls") + ": set \"target\" (host:port of the Temporal frontend) too");
    }
    KeysetSettings keyset = new KeysetSettings("registry", Path.of(""), Optional.empty());
    Optional<Obj> k = o.obj("signingKeyset");
    if (k.isEmpty()) {
      problems.add(
          o.path("signingKeyset")
              + ": missing; name the registry's private signature keyset, {\"file\": ...,"
              + " \"kmsKeyUri\": ...}");
    } else {
      k.get().allow("file", "kmsKeyUri");
      Path f = k.get().requiredString("file").map(this::file).orElse(Path.of(""));
      keyset = new KeysetSettings("registry", f, k.get().string("kmsKeyUri"));
    }
    String audience = o.requiredString("audience").orElse("");
    Duration refresh = Duration.ofSeconds(o.integer("refreshIntervalSeconds", 10, 1, 3600));
    Duration renew =
        Duration.ofSeconds(o.integer("manifestRenewIntervalSeconds", 3600, 10, 7 * 24 * 3600));
    return new TemporalStorage(
        connection,
        keyset,
        audience,
        o.string("manifestEndpointName"),
        o.string("manifestTargetNamespace"),
        o.string("stateFile").map(this::file),
        refresh,
        renew,
        o.string("keyDirectory").map(this::file));
  }

  private Listener listener(Obj o, int defaultPort) {
    o.allow("host", "port");
    String host = o.string("host").orElse("127.0.0.1");
    if (host.isBlank() || UntrustedText.firstUnsafe(host) >= 0) {
      problems.add(o.path("host") + ": must be a host name or IP address, got " + quote(host));
    }
    return new Listener(host, o.integer("port", defaultPort, 0, 65535));
  }

  private Tls tls(Obj o) {
    o.allow("certificateChainFile", "privateKeyFile", "clientCaFile", "clientAuth");
    Path chain = o.requiredString("certificateChainFile").map(this::file).orElse(Path.of(""));
    Path key = o.requiredString("privateKeyFile").map(this::file).orElse(Path.of(""));
    Optional<Path> ca = o.string("clientCaFile").map(this::file);
    ClientAuth auth =
        o.enumValue("clientAuth", ClientAuth.class)
            .orElse(ca.isPresent() ? ClientAuth.WANT : ClientAuth.NONE);
    return new Tls(chain, key, ca, auth);
  }

  private Authentication authentication(Obj o) {
    o.allow("oidc", "clientCertificates", "anonymousPrincipal");
    Optional<Oidc> oidc = o.obj("oidc").map(this::oidc);
    boolean certs = o.bool("clientCertificates", false);
    Optional<String> anonymous = o.string("anonymousPrincipal");
    anonymous.ifPresent(a -> identifier(o.path("anonymousPrincipal"), a));
    return new Authentication(oidc, certs, anonymous);
  }

  private Oidc oidc(Obj o) {
    o.allow(
        "issuer",
        "jwksUri",
        "audiences",
        "algorithms",
        "clockSkewSeconds",
        "jwksCacheTtlSeconds",
        "jwksRefreshMinIntervalSeconds",
        "jwksFetchTimeoutSeconds",
        "principalClaim");
    String issuer = o.requiredString("issuer").orElse("");
    URI jwks =
        o.requiredString("jwksUri")
            .map(v -> uri(o.path("jwksUri"), v))
            .orElse(URI.create("http://invalid"));
    List<String> audiences = o.strings("audiences");
    if (audiences.isEmpty()) {
      problems.add(
          o.path("audiences")
              + ": name at least one audience (the client id the identity provider puts in the"
              + " tokens' aud claim); tokens for other audiences are refused");
    }
    List<String> algorithms = o.strings("algorithms");
    Set<String> algs = algorithms.isEmpty() ? DEFAULT_ALGORITHMS : new LinkedHashSet<>(algorithms);
    for (String a : algs) {
      if (!DEFAULT_ALGORITHMS.contains(a)) {
        problems.add(
            o.path("algorithms")
                + ": "
                + quote(a)
                + " is not accepted; use asymmetric JWS algorithms only, from "
                + new java.util.TreeSet<>(DEFAULT_ALGORITHMS));
      }
    }
    return new Oidc(
        issuer,
        jwks,
        Set.copyOf(audiences),
        Set.copyOf(algs),
        Duration.ofSeconds(o.integer("clockSkewSeconds", 60, 0, 300)),
        Duration.ofSeconds(o.integer("jwksCacheTtlSeconds", 300, 10, 86_400)),
        Duration.ofSeconds(o.integer("jwksRefreshMinIntervalSeconds", 30, 1, 3600)),
        Duration.ofSeconds(o.integer("jwksFetchTimeoutSeconds", 5, 1, 60)),
        o.string("principalClaim").orElse("sub"));
  }

  private Authorization authorization(Obj o) {
    o.allow("claim", "grants");
    String claim = o.string("claim").orElse("groups");
    List<Grant> grants = new ArrayList<>();
    List<Obj> items = o.objects("grants");
    for (Obj g : items) {
      g.allow("principal", "claim", "value", "accountRole", "namespaces");
      Optional<String> principal = g.string("principal");
      Optional<String> grantClaim = g.string("claim");
      Optional<String> value = g.string("value");
      if (principal.isPresent() == value.isPresent()) {
        problems.add(
            g.path("")
                + "a grant matches either a \"principal\" or a claim \"value\" (with an optional"
                + " \"claim\", default \""
                + claim
                + "\"): set exactly one of them");
      }
      if (grantClaim.isPresent() && value.isEmpty()) {
        problems.add(g.path("claim") + ": set \"value\" too: the claim value this grant matches");
      }
      Optional<AccountRole> role = g.enumValue("accountRole", AccountRole.class);
      Map<String, NamespacePermission> ns = new TreeMap<>();
      g.obj("namespaces")
          .ifPresent(
              n -> {
                for (Iterator<String> it = n.node.fieldNames(); it.hasNext(); ) {
                  String name = it.next();
                  namespaceName(n.path(name), name);
                  n.enumValue(name, NamespacePermission.class).ifPresent(p -> ns.put(name, p));
                }
              });
      if (role.isEmpty() && ns.isEmpty()) {
        problems.add(g.path("") + "grants nothing: set \"accountRole\" or \"namespaces\"");
      }
      grants.add(
          new Grant(
              principal,
              value.isPresent() ? Optional.of(grantClaim.orElse(claim)) : Optional.empty(),
              value,
              role,
              Map.copyOf(ns)));
    }
    return new Authorization(claim, List.copyOf(grants));
  }

  private Cors cors(Obj o) {
    o.allow("allowedOrigins", "preflightMaxAgeSeconds");
    List<String> origins = new ArrayList<>();
    for (String origin : o.strings("allowedOrigins")) {
      if (origin.equals("*")) {
        origins.add(origin);
      } else if (!ORIGIN.matcher(origin).matches()) {
        problems.add(
            o.path("allowedOrigins")
                + ": "
                + quote(origin)
                + " is not an origin; write scheme://host[:port] with no path or trailing slash,"
                + " e.g. https://temporal-ui.example.com");
      } else {
        origins.add(origin.toLowerCase(Locale.ROOT));
      }
    }
    return new Cors(
        List.copyOf(origins),
        Duration.ofSeconds(o.integer("preflightMaxAgeSeconds", 600, 0, 86_400)));
  }

  private Limits limits(Obj o) {
    o.allow(
        "maxRequestBytes",
        "maxPayloadsPerRequest",
        "maxPayloadBytes",
        "requestsPerSecondPerPrincipal",
        "burstPerPrincipal",
        "maxThreads");
    return new Limits(
        o.integer("maxRequestBytes", DEFAULT_MAX_REQUEST_BYTES, 1024, 64 * 1024 * 1024),
        o.integer("maxPayloadsPerRequest", DEFAULT_MAX_PAYLOADS, 1, 100_000),
        o.integer("maxPayloadBytes", DEFAULT_MAX_PAYLOAD_BYTES, 64, 64 * 1024 * 1024),
        o.number("requestsPerSecondPerPrincipal", 50, 0.001, 100_000),
        o.integer("burstPerPrincipal", 200, 1, 1_000_000),
        o.integer("maxThreads", 32, 4, 1024));
  }

  private List<NamespaceSettings> namespaces(Obj codec, String codecPrefix) {
    List<NamespaceSettings> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> prefixes = new HashSet<>();
    List<Obj> items = codec.objects("namespaces");
    if (items.isEmpty()) {
      problems.add(
          codec.path("namespaces")
              + ": configure at least one namespace with its keysets; the server decodes for"
              + " configured namespaces only");
    }
    for (Obj n : items) {
      n.allow(
          "namespace",
          "pathPrefix",
          "keysets",
          "namespaceKeys",
          "keyDirectory",
          "encode",
          "acceptFormat1",
          "plaintextPolicy");
      String name = n.requiredString("namespace").orElse("");
      namespaceName(n.path("namespace"), name);
      if (!names.add(name)) {
        problems.add(n.path("namespace") + ": " + quote(name) + " is configured twice");
      }
      Optional<String> prefix =
          n.string("pathPrefix").map(v -> pathPrefix(n.path("pathPrefix"), v));
      prefix.ifPresent(
          p -> {
            if (p.equals(codecPrefix) || !prefixes.add(p)) {
              problems.add(
                  n.path("pathPrefix")
                      + ": "
                      + quote(p)
                      + " is already used; give every namespace its own path prefix");
            }
          });
      List<KeysetSettings> keysets = new ArrayList<>();
      Set<String> keysetNames = new HashSet<>();
      for (Obj k : n.objects("keysets")) {
        k.allow("name", "file", "kmsKeyUri");
        String keysetName = k.requiredString("name").orElse("");
        if (!KEYSET_NAME.matcher(keysetName).matches()) {
          problems.add(
              k.path("name")
                  + ": must be 1 to 64 characters of [A-Za-z0-9._-] starting with a letter or"
                  + " digit (the keyset name written in each payload), got "
                  + quote(keysetName));
        } else if (!keysetNames.add(keysetName)) {
          problems.add(k.path("name") + ": keyset " + quote(keysetName) + " is listed twice");
        }
        Path file = k.requiredString("file").map(this::file).orElse(Path.of(""));
        keysets.add(new KeysetSettings(keysetName, file, k.string("kmsKeyUri")));
      }
      Optional<KeysetSettings> namespaceKeys = Optional.empty();
      Optional<Obj> nk = n.obj("namespaceKeys");
      if (nk.isPresent()) {
        nk.get().allow("file", "kmsKeyUri");
        Path file = nk.get().requiredString("file").map(this::file).orElse(Path.of(""));
        namespaceKeys =
            Optional.of(new KeysetSettings("namespaceKeys", file, nk.get().string("kmsKeyUri")));
      }
      Optional<Path> keyDirectory = n.string("keyDirectory").map(this::file);
      if (namespaceKeys.isPresent() != keyDirectory.isPresent()) {
        problems.add(
            n.path(namespaceKeys.isPresent() ? "keyDirectory" : "namespaceKeys")
                + ": missing; namespaceKeys and keyDirectory go together (pairwise, HPKE and"
                + " authenticated payloads need the namespace's private keys and its peers'"
                + " public keys)");
      }
      if (keysets.isEmpty() && namespaceKeys.isEmpty()) {
        problems.add(
            n.path("keysets")
                + ": list at least one keyset, or set namespaceKeys and keyDirectory; the server"
                + " decodes with these keys only");
      }
      Optional<PayloadProtection> encode = Optional.empty();
      Optional<String> encodeText = n.string("encode");
      if (encodeText.isPresent()) {
        try {
          PayloadProtection p = PayloadProtection.parse(encodeText.get());
          if (p.getMode() == PayloadProtection.Mode.SHARED
              && !keysetNames.contains(p.getKeysetName().orElseThrow())) {
            problems.add(
                n.path("encode")
                    + ": "
                    + quote(encodeText.get())
                    + " names no keyset of this namespace (has "
                    + keysetNames
                    + ")");
          } else if (p.getMode() != PayloadProtection.Mode.SHARED && namespaceKeys.isEmpty()) {
            problems.add(
                n.path("encode")
                    + ": "
                    + quote(encodeText.get())
                    + " needs namespaceKeys and keyDirectory");
          }
          encode = Optional.of(p);
        } catch (IllegalArgumentException e) {
          problems.add(n.path("encode") + ": " + e.getMessage());
        }
      }
      PlaintextPolicy policy =
          n.enumValue("plaintextPolicy", PlaintextPolicy.class).orElse(PlaintextPolicy.REJECT);
      boolean acceptFormat1 = n.bool("acceptFormat1", false);
      out.add(
          new NamespaceSettings(
              name,
              prefix,
              List.copyOf(keysets),
              policy,
              namespaceKeys,
              keyDirectory,
              encode,
              acceptFormat1));
    }
    return List.copyOf(out);
  }

  private void namespaceName(String path, String name) {
    if (!NAMESPACE.matcher(name).matches()) {
      problems.add(
          path
              + ": "
              + quote(name)
              + " is not a namespace name (letters, digits, '.', '_' and '-', at most 255)");
    }
  }

  private void identifier(String path, String value) {
    if (value.isBlank() || UntrustedText.firstUnsafe(value) >= 0) {
      problems.add(path + ": must be non-blank printable text, got " + quote(value));
    }
  }

  private String pathPrefix(String path, String value) {
    if (!PATH_PREFIX.matcher(value).matches()) {
      problems.add(
          path
              + ": "
              + quote(value)
              + " is not a path prefix; write /segment[/segment...] with no trailing slash,"
              + " e.g. /orders");
    }
    return value;
  }

  private URI uri(String path, String value) {
    try {
      URI u = new URI(value);
      if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
        problems.add(path + ": must be an http(s) URL with a host, got " + quote(value));
        return URI.create("http://invalid");
      }
      return u;
    } catch (URISyntaxException e) {
      problems.add(path + ": is not a URL: " + quote(value));
      return URI.create("http://invalid");
    }
  }

  private Path file(String name) {
    return baseDirectory.resolve(name).normalize();
  }

  private static String quote(String text) {
    return "'" + UntrustedText.quote(text, 120) + "'";
  }

  /** A JSON object at a path, with typed accessors that record problems. */
  private static final class Obj {
    final SettingsParser parser;
    final String path;
    final JsonNode node;

    Obj(SettingsParser parser, String path, JsonNode node) {
      this.parser = parser;
      this.path = path;
      this.node = node;
    }

    String path(String field) {
      if (field.isEmpty()) {
        return path.isEmpty() ? "" : path + ": ";
      }
      return path.isEmpty() ? field : path + "." + field;
    }

    void allow(String... fields) {
      Set<String> known = Set.of(fields);
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String f = it.next();
        if (!known.contains(f)) {
          parser.problems.add(
              path(UntrustedText.quote(f))
                  + ": unknown field; known fields here are "
                  + new java.util.TreeSet<>(known));
        }
      }
    }

    Optional<Obj> obj(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isObject()) {
        parser.problems.add(path(field) + ": must be a JSON object");
        return Optional.empty();
      }
      return Optional.of(new Obj(parser, path(field), v));
    }

    List<Obj> objects(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return List.of();
      }
      if (!v.isArray()) {
        parser.problems.add(path(field) + ": must be a JSON array of objects");
        return List.of();
      }
      List<Obj> out = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        if (!v.get(i).isObject()) {
          parser.problems.add(path(field) + "[" + i + "]: must be a JSON object");
        } else {
          out.add(new Obj(parser, path(field) + "[" + i + "]", v.get(i)));
        }
      }
      return out;
    }

    Optional<String> string(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isTextual()) {
        parser.problems.add(path(field) + ": must be a string");
        return Optional.empty();
      }
      return Optional.of(v.textValue());
    }

    Optional<String> requiredString(String field) {
      Optional<String> v = string(field);
      if (v.isEmpty() && node.get(field) == null) {
        parser.problems.add(path(field) + ": missing; this field is required");
      } else if (v.isPresent() && v.get().isBlank()) {
        parser.problems.add(path(field) + ": must not be blank");
        return Optional.empty();
      }
      return v;
    }

    List<String> strings(String field) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return List.of();
      }
      if (!v.isArray()) {
        parser.problems.add(path(field) + ": must be a JSON array of strings");
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (JsonNode e : v) {
        if (!e.isTextual() || e.textValue().isBlank()) {
          parser.problems.add(path(field) + ": every element must be a non-blank string");
        } else {
          out.add(e.textValue());
        }
      }
      return out;
    }

    boolean bool(String field, boolean defaultValue) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return defaultValue;
      }
      if (!v.isBoolean()) {
        parser.problems.add(path(field) + ": must be true or false");
        return defaultValue;
      }
      return v.booleanValue();
    }

    int integer(String field, int defaultValue, int min, int max) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return defaultValue;
      }
      if (!v.canConvertToInt()
          || !v.isIntegralNumber()
          || v.intValue() < min
          || v.intValue() > max) {
        parser.problems.add(
            path(field) + ": must be a whole number from " + min + " to " + max + ", got " + v);
        return defaultValue;
      }
      return v.intValue();
    }

    double number(String field, double defaultValue, double min, double max) {
      JsonNode v = node.get(field);
      if (v == null || v.isNull()) {
        return defaultValue;
      }
      if (!v.isNumber() || v.doubleValue() < min || v.doubleValue() > max) {
        parser.problems.add(
            path(field) + ": must be a number from " + min + " to " + max + ", got " + v);
        return defaultValue;
      }
      return v.doubleValue();
    }

    <E extends Enum<E>> Optional<E> enumValue(String field, Class<E> type) {
      Optional<String> v = string(field);
      if (v.isEmpty()) {
        return Optional.empty();
      }
      Map<String, E> byName = new LinkedHashMap<>();
      for (E e : type.getEnumConstants()) {
        byName.put(e.name().toLowerCase(Locale.ROOT), e);
      }
      E e = byName.get(v.get().toLowerCase(Locale.ROOT));
      if (e == null) {
        parser.problems.add(
            path(field) + ": " + quote(v.get()) + " is not one of " + byName.keySet());
        return Optional.empty();
      }
      return Optional.of(e);
    }
  }
}
