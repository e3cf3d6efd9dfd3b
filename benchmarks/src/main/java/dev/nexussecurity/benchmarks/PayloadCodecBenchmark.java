package dev.nexussecurity.benchmarks;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.aead.AeadConfig2026;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.google.protobuf.ByteString;
import dev.nexussecurity.codec.tink.KeysetSource;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
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
 * TinkPayloadCodec} (defaults: compression off), (b) raw JCE AES-256-GCM over the payload's serialized
 * bytes (the limit), and (c) a hand-written sample-style AES-GCM codec. All three use AES-256-GCM on the
 * same JDK provider.
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
        TinkPayloadCodec.newBuilder().setKeysetSource(KeysetSource.fromKeysetHandle(keyset)).build();

    KeyGenerator generator = KeyGenerator.getInstance("AES");
    generator.init(256);
    SecretKey key = generator.generateKey();
    sample = new SampleStyleAesGcmCodec(key, "bench-key");
    raw = new RawAesGcm(key);
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

  /** (c) A sample-style hand-written AES-GCM codec: encode then decode. */
  @Benchmark
  public List<Payload> sampleStyleCodec() {
    return sample.decode(sample.encode(payload));
  }
}
