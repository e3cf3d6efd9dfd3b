package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.PublicKeySign;
import com.google.crypto.tink.PublicKeyVerify;
import com.google.crypto.tink.signature.Ed25519Parameters;
import com.google.crypto.tink.signature.Ed25519PrivateKey;
import com.google.crypto.tink.signature.Ed25519PublicKey;
import com.google.crypto.tink.signature.SignatureConfig2026;
import com.google.crypto.tink.signature.internal.Ed25519SignJce;
import com.google.crypto.tink.signature.internal.Ed25519VerifyJce;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Ed25519Verify;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Ed25519 sign and verify of one identity token's bytes (about 500 bytes), by every implementation
 * a Java 17 worker could use, in one run, all from the same Tink key:
 *
 * <ul>
 *   <li>{@code tinkKeyset*}: the primitive of a Tink keyset through {@code SignatureConfig2026},
 *       exactly what nexus-security's signature mode runs. Tink 1.24 tries its JCE implementation
 *       first ({@code signature.internal.Ed25519SignJce}), which accepts only a registered provider
 *       named {@code Conscrypt}, {@code AndroidOpenSSL} or {@code GmsCore_OpenSSL} (not the JVM's
 *       provider order); without one it falls back to its pure-Java code.
 *   <li>{@code tinkPureJava*}: that pure-Java code through the subtle API ({@code new
 *       Ed25519Sign(privateKey)}, {@code new Ed25519Verify(publicKey)}).
 *   <li>{@code tinkJceSunEc*}, {@code tinkJceBc*}: Tink's JCE wrapper given the JDK's SunEC or
 *       BouncyCastle's provider ({@code Ed25519SignJce.createWithProvider}, an internal Tink API).
 *   <li>{@code bcLightweight*}: BouncyCastle's {@code Ed25519Signer}; {@code bcJca*}: BouncyCastle
 *       through {@code java.security.Signature}; {@code jdkSunEc*}: the JDK's SunEC directly.
 * </ul>
 *
 * <p>Every implementation's signature is checked against every other in {@link #setUp} (Ed25519 is
 * deterministic, so all must produce the same bytes). BouncyCastle is a dependency of this
 * benchmark module only.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar Ed25519ProviderBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Ed25519ProviderBenchmark {
  private byte[] message;
  private byte[] signature;

  private PublicKeySign tinkKeysetSign;
  private PublicKeyVerify tinkKeysetVerify;
  private PublicKeySign tinkPureJavaSign;
  private PublicKeyVerify tinkPureJavaVerify;
  private PublicKeySign tinkJceSunEcSign;
  private PublicKeyVerify tinkJceSunEcVerify;
  private PublicKeySign tinkJceBcSign;
  private PublicKeyVerify tinkJceBcVerify;
  private Ed25519PrivateKeyParameters bcPrivate;
  private Ed25519PublicKeyParameters bcPublic;
  private Provider bcProvider;
  private PrivateKey bcJcaPrivate;
  private PublicKey bcJcaPublic;
  private PrivateKey sunEcPrivate;
  private PublicKey sunEcPublic;

  @Setup
  public void setUp() throws Exception {
    message =
        ("v2." + "eyJtIjoicCIsIm5zIjoib3JkZXJzLW5zIiwiaG5zIjoicGF5bWVudHMtbnMi".repeat(8))
            .getBytes(StandardCharsets.US_ASCII);
    KeysetHandle keyset =
        KeysetHandle.generateNew(
            Ed25519Parameters.create(Ed25519Parameters.Variant.NO_PREFIX),
            SignatureConfig2026.get());
    Ed25519PrivateKey privateKey = (Ed25519PrivateKey) keyset.getPrimary().getKey();
    Ed25519PublicKey publicKey = privateKey.getPublicKey();
    byte[] seed = privateKey.getPrivateKeyBytes().toByteArray(InsecureSecretKeyAccess.get());
    byte[] pub = publicKey.getPublicKeyBytes().toByteArray();

    tinkKeysetSign = keyset.getPrimitive(SignatureConfig2026.get(), PublicKeySign.class);
    tinkKeysetVerify =
        keyset
            .getPublicKeysetHandle()
            .getPrimitive(SignatureConfig2026.get(), PublicKeyVerify.class);
    tinkPureJavaSign = new Ed25519Sign(seed);
    tinkPureJavaVerify = new Ed25519Verify(pub);
    Provider sunEc = Security.getProvider("SunEC");
    tinkJceSunEcSign = Ed25519SignJce.createWithProvider(privateKey, sunEc);
    tinkJceSunEcVerify = Ed25519VerifyJce.createWithProvider(publicKey, sunEc);
    bcProvider = new BouncyCastleProvider();
    tinkJceBcSign = Ed25519SignJce.createWithProvider(privateKey, bcProvider);
    tinkJceBcVerify = Ed25519VerifyJce.createWithProvider(publicKey, bcProvider);

    bcPrivate = new Ed25519PrivateKeyParameters(seed, 0);
    bcPublic = new Ed25519PublicKeyParameters(pub, 0);
    // PKCS#8 / X.509 encodings made by BouncyCastle, read by each JCA provider
    byte[] pkcs8 =
        org.bouncycastle.crypto.util.PrivateKeyInfoFactory.createPrivateKeyInfo(bcPrivate)
            .getEncoded();
    byte[] x509 =
        org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(
                bcPublic)
            .getEncoded();
    bcJcaPrivate =
        KeyFactory.getInstance("Ed25519", bcProvider)
            .generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    bcJcaPublic =
        KeyFactory.getInstance("Ed25519", bcProvider).generatePublic(new X509EncodedKeySpec(x509));
    sunEcPrivate =
        KeyFactory.getInstance("Ed25519", sunEc).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    sunEcPublic =
        KeyFactory.getInstance("Ed25519", sunEc).generatePublic(new X509EncodedKeySpec(x509));

    signature = tinkKeysetSign();
    byte[][] all = {
      tinkPureJavaSign(),
      tinkJceSunEcSign(),
      tinkJceBcSign(),
      bcLightweightSign(),
      bcJcaSign(),
      jdkSunEcSign()
    };
    for (byte[] s : all) {
      if (!Arrays.equals(s, signature)) {
        throw new IllegalStateException("the Ed25519 implementations disagree");
      }
    }
    if (!(tinkKeysetVerify()
        && tinkPureJavaVerify()
        && tinkJceSunEcVerify()
        && tinkJceBcVerify()
        && bcLightweightVerify()
        && bcJcaVerify()
        && jdkSunEcVerify())) {
      throw new IllegalStateException("an Ed25519 implementation rejects a valid signature");
    }
  }

  @Benchmark
  public byte[] tinkKeysetSign() throws GeneralSecurityException {
    return tinkKeysetSign.sign(message);
  }

  @Benchmark
  public boolean tinkKeysetVerify() throws GeneralSecurityException {
    tinkKeysetVerify.verify(signature, message);
    return true;
  }

  @Benchmark
  public byte[] tinkPureJavaSign() throws GeneralSecurityException {
    return tinkPureJavaSign.sign(message);
  }

  @Benchmark
  public boolean tinkPureJavaVerify() throws GeneralSecurityException {
    tinkPureJavaVerify.verify(signature, message);
    return true;
  }

  @Benchmark
  public byte[] tinkJceSunEcSign() throws GeneralSecurityException {
    return tinkJceSunEcSign.sign(message);
  }

  @Benchmark
  public boolean tinkJceSunEcVerify() throws GeneralSecurityException {
    tinkJceSunEcVerify.verify(signature, message);
    return true;
  }

  @Benchmark
  public byte[] tinkJceBcSign() throws GeneralSecurityException {
    return tinkJceBcSign.sign(message);
  }

  @Benchmark
  public boolean tinkJceBcVerify() throws GeneralSecurityException {
    tinkJceBcVerify.verify(signature, message);
    return true;
  }

  @Benchmark
  public byte[] bcLightweightSign() {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, bcPrivate);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Benchmark
  public boolean bcLightweightVerify() {
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, bcPublic);
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  @Benchmark
  public byte[] bcJcaSign() throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519", bcProvider);
    s.initSign(bcJcaPrivate);
    s.update(message);
    return s.sign();
  }

  @Benchmark
  public boolean bcJcaVerify() throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519", bcProvider);
    s.initVerify(bcJcaPublic);
    s.update(message);
    return s.verify(signature);
  }

  @Benchmark
  public byte[] jdkSunEcSign() throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519", "SunEC");
    s.initSign(sunEcPrivate);
    s.update(message);
    return s.sign();
  }

  @Benchmark
  public boolean jdkSunEcVerify() throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519", "SunEC");
    s.initVerify(sunEcPublic);
    s.update(message);
    return s.verify(signature);
  }
}
