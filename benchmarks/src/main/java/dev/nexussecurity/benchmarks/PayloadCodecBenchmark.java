package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.api.common.v1.Payload;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encode + decode throughput of one payload whose data is {@code size} random bytes, for (a) {@link
 * TinkPayloadCodec} (defaults: compression off), (b) raw JCE AES-256-GCM over the payload's
 * serialized bytes (the limit), and (c) a hand-written sample-style AES-GCM codec; for analysis
 * also Tink's AEAD primitive alone. All use AES-256-GCM on the same JDK provider. Format 2's modes
 * under a Nexus call's binding: shared keyset, pairwise (X25519-derived AES-256-GCM key), HPKE (one
 * X25519 key agreement per payload on each side) and authenticated (pairwise GMAC, no encryption).
 * {@code tinkPayloadCodec} is the shared keyset outside any call (context-free), comparable with
 * earlier runs of format 1.
 *
 * <pre>{@code
 * java -jar benchmarks/target/benchmarks.jar PayloadCodecBenchmark -f 1 -wi 3 -i 5 -w 1s -r 1s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PayloadCodecBenchmark {

  @Param({"100", "1024", "65536", "1048576"})
  public int size;

  private List<Payload> payload;
  private byte[] serializedPayload;
  private TinkPayloadCodec tink;
  private SampleStyleAesGcmCodec sample;
  private RawAesGcm raw;
  private Aead tinkAead;
  private byte[] associatedData;
  private TinkPayloadCodec sharedCaller;
  private TinkPayloadCodec sharedHandler;
  private TinkPayloadCodec pairwiseCaller;
  private TinkPayloadCodec pairwiseHandler;
  private TinkPayloadCodec hpkeCaller;
  private TinkPayloadCodec hpkeHandler;
  private TinkPayloadCodec authenticatedCaller;
  private TinkPayloadCodec authenticatedHandler;
  private PayloadBinding binding;

  @Setup(Level.Trial)
  public void setUp() throws GeneralSecurityException {
    byte[] data = new byte[size];
    new SecureRandom().nextBytes(data);
    Payload p =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
            .setData(ByteString.copyFrom(data))
            .build();
    payload = List.of(p);
    serializedPayload = p.toByteArray();

    KeysetHandle keyset =
        KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM, AeadConfig2026.get());
    tink =
        TinkPayloadCodec.newBuilder()
            .setKeysetSource(KeysetSource.fromKeysetHandle(keyset))
            .build();
    tinkAead = keyset.getPrimitive(AeadConfig2026.get(), Aead.class);
    // as long as the codec's associated data for keyset "default" and a 10-digit key id
    associatedData = new byte[71];

    NamespaceKeys orders = NamespaceKeys.generate("orders", false);
    NamespaceKeys payments = NamespaceKeys.generate("payments", false);
    NamespaceKeyDirectory directory =
        NamespaceKeyDirectory.newBuilder()
            .put(orders.toPublicKeys())
            .put(payments.toPublicKeys())
            .build();
    binding =
        PayloadBinding.newBuilder()
            .setDirection(PayloadBinding.Direction.INPUT)
            .setBindingId("0f8fad5b-d9cb-469f-a165-70867728950e")
            .setCallerNamespace("orders")
            .setHandlerNamespace("payments")
            .setEndpoint("payments")
            .setService("PaymentsService")
            .setOperation("charge")
            .build();
    sharedCaller = bound(keyset, orders, directory, PayloadProtection.shared("default"));
    sharedHandler = bound(keyset, payments, directory, PayloadProtection.shared("default"));
    pairwiseCaller = bound(keyset, orders, directory, PayloadProtection.pairwise());
    pairwiseHandler = bound(keyset, payments, directory, PayloadProtection.pairwise());
    hpkeCaller = bound(keyset, orders, directory, PayloadProtection.hpke());
    hpkeHandler = bound(keyset, payments, directory, PayloadProtection.hpke());
    authenticatedCaller = bound(keyset, orders, directory, PayloadProtection.authenticated());
    authenticatedHandler = bound(keyset, payments, directory, PayloadProtection.authenticated());

    KeyGenerator generator = KeyGenerator.getInstance("AES");
    generator.init(256);
    SecretKey key = generator.generateKey();
    sample = new SampleStyleAesGcmCodec(key, "bench-key");
    raw = new RawAesGcm(key);
    warmUpCrypto();
  }

  private static TinkPayloadCodec bound(
      KeysetHandle keyset,
      NamespaceKeys own,
      NamespaceKeyDirectory directory,
      PayloadProtection protection) {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.fromKeysetHandle(keyset))
        .setNamespaceKeys(own)
        .setKeyDirectory(directory)
        .setKeyPolicy(PayloadKeyPolicy.of(protection))
        .build();
  }

  /** Encodes as the caller and decodes as the handler, under the call's INPUT binding. */
  private List<Payload> boundRoundTrip(TinkPayloadCodec caller, TinkPayloadCodec handler) {
    PayloadBinding previous = PayloadBindings.set(binding);
    try {
      return handler.decode(caller.encode(payload));
    } finally {
      PayloadBindings.restore(previous);
    }
  }

  /**
   * Runs every implementation on 64 KiB payloads first, so that the JDK's AES-GCM code for large
   * inputs is compiled (with its intrinsics) as in a long-running worker. Without this, a fork that
   * only sees 1 MiB payloads runs its whole measurement in not yet compiled GHASH code (observed:
   * ~16 MB/s instead of ~1 GB/s); a 64 KiB fork needs a few seconds to get there.
   */
  private void warmUpCrypto() throws GeneralSecurityException {
    Payload warm =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("binary/plain"))
            .setData(ByteString.copyFrom(new byte[64 * 1024]))
            .build();
    byte[] warmBytes = warm.toByteArray();
    for (int i = 0; i < 3_000; i++) {
      tink.decode(tink.encode(List.of(warm)));
      raw.encryptThenDecrypt(warmBytes);
      if (i % 10 == 0) {
        PayloadBinding previous = PayloadBindings.set(binding);
        try {
          sharedHandler.decode(sharedCaller.encode(List.of(warm)));
          pairwiseHandler.decode(pairwiseCaller.encode(List.of(warm)));
          authenticatedHandler.decode(authenticatedCaller.encode(List.of(warm)));
        } finally {
          PayloadBindings.restore(previous);
        }
      }
      tinkAead.decrypt(tinkAead.encrypt(warmBytes, associatedData), associatedData);
      if (i % 10 == 0) {
        sample.decode(sample.encode(List.of(warm)));
      }
    }
  }

  /** (a) This project's codec: encode then decode. */
  @Benchmark
  public List<Payload> tinkPayloadCodec() {
    return tink.decode(tink.encode(payload));
  }

  /** (b) The limit: JCE AES-256-GCM encrypt then decrypt of the serialized payload. */
  @Benchmark
  public byte[] rawJceAesGcm() throws GeneralSecurityException {
    return raw.encryptThenDecrypt(serializedPayload);
  }

  /**
   * For analysis: Tink's AEAD primitive alone (the codec's keyset, associated data of the codec's
   * length) over the serialized payload; the difference to {@link #rawJceAesGcm} is Tink's share,
   * the difference to {@link #tinkPayloadCodec} the codec's framing (serialization, metadata,
   * parsing).
   */
  @Benchmark
  public byte[] tinkAeadOnly() throws GeneralSecurityException {
    return tinkAead.decrypt(tinkAead.encrypt(serializedPayload, associatedData), associatedData);
  }

  /** (c) A sample-style hand-written AES-GCM codec: encode then decode. */
  @Benchmark
  public List<Payload> sampleStyleCodec() {
    return sample.decode(sample.encode(payload));
  }

  /** Format 2, shared keyset, payload bound to a Nexus call (caller encode, handler decode). */
  @Benchmark
  public List<Payload> sharedBound() {
    return boundRoundTrip(sharedCaller, sharedHandler);
  }

  /** Format 2, pairwise key of (orders → payments), bound to the call. */
  @Benchmark
  public List<Payload> pairwiseBound() {
    return boundRoundTrip(pairwiseCaller, pairwiseHandler);
  }

  /** Format 2, HPKE to the handler namespace: one X25519 agreement per payload on each side. */
  @Benchmark
  public List<Payload> hpkeBound() {
    return boundRoundTrip(hpkeCaller, hpkeHandler);
  }

  /** Format 2, authenticated only (pairwise GMAC over context and payload), bound to the call. */
  @Benchmark
  public List<Payload> authenticatedBound() {
    return boundRoundTrip(authenticatedCaller, authenticatedHandler);
  }
}
