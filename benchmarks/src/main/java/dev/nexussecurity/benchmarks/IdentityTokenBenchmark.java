package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.TrustStore;
import dev.nexussecurity.core.internal.identity.IdentityClaims;
import dev.nexussecurity.core.internal.identity.ReplayCache;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.internal.identity.TokenVerifier;
import dev.nexussecurity.core.internal.identity.TrustedVerifiers;
import dev.nexussecurity.core.internal.identity.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of a caller identity token: issuing (claims JSON + Ed25519 signature) on the caller side and
 * the handler's pre-decode check (parse, trust lookup, signature verification, scope, registry,
 * target and allowlist), each against the raw Tink Ed25519 operation on a message of the same
 * length as baseline.
 *
 * <p><b>Temporary exception to the module boundaries.</b> This harness drives core's internal token
 * classes ({@code core.internal.identity}) directly, because no public API issues or checks a token
 * on its own (tokens are issued and checked inside the interceptors that {@code NexusSecurity}
 * installs); {@code BenchmarksArchitectureTest} lists it as the one justified user of another
 * module's internals. The token classes are being rewritten; when they are, this benchmark is
 * rewritten with them and the exception goes. Its benchmark methods return public types only, so
 * the code JMH generates from them stays free of internals.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IdentityTokenBenchmark {
  private TokenIssuer issuer;
  private TokenVerifier verifier;
  private IdentityClaims claims;
  private String token;
  private PublicKeySign rawSign;
  private PublicKeyVerify rawVerify;
  private byte[] message;
  private byte[] signature;
  private long now;
  private TokenIssuer macIssuer;
  private TokenVerifier macVerifier;
  private String macToken;

  @Setup
  public void setUp() throws Exception {
    SignatureConfig.register();
    KeysetHandle key =
        KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
    issuer = TokenIssuer.fromPrivateKeyset(key);
    InMemoryEndpointRegistry registry =
        InMemoryEndpointRegistry.newBuilder()
            .addEndpoint(
                NexusEndpoint.newBuilder()
                    .setName("payments")
                    .setTargetNamespace("payments-ns")
                    .setTargetTaskQueue("payments-tq")
                    .addAllowedCallerNamespace("orders-ns")
                    .setVersion(1)
                    .build())
            .build();
    verifier =
        new TokenVerifier(
            new TrustedVerifiers(
                TrustStore.newBuilder()
                    .addNamespace("orders-ns", key.getPublicKeysetHandle())
                    .build()),
            registry,
            Duration.ofMinutes(1),
            Duration.ofDays(30),
            new ReplayCache(1000),
            false);
    now = System.currentTimeMillis();
    claims =
        new IdentityClaims(
            "orders-ns",
            "payments",
            "Payments",
            "charge",
            "8d3c1f4e-2a8b-4c47-9a51-6e0f3d2b7c19",
            now,
            now + 3_600_000);
    token = issuer.issue(claims);
    rawSign = key.getPrimitive(RegistryConfiguration.get(), PublicKeySign.class);
    rawVerify =
        key.getPublicKeysetHandle()
            .getPrimitive(RegistryConfiguration.get(), PublicKeyVerify.class);
    message = token.substring(0, token.lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
    signature = rawSign.sign(message);
    Verdict v = check();
    if (v.getReason() != ReasonCode.ALLOWED) {
      throw new IllegalStateException("benchmark token was not admitted: " + v.getDetail());
    }
    com.google.crypto.tink.mac.MacConfig.register();
    KeysetHandle mac =
        KeysetHandle.generateNew(
            com.google.crypto.tink.mac.PredefinedMacParameters.HMAC_SHA256_256BITTAG,
            com.google.crypto.tink.mac.MacConfig2026.get());
    macIssuer = TokenIssuer.fromMacKeyset(mac);
    macVerifier =
        new TokenVerifier(
            new TrustedVerifiers(
                TrustStore.newBuilder().addSharedSecretNamespace("orders-ns", mac).build()),
            registry,
            Duration.ofMinutes(1),
            Duration.ofDays(30),
            new ReplayCache(1000),
            false);
    macToken = macIssuer.issue(claims);
    if (macCheck().getReason() != ReasonCode.ALLOWED) {
      throw new IllegalStateException("benchmark MAC token was not admitted");
    }
  }

  private Verdict macCheck() {
    return macVerifier.checkBeforeDecode(
        macToken, "Payments", "charge", "payments", "payments-ns", "payments-tq", now);
  }

  /** Shared-secret MAC mode, caller side: JSON claims, base64url, HMAC-SHA256. */
  @Benchmark
  public String issueMacToken() {
    return macIssuer.issue(claims);
  }

  /** Shared-secret MAC mode, handler side: every check made before the input is decoded. */
  @Benchmark
  public ReasonCode verifyMacTokenBeforeDecode() {
    return macCheck().getReason();
  }

  private Verdict check() {
    return verifier.checkBeforeDecode(
        token, "Payments", "charge", "payments", "payments-ns", "payments-tq", now);
  }

  /** Caller side: JSON claims, base64url, Ed25519 signature. */
  @Benchmark
  public String issueToken() {
    return issuer.issue(claims);
  }

  /** Baseline for {@link #issueToken}: the Ed25519 signature alone over the same bytes. */
  @Benchmark
  public byte[] rawEd25519Sign() throws Exception {
    return rawSign.sign(message);
  }

  /** Handler side: every check made before the input is decoded. */
  @Benchmark
  public ReasonCode verifyTokenBeforeDecode() {
    return check().getReason();
  }

  /** Baseline for {@link #verifyTokenBeforeDecode}: the Ed25519 verification alone. */
  @Benchmark
  public boolean rawEd25519Verify() throws Exception {
    rawVerify.verify(signature, message);
    return true;
  }
}
