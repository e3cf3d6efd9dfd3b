package dev.nexussecurity.controlplane.internal;

import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import dev.nexussecurity.controlplane.internal.Settings.KeysetSettings;
import dev.nexussecurity.controlplane.internal.Settings.NamespaceSettings;
import dev.nexussecurity.core.keys.KeyDirectoryException;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import io.temporal.payload.codec.PayloadCodec;
import io.temporal.payload.codec.PayloadCodecException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the payload codec of each configured namespace from that namespace's section of the
 * configuration: the one place where key modes are turned into codecs. A namespace has any number
 * of named shared Tink AEAD keysets and optionally its namespace keys file (X25519 key-agreement
 * keys) with the key directory; its codec decodes every payload these keys authenticate (shared,
 * pairwise in both directions, HPKE addressed to the namespace, authenticated) and refuses the
 * rest. A namespace's codec holds that namespace's keys only, so a request for one namespace can
 * never be decoded with another namespace's keys.
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
   * @throws ControlPlaneConfigException naming every key file that cannot be loaded or does not fit
   *     its namespace
   */
  public Map<String, PayloadCodec> provision(String source, List<NamespaceSettings> namespaces) {
    Map<String, PayloadCodec> codecs = new LinkedHashMap<>();
    Problems problems = new Problems();
    for (NamespaceSettings ns : namespaces) {
      String at = "codec.namespaces[" + ns.namespace() + "]";
      int before = problems.list.size();
      TinkPayloadCodec.Builder b =
          TinkPayloadCodec.newBuilder()
              .setPlaintextPolicy(ns.plaintextPolicy())
              .setAcceptFormat1(ns.acceptFormat1())
              // a codec server decodes payloads one at a time, out of the lists they were written
              // in
              .setCheckPositions(false);
      for (KeysetSettings k : ns.keysets()) {
        String field = at + ".keysets[" + k.name() + "]";
        try {
          b.addSharedKeyset(
              k.name(), KeysetSource.fromKeysetHandle(source(k).load(KeysetKind.PAYLOAD_AEAD)));
        } catch (KeysetLoadException | PayloadCodecException | IllegalArgumentException e) {
          problems.add(field, e);
        }
      }
      if (ns.namespaceKeys().isPresent()) {
        String field = at + ".namespaceKeys";
        try {
          NamespaceKeys keys = NamespaceKeys.load(source(ns.namespaceKeys().get()));
          if (!keys.getNamespace().equals(ns.namespace())) {
            problems.add(
                field
                    + ": the file "
                    + ns.namespaceKeys().get().file()
                    + " holds the keys of namespace '"
                    + UntrustedText.quote(keys.getNamespace())
                    + "', not '"
                    + ns.namespace()
                    + "'; configure that namespace's own keys file");
          } else {
            b.setNamespaceKeys(keys);
          }
        } catch (KeysetLoadException | PayloadCodecException | IllegalArgumentException e) {
          problems.add(field, e);
        }
      }
      if (ns.keyDirectory().isPresent()) {
        String field = at + ".keyDirectory";
        try {
          NamespaceKeyDirectory directory = NamespaceKeyDirectory.load(ns.keyDirectory().get());
          if (directory.findNamespace(ns.namespace()).isEmpty()) {
            problems.add(
                field
                    + ": the key directory "
                    + ns.keyDirectory().get()
                    + " does not list namespace '"
                    + ns.namespace()
                    + "'; add its public keys (nexus-security-keys directory add)");
          } else {
            b.setKeyDirectory(directory);
          }
        } catch (KeyDirectoryException | IllegalArgumentException e) {
          problems.add(field, e);
        }
      }
      ns.encodeProtection()
          .ifPresent(
              p ->
                  b.setKeyPolicy(
                      PayloadKeyPolicy.newBuilder().setDefault(p).setUnbound(p).build()));
      if (problems.list.size() == before) {
        try {
          codecs.put(ns.namespace(), b.build());
        } catch (RuntimeException e) {
          problems.add(at, e);
        }
      }
    }
    if (!problems.list.isEmpty()) {
      throw new ControlPlaneConfigException(source, problems.list, problems.firstCause);
    }
    return codecs;
  }

  private KeysetSource source(KeysetSettings k) {
    if (k.kmsKeyUri().isEmpty()) {
      return KeysetSource.insecureCleartextJson(k.file());
    }
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
    return KeysetSource.kmsEncryptedJson(k.file(), kms.get(), uri);
  }

  private static final class Problems {
    final List<String> list = new ArrayList<>();
    Throwable firstCause;

    void add(String problem) {
      list.add(problem);
    }

    void add(String field, Throwable e) {
      list.add(
          field
              + ": "
              + UntrustedText.quote(e.getMessage(), 400)
              + (e instanceof PayloadCodecException
                  ? " (the KMS could not be reached; start again when it can)"
                  : ""));
      firstCause = firstCause == null ? e : firstCause;
    }
  }
}
