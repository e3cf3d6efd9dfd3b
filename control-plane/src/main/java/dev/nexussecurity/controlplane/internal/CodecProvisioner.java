package dev.nexussecurity.controlplane.internal;

import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.codec.tink.internal.WireFormat;
import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import dev.nexussecurity.controlplane.internal.Settings.KeysetSettings;
import dev.nexussecurity.controlplane.internal.Settings.NamespaceSettings;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.KeysetSource;
import io.temporal.api.common.v1.Payload;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.annotation.Nonnull;

/**
 * Builds the payload codec of each configured namespace from that namespace's section of the
 * configuration: the one place where key modes are turned into codecs. Today a namespace has one or
 * more Tink AEAD keysets (cleartext or KMS-encrypted files); the first encrypts, each decrypts the
 * payloads that name it. A namespace's codec holds that namespace's keys only, so a request for one
 * namespace can never be decoded with another namespace's keys.
 */
public final class CodecProvisioner {
  private final List<KmsClient> kmsClients;

  /**
   * A provisioner that resolves {@code kmsKeyUri}s with the first of {@code kmsClients} supporting
   * them.
   */
  public CodecProvisioner(List<KmsClient> kmsClients) {
    this.kmsClients = List.copyOf(kmsClients);
  }

  /**
   * The codec of every namespace, by namespace name, in configuration order.
   *
   * @throws ControlPlaneConfigException naming every keyset that cannot be loaded
   */
  public Map<String, PayloadCodec> provision(String source, List<NamespaceSettings> namespaces) {
    Map<String, PayloadCodec> codecs = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    Throwable firstCause = null;
    for (NamespaceSettings ns : namespaces) {
      List<TinkPayloadCodec> keysets = new ArrayList<>();
      for (KeysetSettings k : ns.keysets()) {
        try {
          keysets.add(tinkCodec(ns, k));
        } catch (KeysetLoadException | PayloadCodecException | IllegalArgumentException e) {
          problems.add(
              "codec.namespaces["
                  + ns.namespace()
                  + "].keysets["
                  + k.name()
                  + "]: "
                  + UntrustedText.quote(e.getMessage(), 400)
                  + (e instanceof PayloadCodecException
                      ? " (the KMS could not be reached; start again when it can)"
                      : ""));
          firstCause = firstCause == null ? e : firstCause;
        }
      }
      if (keysets.size() == ns.keysets().size()) {
        codecs.put(
            ns.namespace(), keysets.size() == 1 ? keysets.get(0) : new KeysetRouter(keysets));
      }
    }
    if (!problems.isEmpty()) {
      throw new ControlPlaneConfigException(source, problems, firstCause);
    }
    return codecs;
  }

  private TinkPayloadCodec tinkCodec(NamespaceSettings ns, KeysetSettings k) {
    KeysetSource source;
    if (k.kmsKeyUri().isPresent()) {
      String uri = k.kmsKeyUri().get();
      Optional<KmsClient> kms = kmsClients.stream().filter(c -> c.doesSupport(uri)).findFirst();
      if (kms.isEmpty()) {
        throw new IllegalArgumentException(
            "no KMS client supports kmsKeyUri with scheme '"
                + UntrustedText.quote(uri.contains(":") ? uri.substring(0, uri.indexOf(':')) : uri)
                + "'; start the server from code with ControlPlaneServer.Builder.addKmsClient"
                + " (for example Tink's AwsKmsClient or GcpKmsClient)"
                + " — the runnable jar knows fake-kms:// in development mode only");
      }
      source = KeysetSource.kmsEncryptedJson(k.file(), kms.get(), uri);
    } else {
      source = KeysetSource.insecureCleartextJson(k.file());
    }
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(source)
        .setKeysetName(k.name())
        .setPlaintextPolicy(ns.plaintextPolicy())
        .build();
  }

  /**
   * A namespace codec over several keysets: encodes with the first, decodes each payload with the
   * keyset its {@code nexus-security-keyset} entry names (payloads naming none of them go to the
   * first, which rejects them with the codec's own reason).
   */
  static final class KeysetRouter implements PayloadCodec {
    private final List<TinkPayloadCodec> keysets;
    private final Map<String, TinkPayloadCodec> byName = new LinkedHashMap<>();

    KeysetRouter(List<TinkPayloadCodec> keysets) {
      this.keysets = List.copyOf(keysets);
      keysets.forEach(k -> byName.put(k.getKeysetName(), k));
    }

    @Nonnull
    @Override
    public List<Payload> encode(@Nonnull List<Payload> payloads) {
      return keysets.get(0).encode(payloads);
    }

    @Nonnull
    @Override
    public List<Payload> decode(@Nonnull List<Payload> payloads) {
      List<Payload> out = new ArrayList<>(payloads.size());
      for (Payload p : payloads) {
        var name = p.getMetadataMap().get(WireFormat.KEYSET_KEY);
        TinkPayloadCodec codec =
            name == null
                ? keysets.get(0)
                : byName.getOrDefault(name.toStringUtf8(), keysets.get(0));
        out.addAll(codec.decode(List.of(p)));
      }
      return out;
    }

    @Override
    public String toString() {
      return "KeysetRouter" + byName.keySet();
    }
  }
}
