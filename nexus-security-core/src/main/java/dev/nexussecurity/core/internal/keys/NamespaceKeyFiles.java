package dev.nexussecurity.core.internal.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import dev.nexussecurity.core.keys.KeysetKind;
import dev.nexussecurity.core.keys.KeysetLoadException;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.Set;

/**
 * Reads and writes namespace keys files: one namespace's private key-agreement keyset and optional
 * signature keyset, in cleartext (development) or each keyset encrypted under a KMS key
 * (production), bound by associated data to the namespace and the field, so a keyset cannot be
 * moved to another namespace's file or between fields without the KMS noticing. The format is
 * documented in {@code docs/keys.md}:
 *
 * <pre>{@code
 * {
 *   "schemaVersion": 1,
 *   "namespace": "orders",
 *   "protection": "kms",
 *   "agreementKeys": { ...Tink JSON (encrypted) keyset... },
 *   "signatureKeys": { ...optional... }
 * }
 * }</pre>
 */
public final class NamespaceKeyFiles {
  /** The schema version this class reads and writes. */
  public static final int SCHEMA_VERSION = 1;

  /** Files larger than this are refused before parsing. */
  public static final int MAX_FILE_BYTES = 1024 * 1024;

  /** {@code protection} of a file whose keysets are in cleartext. */
  public static final String CLEARTEXT = "cleartext";

  /** {@code protection} of a file whose keysets are encrypted under a KMS key. */
  public static final String KMS = "kms";

  private static final Set<String> FIELDS =
      Set.of("schemaVersion", "namespace", "protection", "agreementKeys", "signatureKeys");

  private static final String AD_LABEL = "nexus-security namespace keys v1";

  private static final String CREATE_HINT =
      "create namespace keys with `nexus-security-keys namespace-keys create` (nexus-security-tools)";

  private NamespaceKeyFiles() {}

  /**
   * How a namespace keys file is protected: in cleartext ({@code kmsClient == null}) or under a KMS
   * key.
   */
  public record Protection(KmsClient kmsClient, String keyUri, byte[] associatedData) {
    /** Cleartext: for development and tests only. */
    public static Protection cleartext() {
      return new Protection(null, null, new byte[0]);
    }

    public boolean isCleartext() {
      return kmsClient == null;
    }
  }

  /**
   * Reads the namespace keys file {@code path}.
   *
   * @throws KeysetLoadException if the file is missing, malformed, protected otherwise than {@code
   *     protection} says, or was encrypted under another KMS key, namespace or associated data
   * @throws io.temporal.payload.codec.PayloadCodecException if the KMS could not be reached
   */
  public static NamespaceKeys read(Path path, Protection protection) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new KeysetLoadException("Namespace keys file " + path + " does not exist.", e);
    } catch (IOException e) {
      throw new KeysetLoadException(
          "Namespace keys file " + path + " cannot be read (" + e.getClass().getSimpleName() + ").",
          e);
    }
    String source = "namespace keys file " + path;
    try {
      JsonValue doc = StrictJson.parse(bytes, MAX_FILE_BYTES, source);
      doc.allowOnly(FIELDS);
      JsonValue version = doc.field("schemaVersion");
      if (version.asLong() != SCHEMA_VERSION) {
        throw version.error(
            "unsupported schema version "
                + version.asLong()
                + "; this version of nexus-security reads schema version "
                + SCHEMA_VERSION);
      }
      JsonValue ns = doc.field("namespace");
      String namespace = ns.asNonEmptyText();
      NamespaceKeys.Builder b;
      try {
        b = NamespaceKeys.newBuilder(namespace);
      } catch (IllegalArgumentException e) {
        throw ns.error(e.getMessage());
      }
      JsonValue prot = doc.field("protection");
      String p = prot.asText();
      if (!p.equals(CLEARTEXT) && !p.equals(KMS)) {
        throw prot.error(
            "protection must be \""
                + CLEARTEXT
                + "\" or \""
                + KMS
                + "\", got \""
                + UntrustedText.quote(p, 40)
                + "\"");
      }
      if (p.equals(KMS) && protection.isCleartext()) {
        throw prot.error(
            "the keysets are encrypted under a KMS key: load the file with"
                + " KeysetSource.kmsEncryptedJson(path, kmsClient, keyUri)");
      }
      if (p.equals(CLEARTEXT) && !protection.isCleartext()) {
        throw prot.error(
            "the keysets are in cleartext, not encrypted under "
                + KeysetFiles.redact(protection.keyUri())
                + ": load a development file with KeysetSource.insecureCleartextJson(path), or"
                + " encrypt it with `nexus-security-keys namespace-keys wrap`");
      }
      b.setAgreementKeys(
          keyset(doc.field("agreementKeys"), "agreementKeys", namespace, protection, source));
      Optional<JsonValue> signature = doc.optionalField("signatureKeys");
      if (signature.isPresent()) {
        b.setSignatureKeys(keyset(signature.get(), "signatureKeys", namespace, protection, source));
      }
      return b.build();
    } catch (StrictJsonException e) {
      throw new KeysetLoadException("Invalid " + e.getMessage() + "; " + CREATE_HINT + ".", e);
    }
  }

  private static KeysetHandle keyset(
      JsonValue v, String field, String namespace, Protection protection, String source)
      throws StrictJsonException {
    v.fieldNames(); // must be an object
    KeysetKind kind = field.equals("agreementKeys") ? KeysetKind.KEY_AGREEMENT : KeysetKind.SIGNING;
    TinkKeysets.Kind tinkKind =
        field.equals("agreementKeys") ? TinkKeysets.Kind.AGREEMENT : TinkKeysets.Kind.SIGNATURE;
    KeysetHandle handle;
    if (protection.isCleartext()) {
      try {
        handle = TinkKeysets.parsePrivate(v.toJson(), tinkKind);
      } catch (GeneralSecurityException | RuntimeException e) {
        throw v.error(
            "not a cleartext Tink JSON private "
                + tinkKind.description()
                + " keyset ("
                + UntrustedText.quote(String.valueOf(e.getMessage()), 200)
                + ")");
      }
    } else {
      String what =
          "The " + field + " of " + source + " (line " + v.getLine() + " column " + v.getColumn();
      handle =
          KeysetFiles.decrypt(
              v.toJson(),
              what + ")",
              protection.kmsClient(),
              protection.keyUri(),
              associatedData(namespace, field, protection.associatedData()),
              kind);
      try {
        TinkKeysets.requireKeys(handle, tinkKind, true);
      } catch (GeneralSecurityException e) {
        throw v.error("not a private " + tinkKind.description() + " keyset: " + e.getMessage());
      }
    }
    return handle;
  }

  /** The file text of {@code keys} protected by {@code protection}. */
  public static String toJson(NamespaceKeys keys, Protection protection) {
    ObjectNode doc = StrictJson.newObject();
    doc.put("schemaVersion", SCHEMA_VERSION);
    doc.put("namespace", keys.getNamespace());
    doc.put("protection", protection.isCleartext() ? CLEARTEXT : KMS);
    Aead kek =
        protection.isCleartext()
            ? null
            : KeysetFiles.kmsAead(protection.kmsClient(), protection.keyUri());
    doc.set(
        "agreementKeys",
        StrictJson.readTree(
            serialize(
                keys.getAgreementKeys(),
                TinkKeysets.Kind.AGREEMENT,
                kek,
                associatedData(
                    keys.getNamespace(), "agreementKeys", protection.associatedData()))));
    if (keys.getSignatureKeys().isPresent()) {
      doc.set(
          "signatureKeys",
          StrictJson.readTree(
              serialize(
                  keys.getSignatureKeys().get(),
                  TinkKeysets.Kind.SIGNATURE,
                  kek,
                  associatedData(
                      keys.getNamespace(), "signatureKeys", protection.associatedData()))));
    }
    return StrictJson.writePretty(doc);
  }

  private static String serialize(
      KeysetHandle keyset, TinkKeysets.Kind kind, Aead kek, byte[] associatedData) {
    if (kek == null) {
      try {
        return TinkKeysets.toCleartextPrivateJson(keyset, kind);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(
            "the " + kind.description() + " keyset cannot be written", e);
      }
    }
    return KeysetFiles.toEncryptedJson(keyset, kek, associatedData);
  }

  /**
   * Writes {@code keys} to {@code path} atomically, readable by its owner only when new.
   *
   * @param replace whether an existing file may be replaced; without, an existing file is left as
   *     is ({@link java.nio.file.FileAlreadyExistsException})
   * @throws IOException if the file cannot be written; it is then unchanged
   */
  public static void write(Path path, NamespaceKeys keys, Protection protection, boolean replace)
      throws IOException {
    KeysetFiles.writeAtomically(path, toJson(keys, protection), replace);
  }

  /** {@link #write} with replacement, for the public {@code save}: I/O errors are unchecked. */
  public static void save(Path path, NamespaceKeys keys, Protection protection) {
    try {
      write(path, keys, protection, true);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot write namespace keys file " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * The associated data a keyset of {@code namespace}'s {@code field} is encrypted with: a label,
   * the namespace, the field, then the caller's own associated data.
   */
  static byte[] associatedData(String namespace, String field, byte[] extra) {
    byte[] head =
        (AD_LABEL + "\n" + namespace + "\n" + field + "\n").getBytes(StandardCharsets.UTF_8);
    byte[] ad = new byte[head.length + extra.length];
    System.arraycopy(head, 0, ad, 0, head.length);
    System.arraycopy(extra, 0, ad, head.length, extra.length);
    return ad;
  }
}
