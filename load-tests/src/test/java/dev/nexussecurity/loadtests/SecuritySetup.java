package dev.nexussecurity.loadtests;

import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.EndpointRegistry;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.api.SecurityAuditListener;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.AccessDenials;
import dev.nexussecurity.core.CallerPolicy;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.server.EndpointReconciler;
import dev.nexussecurity.core.server.ServerEndpointRegistry;
import dev.nexussecurity.testing.TestKeys;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * ALL nexus-security configuration of the load and soak tests, in one place, so that a change of
 * the library's configuration API (identity tokens, key directories, codec options) is a change of
 * this class only.
 *
 * <p>Keys come from one seed ({@link TestKeys}), given to the handler processes in an environment
 * variable, so that every JVM derives the same keys:
 *
 * <ul>
 *   <li>the registry signing key (the reconciler signs endpoint policies and the manifest; workers
 *       hold its public half);
 *   <li>namespace keys (identity v2): each namespace's key-agreement key, and signature keys per
 *       <b>generation</b>: a caller signs (signature identity mode) with the key of its current
 *       generation; the key directory holds the public keys of generations 0 to {@link
 *       #MAX_GENERATION} (rotation: a new key is published before it is used);
 *   <li>payload keys per generation: every converter holds the keys of all generations, primary the
 *       current one, so that rotating the primary never makes a payload unreadable.
 * </ul>
 */
final class SecuritySetup {
  /** Highest key generation; the soak test rotates at most this many times. */
  static final int MAX_GENERATION = 64;

  /**
   * How callers authenticate their tokens: {@code -Dload.identityMode=SIGNATURE} (the default here:
   * the soak rotates signature keys) or {@code PAIRWISE} (the library's default).
   */
  static final IdentityMode IDENTITY_MODE =
      IdentityMode.valueOf(
          System.getProperty("load.identityMode", "SIGNATURE").trim().toUpperCase(Locale.ROOT));

  /** The cluster name reconciler and workers agree on. */
  static final String AUDIENCE = "load-tests";

  static final String PAYLOAD_KEYSET_NAME = "load";

  /** Environment variable the handler processes read the seed from (hex). */
  static final String SEED_ENV = "NEXUS_SECURITY_LOAD_SEED";

  /** Tuning of the security layer that the tests choose per profile. */
  record Tuning(
      Duration tokenLifetime,
      Duration clockSkew,
      Duration registryRefreshInterval,
      Duration registryMaxStaleness) {
    static final Tuning LOAD =
        new Tuning(
            Duration.ofHours(1),
            Duration.ofMinutes(1),
            Duration.ofSeconds(5),
            Duration.ofMinutes(5));

    String encode() {
      return tokenLifetime.toMillis()
          + ","
          + clockSkew.toMillis()
          + ","
          + registryRefreshInterval.toMillis()
          + ","
          + registryMaxStaleness.toMillis();
    }

    static Tuning decode(String s) {
      String[] p = s.split(",");
      return new Tuning(
          Duration.ofMillis(Long.parseLong(p[0])),
          Duration.ofMillis(Long.parseLong(p[1])),
          Duration.ofMillis(Long.parseLong(p[2])),
          Duration.ofMillis(Long.parseLong(p[3])));
    }
  }

  private final byte[] seed;
  private final TestKeys keys;

  private SecuritySetup(byte[] seed) {
    this.seed = seed.clone();
    this.keys = TestKeys.fromSeed(seed);
  }

  /** Keys from a fresh random seed (the test JVM). */
  static SecuritySetup random() {
    byte[] seed = new byte[TestKeys.SEED_BYTES];
    new java.security.SecureRandom().nextBytes(seed);
    return new SecuritySetup(seed);
  }

  /** Keys from the seed in {@link #SEED_ENV} (a handler process). */
  static SecuritySetup fromEnvironment() {
    String hex = System.getenv(SEED_ENV);
    if (hex == null) {
      throw new IllegalStateException(SEED_ENV + " is not set");
    }
    return new SecuritySetup(HexFormat.of().parseHex(hex));
  }

  /** The environment a handler process needs to derive the same keys. */
  Map<String, String> environment() {
    return Map.of(SEED_ENV, HexFormat.of().formatHex(seed));
  }

  // ---------------------------------------------------------------- payload codec

  /** The SDK's default converter with the Tink codec over all payload keys, {@code gen} primary. */
  DataConverter converter(int primaryGeneration) {
    TinkPayloadCodec codec =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.fromKeysetHandle(payloadKeyset(primaryGeneration)))
            .setKeysetName(PAYLOAD_KEYSET_NAME)
            .build();
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
  }

  /** The converter of the plain (unsecured) workers: the SDK default, no codec. */
  static DataConverter plainConverter() {
    return DefaultDataConverter.newDefaultInstance();
  }

  private KeysetHandle payloadKeyset(int primaryGeneration) {
    checkGeneration(primaryGeneration);
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder();
      for (int g = 0; g <= MAX_GENERATION; g++) {
        KeysetHandle.Entry e = keys.getPayloadKeyset("payload-g" + g).getPrimary();
        KeysetHandle.Builder.Entry entry =
            KeysetHandle.importKey(e.getKey()).withFixedId(e.getId());
        b.addEntry(g == primaryGeneration ? entry.makePrimary() : entry);
      }
      return b.build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot assemble the payload keyset", e);
    }
  }

  // ---------------------------------------------------------------- identity

  /**
   * The security layer of a caller namespace's workers: {@link #IDENTITY_MODE} (signature by
   * default), signing with the key of {@code identityGeneration} (its signature keyset holds every
   * generation, that one primary); {@code enforceOnCaller} false leaves every decision to the
   * handlers.
   */
  NexusSecurity callerSecurity(
      String namespace,
      EndpointRegistry registry,
      int identityGeneration,
      DataConverter converter,
      boolean enforceOnCaller,
      Tuning tuning) {
    return NexusSecurity.newInstance(
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(namespaceKeys(namespace, identityGeneration))
            .setKeyDirectory(directory())
            .setRegistry(registry)
            .setCallerPolicy(
                CallerPolicy.newBuilder()
                    .setIdentityMode(IDENTITY_MODE)
                    .setMaxTokenLifetime(tuning.tokenLifetime())
                    .build())
            .setDataConverter(converter)
            .setEnforceOnCaller(enforceOnCaller)
            .build());
  }

  /**
   * The security layer of the handler workers: verifies callers with every identity generation in
   * the key directory. The codec here is not binding-aware, so unbound input is admitted.
   */
  NexusSecurity handlerSecurity(
      String namespace,
      EndpointRegistry registry,
      List<String> callers,
      DataConverter converter,
      SecurityAuditListener listener,
      Tuning tuning) {
    return NexusSecurity.newInstance(
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(namespaceKeys(namespace, 0))
            .setKeyDirectory(directory())
            .setRegistry(registry)
            .setHandlerPolicy(
                HandlerPolicy.newBuilder()
                    .setClockSkew(tuning.clockSkew())
                    .setAllowUnboundInput(true)
                    .build())
            .setDataConverter(converter)
            .addAuditListener(listener)
            .build());
  }

  /**
   * {@code namespace}'s private keys: its agreement key, and signature keys of every generation.
   */
  private NamespaceKeys namespaceKeys(String namespace, int primaryGeneration) {
    checkGeneration(primaryGeneration);
    try {
      KeysetHandle.Builder b = KeysetHandle.newBuilder();
      for (int g = 0; g <= MAX_GENERATION; g++) {
        KeysetHandle.Entry e = keys.getSigningKeyset(namespace + "/g" + g).getPrimary();
        KeysetHandle.Builder.Entry entry =
            KeysetHandle.importKey(e.getKey()).withFixedId(e.getId());
        b.addEntry(g == primaryGeneration ? entry.makePrimary() : entry);
      }
      return NamespaceKeys.newBuilder(namespace)
          .setAgreementKeys(keys.getNamespaceKeys(namespace).getAgreementKeys())
          .setSignatureKeys(b.build())
          .build();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot assemble the keys of " + namespace, e);
    }
  }

  /** The public keys of the handler and every caller namespace (all identity generations). */
  private NamespaceKeyDirectory directory() {
    NamespaceKeyDirectory.Builder d = NamespaceKeyDirectory.newBuilder();
    d.put(namespaceKeys(Operations.HANDLER_NS, 0).toPublicKeys());
    for (String caller : Operations.CALLERS) {
      d.put(namespaceKeys(caller, 0).toPublicKeys());
    }
    return d.build();
  }

  /** The nexus-security reason code of a denied Nexus call, if it was one. */
  static Optional<ReasonCode> denialReason(Throwable failure) {
    return AccessDenials.reasonOf(failure);
  }

  // ---------------------------------------------------------------- registry

  /** A worker's registry: the server's endpoints, verified with the registry's public key. */
  ServerEndpointRegistry serverRegistry(OperatorServiceStubs stubs, Tuning tuning) {
    // a process started on a saturated machine may need several tries to reach the server
    RuntimeException last = null;
    for (int attempt = 0; attempt < 10; attempt++) {
      try {
        return ServerEndpointRegistry.newBuilder()
            .setOperatorServiceStubs(stubs)
            .setRegistryPublicKeyset(publicHalf(registrySigningKeyset()))
            .setAudience(AUDIENCE)
            .setRefreshInterval(tuning.registryRefreshInterval())
            .setMaxStaleness(tuning.registryMaxStaleness())
            .setRpcTimeout(Duration.ofSeconds(20))
            .start();
      } catch (RuntimeException e) {
        last = e;
      }
    }
    throw last;
  }

  /** The reconciler that writes {@code source}'s endpoints, signed, to the server. */
  EndpointReconciler reconciler(EndpointRegistry source, OperatorServiceStubs stubs) {
    return EndpointReconciler.newBuilder()
        .setRegistry(source)
        .setOperatorServiceStubs(stubs)
        .setRegistrySigningKeyset(registrySigningKeyset())
        .setAudience(AUDIENCE)
        .build();
  }

  private KeysetHandle registrySigningKeyset() {
    return keys.getSigningKeyset("registry");
  }

  private static KeysetHandle publicHalf(KeysetHandle privateKeyset) {
    try {
      return privateKeyset.getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void checkGeneration(int generation) {
    if (generation < 0 || generation > MAX_GENERATION) {
      throw new IllegalArgumentException(
          "key generation must be 0 to " + MAX_GENERATION + ", got " + generation);
    }
  }

  // ---------------------------------------------------------------- measurement

  /**
   * The number of live entries in the replay cache of {@code security}, or -1 if it cannot be
   * found. No public API exposes it, so this walks the object graph reflectively (a measurement aid
   * only: it names no internal type, and answers -1 once the internals change).
   */
  static int replayCacheSize(NexusSecurity security) {
    Object cache = find(security, 0, new IdentityHashMap<>());
    if (cache == null) {
      return -1;
    }
    try {
      Method size = cache.getClass().getMethod("size", long.class);
      return (Integer) size.invoke(cache, System.currentTimeMillis());
    } catch (ReflectiveOperationException | RuntimeException e) {
      // identity v2: one quota per caller namespace
    }
    try {
      Method size = cache.getClass().getMethod("size", String.class);
      int total = 0;
      for (String caller : Operations.CALLERS) {
        total += (Integer) size.invoke(cache, caller);
      }
      return total;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return -1;
    }
  }

  private static Object find(Object o, int depth, Map<Object, Boolean> seen) {
    if (o == null || depth > 5 || seen.put(o, Boolean.TRUE) != null) {
      return null;
    }
    Class<?> c = o.getClass();
    if (c.getSimpleName().equals("ReplayCache")) {
      return o;
    }
    if (!c.getName().startsWith("dev.nexussecurity.")) {
      return null;
    }
    for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
          continue;
        }
        try {
          f.setAccessible(true);
          Object found = find(f.get(o), depth + 1, seen);
          if (found != null) {
            return found;
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // not readable: look elsewhere
        }
      }
    }
    return null;
  }
}
