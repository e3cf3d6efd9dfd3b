package dev.nexussecurity.core;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Key;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.signature.SignaturePublicKey;
import dev.nexussecurity.core.internal.identity.TinkKeyTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The public signing keysets a handler worker trusts, one per caller namespace. A handler accepts a
 * caller identity token only when it verifies under the public keyset registered for the namespace
 * the token names.
 *
 * <p><b>Security.</b> Only public keys belong here: a handler that held a caller's private key
 * could impersonate that caller. The builder and the JSON loader refuse private or symmetric key
 * material.
 *
 * <pre>{@code
 * // The caller namespace's workers hold the private keyset; publish only its public half:
 * KeysetHandle ordersPrivate = KeysetHandle.generateNew(PredefinedSignatureParameters.ED25519);
 * TrustStore trust = TrustStore.newBuilder()
 *     .addNamespace("orders-ns", ordersPrivate.getPublicKeysetHandle())
 *     .build();
 * Files.writeString(Path.of("trust.json"), trust.toJson());
 * TrustStore loaded = TrustStore.fromJsonFile(Path.of("trust.json"));
 * }</pre>
 *
 * <p>JSON form: {@code {"schemaVersion": 1, "namespaces": {"<namespace>": <Tink JSON public
 * keyset>}}}. Immutable and thread-safe.
 *
 * <p>An opt-in, weaker mode for single-team setups trusts a namespace by a shared-secret MAC keyset
 * instead ({@link Builder#addSharedSecretNamespace}); see its warning.
 */
public final class TrustStore {
  /** The JSON schema version written and accepted. */
  public static final int SCHEMA_VERSION = 1;

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .enable(SerializationFeature.INDENT_OUTPUT);

  static {
    // Parsed public keysets are only recognized as signature keys once Tink knows the key types.
    TinkKeyTypes.register();
  }

  private final Map<String, KeysetHandle> keysets;
  private final Map<String, KeysetHandle> sharedSecrets;

  private TrustStore(Map<String, KeysetHandle> keysets, Map<String, KeysetHandle> sharedSecrets) {
    this.keysets = Collections.unmodifiableMap(new TreeMap<>(keysets));
    this.sharedSecrets = Collections.unmodifiableMap(new TreeMap<>(sharedSecrets));
  }

  /** Returns a builder with no trusted namespaces. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A trust store that trusts nobody: every caller is denied as untrusted. */
  public static TrustStore empty() {
    return new TrustStore(Map.of(), Map.of());
  }

  /** The trusted caller namespaces (public-key and shared-secret), sorted. */
  public Set<String> getNamespaces() {
    Set<String> all = new java.util.TreeSet<>(keysets.keySet());
    all.addAll(sharedSecrets.keySet());
    return Collections.unmodifiableSet(all);
  }

  /** The public keyset trusted for {@code namespace}, if any. */
  public Optional<KeysetHandle> getPublicKeyset(String namespace) {
    return Optional.ofNullable(namespace == null ? null : keysets.get(namespace));
  }

  /**
   * The shared-secret MAC keyset trusted for {@code namespace}, if it was added with {@link
   * Builder#addSharedSecretNamespace}. Holds secret key material.
   */
  public Optional<KeysetHandle> getSharedSecretKeyset(String namespace) {
    return Optional.ofNullable(namespace == null ? null : sharedSecrets.get(namespace));
  }

  /**
   * Serializes this trust store to its JSON form (public keys only).
   *
   * @throws TrustStoreException if it holds shared-secret entries, which are never written in the
   *     clear
   */
  public String toJson() {
    if (!sharedSecrets.isEmpty()) {
      throw new TrustStoreException(
          "The trust store holds shared-secret MAC keysets for "
              + sharedSecrets.keySet()
              + "; they are secrets and are never written to the trust store JSON. Keep them"
              + " encrypted under a KMS key and add them with addSharedSecretNamespace at start-up.");
    }
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schemaVersion", SCHEMA_VERSION);
    ObjectNode namespaces = root.putObject("namespaces");
    for (Map.Entry<String, KeysetHandle> e : keysets.entrySet()) {
      try {
        namespaces.set(
            e.getKey(),
            MAPPER.readTree(
                TinkJsonProtoKeysetFormat.serializeKeysetWithoutSecret(
                    e.getValue(), RegistryConfiguration.get())));
      } catch (GeneralSecurityException | JsonProcessingException ex) {
        throw new TrustStoreException(
            "Cannot serialize the public keyset of namespace '" + e.getKey() + "'", ex);
      }
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new TrustStoreException("Cannot serialize the trust store", e);
    }
  }

  /**
   * Loads a trust store from a JSON file.
   *
   * @throws TrustStoreException naming the file, the position or namespace, and what is wrong
   */
  public static TrustStore fromJsonFile(Path file) {
    String json;
    try {
      json = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new TrustStoreException(
          "Cannot read trust store file " + file + ": " + e.getMessage(), e);
    }
    return parse(json, "trust store file " + file);
  }

  /**
   * Loads a trust store from its JSON form.
   *
   * @throws TrustStoreException naming the position or namespace and what is wrong
   */
  public static TrustStore fromJson(String json) {
    return parse(json, "trust store JSON");
  }

  private static TrustStore parse(String json, String source) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      String where =
          loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new TrustStoreException(
          "Malformed " + source + where + ": " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TrustStoreException(source + " must be a JSON object");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!field.equals("schemaVersion") && !field.equals("namespaces")) {
        throw new TrustStoreException(
            source + " has an unknown field '" + field + "'; allowed: schemaVersion, namespaces");
      }
    }
    JsonNode version = root.get("schemaVersion");
    if (version == null || !version.isInt()) {
      throw new TrustStoreException(source + " needs an integer field 'schemaVersion'");
    }
    if (version.asInt() != SCHEMA_VERSION) {
      throw new TrustStoreException(
          source
              + " has schemaVersion "
              + version.asInt()
              + "; this version of nexus-security reads schemaVersion "
              + SCHEMA_VERSION);
    }
    JsonNode namespaces = root.get("namespaces");
    if (namespaces == null || !namespaces.isObject()) {
      throw new TrustStoreException(source + " needs an object field 'namespaces'");
    }
    Builder builder = newBuilder();
    for (Map.Entry<String, JsonNode> e : namespaces.properties()) {
      KeysetHandle handle;
      try {
        handle =
            TinkJsonProtoKeysetFormat.parseKeysetWithoutSecret(
                e.getValue().toString(), RegistryConfiguration.get());
      } catch (GeneralSecurityException ex) {
        throw new TrustStoreException(
            source
                + ": the keyset of namespace '"
                + e.getKey()
                + "' is not a valid Tink public keyset (private or symmetric keys are refused;"
                + " export the public half with KeysetHandle.getPublicKeysetHandle())",
            ex);
      }
      try {
        builder.addNamespace(e.getKey(), handle);
      } catch (IllegalArgumentException ex) {
        throw new TrustStoreException(source + ": " + ex.getMessage(), ex);
      }
    }
    return builder.build();
  }

  @Override
  public String toString() {
    return "TrustStore{namespaces="
        + keysets.keySet()
        + (sharedSecrets.isEmpty() ? "" : ", sharedSecretNamespaces=" + sharedSecrets.keySet())
        + "}";
  }

  /** Builder for {@link TrustStore}. */
  public static final class Builder {
    private final Map<String, KeysetHandle> keysets = new TreeMap<>();
    private final Map<String, KeysetHandle> sharedSecrets = new TreeMap<>();

    private Builder() {}

    /**
     * Trusts {@code publicKeyset} for caller namespace {@code namespace}, replacing an earlier
     * entry.
     *
     * @throws IllegalArgumentException if the namespace is blank or the keyset holds anything but
     *     public signature keys
     */
    public Builder addNamespace(String namespace, KeysetHandle keyset) {
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException(
            "Trusted namespace name must be non-blank, got '" + namespace + "'");
      }
      if (keyset == null || keyset.size() == 0) {
        throw new IllegalArgumentException(
            "The keyset trusted for namespace '" + namespace + "' must hold at least one key");
      }
      KeysetHandle publicKeyset = TinkKeyTypes.recognized(keyset, false);
      for (int i = 0; i < publicKeyset.size(); i++) {
        Key key = publicKeyset.getAt(i).getKey();
        if (!(key instanceof SignaturePublicKey)) {
          throw new IllegalArgumentException(
              "The keyset trusted for namespace '"
                  + namespace
                  + "' holds a "
                  + key.getClass().getSimpleName()
                  + " (key id "
                  + Integer.toUnsignedString(publicKeyset.getAt(i).getId())
                  + "); only public signature keys may be trusted. Use"
                  + " KeysetHandle.getPublicKeysetHandle() on the caller's private keyset.");
        }
      }
      keysets.put(namespace, publicKeyset);
      sharedSecrets.remove(namespace);
      return this;
    }

    /**
     * Trusts tokens for {@code namespace} authenticated with the shared-secret Tink MAC keyset
     * {@code macKeyset} (the caller sets the same keyset with {@code
     * NexusSecurityOptions.Builder.setIdentityMacKeyset}).
     *
     * <p><b>Weaker than the default.</b> Every holder of a MAC keyset can issue tokens for its
     * namespace, so this handler could impersonate that caller, and anyone who obtains the keyset
     * from either side can. Use it only where caller and handler are run by one team, for example
     * to take the public-key signature's cost (about 0.1 ms to sign and 0.25 ms to verify) off a
     * latency budget. The keyset is secret: load it from a KMS-encrypted keyset; it is never
     * written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException if the namespace is blank or the keyset holds anything but
     *     MAC keys
     */
    public Builder addSharedSecretNamespace(String namespace, KeysetHandle macKeyset) {
      if (namespace == null || namespace.isBlank()) {
        throw new IllegalArgumentException(
            "Trusted namespace name must be non-blank, got '" + namespace + "'");
      }
      if (macKeyset == null || macKeyset.size() == 0) {
        throw new IllegalArgumentException(
            "The MAC keyset trusted for namespace '" + namespace + "' must hold at least one key");
      }
      KeysetHandle recognized = TinkKeyTypes.recognized(macKeyset, true);
      for (int i = 0; i < recognized.size(); i++) {
        Key key = recognized.getAt(i).getKey();
        if (!(key instanceof com.google.crypto.tink.mac.MacKey)) {
          throw new IllegalArgumentException(
              "The shared-secret keyset trusted for namespace '"
                  + namespace
                  + "' holds a "
                  + key.getClass().getSimpleName()
                  + " (key id "
                  + Integer.toUnsignedString(recognized.getAt(i).getId())
                  + "); only MAC keys belong here (public signature keys go to addNamespace)");
        }
      }
      sharedSecrets.put(namespace, recognized);
      keysets.remove(namespace);
      return this;
    }

    /** Builds the trust store. */
    public TrustStore build() {
      return new TrustStore(keysets, sharedSecrets);
    }
  }
}
