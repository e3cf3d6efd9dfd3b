package dev.nexussecurity.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.signature.SignatureConfig2026;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.internal.identity.HandlerRequest;
import dev.nexussecurity.core.internal.identity.IdentityTokens;
import dev.nexussecurity.core.internal.identity.ReplayCache;
import dev.nexussecurity.core.internal.identity.TokenClaims;
import dev.nexussecurity.core.internal.identity.TokenIssuer;
import dev.nexussecurity.core.internal.identity.TokenVerifier;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.PairwiseKeys;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost of a version-2 caller identity token in each mode: issuing on the caller side (claims JSON,
 * base64url, and the pairwise HMAC-SHA256 or the Ed25519 signature) and the handler's pre-decode
 * stages (parse, key lookup, tag, audience, scope, time, registry), against the raw Tink Ed25519
 * operation over the same bytes as baseline.
 *
 * <p><b>Ed25519 implementation.</b> Tink's (pure Java on a JVM without Conscrypt): {@link
 * Ed25519ProviderBenchmark} measures it against the JDK's and BouncyCastle's in one run. The
 * default pairwise mode does not sign at all. Keysets stay Tink keysets.
 *
 * <p><b>Temporary exception to the module boundaries.</b> This harness drives core's internal token
 * classes ({@code core.internal.identity}) directly, because no public API issues or checks a token
 * on its own; {@code BenchmarksArchitectureTest} lists it as the one justified user of another
 * module's internals. Its benchmark methods return public types only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class IdentityTokenBenchmark {
  private TokenIssuer pairwiseIssuer;
  private TokenIssuer signatureIssuer;
  private TokenVerifier verifier;
  private TokenClaims pairwiseClaims;
  private TokenClaims signatureClaims;
  private String pairwiseToken;
  private String signatureToken;
  private PublicKeySign rawSign;
  private PublicKeyVerify rawVerify;
  private byte[] message;
  private byte[] pairwiseClaimsJson;
  private byte[] signature;
  private long now;

  @Setup
  public void setUp() throws Exception {
    NamespaceKeys orders = NamespaceKeys.generate("orders-ns", true);
    NamespaceKeys payments = NamespaceKeys.generate("payments-ns", true);
    NamespaceKeyDirectory directory =
        NamespaceKeyDirectory.newBuilder()
            .put(orders.toPublicKeys())
            .put(payments.toPublicKeys())
            .build();
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
    PairwiseKeys ordersPairs = PairwiseKeys.create(orders, directory);
    pairwiseIssuer = TokenIssuer.create(orders, ordersPairs, IdentityMode.PAIRWISE);
    signatureIssuer = TokenIssuer.create(orders, ordersPairs, IdentityMode.SIGNATURE);
    verifier =
        new TokenVerifier(
            "payments-ns",
            PairwiseKeys.create(payments, directory),
            directory,
            registry,
            HandlerPolicy.defaults(),
            new ReplayCache(1000),
            true);
    now = System.currentTimeMillis();
    pairwiseClaims = claims(IdentityMode.PAIRWISE);
    signatureClaims = claims(IdentityMode.SIGNATURE);
    pairwiseToken = pairwiseIssuer.issue(pairwiseClaims);
    pairwiseClaimsJson =
        Base64.getUrlDecoder()
            .decode(
                pairwiseToken.substring(
                    pairwiseToken.indexOf('.') + 1, pairwiseToken.lastIndexOf('.')));
    signatureToken = signatureIssuer.issue(signatureClaims);
    KeysetHandle signing = orders.getSignatureKeys().orElseThrow();
    rawSign = signing.getPrimitive(SignatureConfig2026.get(), PublicKeySign.class);
    rawVerify =
        signing
            .getPublicKeysetHandle()
            .getPrimitive(SignatureConfig2026.get(), PublicKeyVerify.class);
    message =
        signatureToken
            .substring(0, signatureToken.lastIndexOf('.'))
            .getBytes(StandardCharsets.US_ASCII);
    signature = rawSign.sign(message);
    for (String token : new String[] {pairwiseToken, signatureToken}) {
      ReasonCode r = check(token);
      if (r != ReasonCode.ALLOWED) {
        throw new IllegalStateException("benchmark token was not admitted: " + r);
      }
    }
  }

  private TokenClaims claims(IdentityMode mode) {
    return new TokenClaims(
        mode,
        "orders-ns",
        "payments-ns",
        "payments-tq",
        "payments",
        "Payments",
        "charge",
        "order-42",
        "6f1e0c2a-8b7d-4e9f-a1b2-c3d4e5f60718",
        now,
        now + 3_600_000,
        IdentityTokens.newTokenId(),
        0,
        0);
  }

  private ReasonCode check(String token) {
    return verifier
        .checkBeforeDecode(
            new HandlerRequest(
                token, "Payments", "charge", "payments", "payments-ns", "payments-tq", now))
        .reason();
  }

  /** Pairwise mode (the default), caller side: JSON claims, base64url, HMAC-SHA256. */
  @Benchmark
  public String issuePairwiseToken() throws Exception {
    return pairwiseIssuer.issue(pairwiseClaims);
  }

  /** Pairwise mode, handler side: every stage run before the input is decoded. */
  @Benchmark
  public ReasonCode verifyPairwiseTokenBeforeDecode() {
    return check(pairwiseToken);
  }

  /** Signature mode, caller side: JSON claims, base64url, Ed25519 signature. */
  @Benchmark
  public String issueSignatureToken() throws Exception {
    return signatureIssuer.issue(signatureClaims);
  }

  /** Signature mode, handler side: every stage run before the input is decoded. */
  @Benchmark
  public ReasonCode verifySignatureTokenBeforeDecode() {
    return check(signatureToken);
  }

  /** Baseline for {@link #issueSignatureToken}: the Ed25519 signature alone over the same bytes. */
  @Benchmark
  public byte[] rawEd25519Sign() throws Exception {
    return rawSign.sign(message);
  }

  /** Baseline for {@link #verifySignatureTokenBeforeDecode}: the Ed25519 verification alone. */
  @Benchmark
  public boolean rawEd25519Verify() throws Exception {
    rawVerify.verify(signature, message);
    return true;
  }

  /**
   * Before (caller side): the claims JSON as the issuer built it until now, a Jackson tree written
   * by the mapper, then base64url; compare {@link #claimsJsonStreamingAfter}.
   */
  @Benchmark
  public String claimsJsonTreeBefore() {
    TokenClaims c = pairwiseClaims;
    ObjectNode json = StrictJson.newObject();
    json.put("m", "p");
    json.put("ns", c.callerNamespace());
    json.put("hns", c.handlerNamespace());
    json.put("htq", c.taskQueue());
    json.put("ep", c.endpoint());
    json.put("svc", c.service());
    json.put("op", c.operation());
    json.put("wf", c.workflowId());
    json.put("run", c.runId());
    json.put("iat", c.issuedAtMillis());
    json.put("exp", c.notAfterMillis());
    json.put("jti", c.tokenId());
    json.put("ck", Integer.toUnsignedLong(c.callerKeyId()));
    json.put("hk", Integer.toUnsignedLong(c.handlerKeyId()));
    return IdentityTokens.VERSION
        + "."
        + Base64.getUrlEncoder().withoutPadding().encodeToString(StrictJson.write(json));
  }

  /** After: the same bytes from Jackson's streaming generator (what the issuer does now). */
  @Benchmark
  public String claimsJsonStreamingAfter() {
    return IdentityTokens.signedPart(pairwiseClaims);
  }

  /**
   * Before (handler side): the claims JSON through the strict tree reader, as every token was read
   * until now; compare {@link #claimsParsePlainAfter}.
   */
  @Benchmark
  public String claimsParseStrictBefore() throws Exception {
    return IdentityTokens.parseClaimsStrictly(pairwiseClaimsJson).tokenId();
  }

  /** After: the one-pass reader of plain claims (the strict reader only for refusals). */
  @Benchmark
  public String claimsParsePlainAfter() {
    return IdentityTokens.parsePlainClaims(pairwiseClaimsJson).tokenId();
  }

  /** Handler side: parsing a token (structure, base64url, JSON claims), no key work. */
  @Benchmark
  public String parsePairwiseToken() throws Exception {
    return IdentityTokens.parse(pairwiseToken).claims().tokenId();
  }

  /** Caller side: a fresh token id, 128 bits from SecureRandom. */
  @Benchmark
  public String newTokenId() {
    return IdentityTokens.newTokenId();
  }
}
