package dev.nexussecurity.core.keys;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import dev.nexussecurity.core.internal.keys.TinkKeysets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link KeyDirectory} read from (and saved to) a JSON file: for each namespace, its public
 * key-agreement keys, signature keys, revoked key ids and what it decrypts. The format is
 * documented in {@code docs/keys.md}:
 *
 * <pre>{@code
 * {
 *   "schemaVersion": 1,
 *   "namespaces": {
 *     "orders": {
 *       "agreementKeys": { ...Tink JSON public keyset: HPKE X25519... },
 *       "signatureKeys": { ...Tink JSON public keyset: Ed25519... },
 *       "revokedKeyIds": [ 1234567 ],
 *       "payloads": { "pairwise": true, "hpke": false, "plaintext": false, "sharedKeysets": [] }
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>Reading is strict: unknown fields, missing required fields, values of the wrong JSON type,
 * duplicate keys, an unsupported schema version, private or symmetric keys and keys of the wrong
 * type are errors naming the file, line, column and namespace; nothing is returned for a file with
 * an error. A trust store file of earlier versions ({@code {"schemaVersion": 1, "namespaces":
 * {"<ns>": <Tink public signature keyset>}}}) is read as a directory whose namespaces publish
 * signature keys only. Saving is atomic and deterministic (namespaces sorted). Immutable and
 * thread-safe; lookups do not allocate.
 *
 * <pre>{@code
 * NamespaceKeyDirectory directory = NamespaceKeyDirectory.load(Path.of("key-directory.json"));
 * NamespaceKeyDirectory rotated = directory.toBuilder().put(newPaymentsKeys).build();
 * rotated.save(Path.of("key-directory.json"));
 * }</pre>
 */
public final class NamespaceKeyDirectory implements KeyDirectory {
  /** The schema version this class reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  /** Files larger than this are refused before parsing. */
  public static final int MAX_FILE_BYTES = 16 * 1024 * 1024;

  private static final Set<String> TOP_FIELDS = Set.of("schemaVersion", "namespaces");
  private static final Set<String> ENTRY_FIELDS =
      Set.of("agreementKeys", "signatureKeys", "revokedKeyIds", "payloads");
  private static final Set<String> PAYLOAD_FIELDS =
      Set.of("pairwise", "hpke", "plaintext", "sharedKeysets");
  private static final NamespaceKeyDirectory EMPTY = new NamespaceKeyDirectory(Map.of());

  private final Map<String, NamespacePublicKeys> byNamespace;
  private final Map<String, Optional<NamespacePublicKeys>> lookups;

  private NamespaceKeyDirectory(Map<String, NamespacePublicKeys> byNamespace) {
    this.byNamespace = Map.copyOf(byNamespace);
    Map<String, Optional<NamespacePublicKeys>> l = new HashMap<>();
    byNamespace.forEach((ns, keys) -> l.put(ns, Optional.of(keys)));
    this.lookups = Map.copyOf(l);
  }

  /** A directory without namespaces: every caller is unknown. */
  public static NamespaceKeyDirectory empty() {
    return EMPTY;
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    byNamespace.values().forEach(b::put);
    return b;
  }

  @Override
  public Optional<NamespacePublicKeys> findNamespace(String namespace) {
    Optional<NamespacePublicKeys> found = namespace == null ? null : lookups.get(namespace);
    return found == null ? Optional.empty() : found;
  }

  @Override
  public Set<String> getNamespaces() {
    return byNamespace.keySet();
  }

  /**
   * Reads a directory file.
   *
   * @throws KeyDirectoryException if the file is missing or invalid (the message names the file,
   *     line, column and namespace)
   */
  public static NamespaceKeyDirectory load(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new KeyDirectoryException("Key directory file " + file + " does not exist", e);
    } catch (IOException e) {
      throw new KeyDirectoryException(
          "Key directory file " + file + " cannot be read: " + e.getMessage(), e);
    }
    return parse(bytes, "key directory file " + file);
  }

  /**
   * Reads a directory from its JSON text.
   *
   * @throws KeyDirectoryException if the text is not a valid directory
   */
  public static NamespaceKeyDirectory fromJson(String json) {
    return parse(json.getBytes(StandardCharsets.UTF_8), "key directory");
  }

  private static NamespaceKeyDirectory parse(byte[] bytes, String source) {
    try {
      JsonValue doc = StrictJson.parse(bytes, MAX_FILE_BYTES, source);
      doc.allowOnly(TOP_FIELDS);
      JsonValue version = doc.field("schemaVersion");
      if (version.asInt() != SCHEMA_VERSION) {
        throw version.error(
            "unsupported schema version "
                + version.asLong()
                + "; this version of nexus-security reads schema version "
                + SCHEMA_VERSION);
      }
      Builder b = new Builder();
      for (Map.Entry<String, JsonValue> e : doc.field("namespaces").fields().entrySet()) {
        b.put(entry(e.getKey(), e.getValue()));
      }
      return b.build();
    } catch (StrictJsonException e) {
      throw new KeyDirectoryException(
          "Invalid " + e.getMessage().substring(0, 1).toLowerCase() + e.getMessage().substring(1),
          e);
    }
  }

  private static NamespacePublicKeys entry(String namespace, JsonValue v)
      throws StrictJsonException {
    NamespacePublicKeys.Builder b;
    try {
      b = NamespacePublicKeys.newBuilder(namespace);
    } catch (IllegalArgumentException e) {
      throw v.error(e.getMessage());
    }
    Set<String> names = v.fieldNames();
    if (names.contains("primaryKeyId") || names.contains("key")) {
      // A trust store file of earlier versions: the value is the namespace's public signature
      // keyset itself.
      b.setSignatureKeys(keyset(v, namespace, TinkKeysets.Kind.SIGNATURE));
      return build(b, v);
    }
    v.allowOnly(ENTRY_FIELDS);
    Optional<JsonValue> agreement = v.optionalField("agreementKeys");
    if (agreement.isPresent()) {
      b.setAgreementKeys(keyset(agreement.get(), namespace, TinkKeysets.Kind.AGREEMENT));
    }
    Optional<JsonValue> signature = v.optionalField("signatureKeys");
    if (signature.isPresent()) {
      b.setSignatureKeys(keyset(signature.get(), namespace, TinkKeysets.Kind.SIGNATURE));
    }
    Optional<JsonValue> revoked = v.optionalField("revokedKeyIds");
    if (revoked.isPresent()) {
      for (JsonValue id : revoked.get().elements()) {
        long n = id.asLong();
        if (n < 0 || n > 0xFFFF_FFFFL) {
          throw id.error("a key id is an unsigned 32-bit number, got " + n);
        }
        b.addRevokedKeyId((int) n);
      }
    }
    Optional<JsonValue> payloads = v.optionalField("payloads");
    if (payloads.isPresent()) {
      JsonValue p = payloads.get().allowOnly(PAYLOAD_FIELDS);
      PayloadAcceptance.Builder a = PayloadAcceptance.newBuilder();
      if (p.optionalField("pairwise").isPresent()) {
        a.setPairwise(p.field("pairwise").asBoolean());
      }
      if (p.optionalField("hpke").isPresent()) {
        a.setHpke(p.field("hpke").asBoolean());
      }
      if (p.optionalField("plaintext").isPresent()) {
        a.setPlaintext(p.field("plaintext").asBoolean());
      }
      if (p.optionalField("sharedKeysets").isPresent()) {
        for (JsonValue name : p.field("sharedKeysets").elements()) {
          try {
            a.addSharedKeyset(name.asText());
          } catch (IllegalArgumentException e) {
            throw name.error(e.getMessage());
          }
        }
      }
      b.setPayloadAcceptance(a.build());
    }
    return build(b, v);
  }

  private static NamespacePublicKeys build(NamespacePublicKeys.Builder b, JsonValue v)
      throws StrictJsonException {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw v.error(e.getMessage());
    }
  }

  private static KeysetHandle keyset(JsonValue v, String namespace, TinkKeysets.Kind kind)
      throws StrictJsonException {
    v.fieldNames(); // must be an object
    try {
      return TinkKeysets.parsePublic(v.toJson(), kind);
    } catch (GeneralSecurityException e) {
      throw v.error(
          "namespace '"
              + UntrustedText.quote(namespace)
              + "' must publish a Tink public "
              + kind.description()
              + " keyset here: "
              + UntrustedText.quote(String.valueOf(e.getMessage()), 200)
              + " (private and symmetric keys never belong in a key directory)");
    }
  }

  /** This directory as its JSON file text (UTF-8, two-space indentation, final newline). */
  public String toJson() {
    ObjectNode doc = StrictJson.newObject();
    doc.put("schemaVersion", SCHEMA_VERSION);
    ObjectNode namespaces = doc.putObject("namespaces");
    for (NamespacePublicKeys k : new TreeMap<>(byNamespace).values()) {
      ObjectNode e = namespaces.putObject(k.getNamespace());
      try {
        if (k.getAgreementKeys().isPresent()) {
          e.set(
              "agreementKeys",
              StrictJson.readTree(
                  TinkKeysets.toPublicJson(
                      k.getAgreementKeys().get(), TinkKeysets.Kind.AGREEMENT)));
        }
        if (k.getSignatureKeys().isPresent()) {
          e.set(
              "signatureKeys",
              StrictJson.readTree(
                  TinkKeysets.toPublicJson(
                      k.getSignatureKeys().get(), TinkKeysets.Kind.SIGNATURE)));
        }
      } catch (GeneralSecurityException ex) {
        throw new IllegalStateException(
            "cannot serialize the public keys of namespace '" + k.getNamespace() + "'", ex);
      }
      if (!k.getRevokedKeyIds().isEmpty()) {
        ArrayNode revoked = e.putArray("revokedKeyIds");
        k.getRevokedKeyIds().stream().map(Integer::toUnsignedLong).sorted().forEach(revoked::add);
      }
      k.getPayloadAcceptance()
          .ifPresent(
              a -> {
                ObjectNode p = e.putObject("payloads");
                p.put("pairwise", a.isPairwise());
                p.put("hpke", a.isHpke());
                p.put("plaintext", a.isPlaintext());
                ArrayNode shared = p.putArray("sharedKeysets");
                a.getSharedKeysets().stream().sorted().forEach(shared::add);
              });
    }
    return StrictJson.writePretty(doc);
  }

  /**
   * Writes this directory to {@code file} atomically (readers see the old file or the new one).
   *
   * @throws UncheckedIOException if the file cannot be written; it is then unchanged
   */
  public void save(Path file) {
    try {
      AtomicFileWriter.DEFAULT.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write key directory file " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamespaceKeyDirectory d && byNamespace.equals(d.byNamespace);
  }

  @Override
  public int hashCode() {
    return byNamespace.hashCode();
  }

  @Override
  public String toString() {
    List<NamespacePublicKeys> sorted = new ArrayList<>(new TreeMap<>(byNamespace).values());
    return "NamespaceKeyDirectory" + sorted;
  }

  /** Builder for {@link NamespaceKeyDirectory}. */
  public static final class Builder {
    private final Map<String, NamespacePublicKeys> byNamespace = new HashMap<>();

    private Builder() {}

    /** Adds or replaces the keys of {@code keys.getNamespace()}. */
    public Builder put(NamespacePublicKeys keys) {
      Objects.requireNonNull(keys, "keys");
      byNamespace.put(keys.getNamespace(), keys);
      return this;
    }

    public Builder putAll(Collection<NamespacePublicKeys> keys) {
      keys.forEach(this::put);
      return this;
    }

    /** Removes {@code namespace}. */
    public Builder remove(String namespace) {
      byNamespace.remove(namespace);
      return this;
    }

    public NamespaceKeyDirectory build() {
      return byNamespace.isEmpty() ? EMPTY : new NamespaceKeyDirectory(byNamespace);
    }
  }
}
