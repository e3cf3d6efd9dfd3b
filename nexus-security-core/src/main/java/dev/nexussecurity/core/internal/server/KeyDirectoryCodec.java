package dev.nexussecurity.core.internal.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import dev.nexussecurity.core.keys.KeyDirectoryException;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * The encoding of one namespace's key directory entry, signed with the registry key, in the
 * description of a reserved Nexus endpoint of its own ({@link #endpointName}).
 *
 * <pre>
 * endpoint name: &lt;manifest endpoint name&gt;-keys-&lt;namespace, characters other than
 *   [A-Za-z0-9] as '-', at most 60&gt;-&lt;first 12 hex digits of SHA-256(namespace)&gt;
 *   e.g. nexus-security-manifest-keys-orders-ns-e211976103de
 * metadata:
 *   "encoding"                     = "json/plain"
 *   "nexus-security-key-directory" = "1"
 * data: a JSON string holding the signed envelope (SignedEnvelope, type "nskeys1"):
 *   "nskeys1.&lt;base64url entry JSON&gt;.&lt;base64url Tink signature&gt;"
 * entry JSON (compact, fields in this order):
 *   {"audience": "prod-eu", "namespace": "orders-ns",
 *    "keys": { the namespace's entry exactly as in the key directory file (docs/keys.md):
 *              agreementKeys, signatureKeys, revokedKeyIds, payloads },
 *    "issuedAt": "2025-05-01T10:00:00.123Z"}
 * </pre>
 *
 * One endpoint per namespace keeps every entry far below the server's description limit (a
 * namespace with a few keys of each kind takes 1-3 KB) and makes a rotation rewrite one endpoint.
 * The registry manifest lists each namespace with the SHA-256 of its entry's description data
 * ({@link #digest}); the entry binds its namespace and cluster under the signature, so an entry
 * moved to another namespace's endpoint, signed for another cluster, edited, or not the one the
 * manifest lists is refused. The metadata marks the description as a key directory entry; it is not
 * signed and decides nothing but that.
 */
public final class KeyDirectoryCodec {
  /** The metadata key that marks a description as a key directory entry. */
  public static final String METADATA_KEY = "nexus-security-key-directory";

  /** The value of {@link #METADATA_KEY} for this format. */
  public static final String METADATA_VALUE = "1";

  /** The {@link SignedEnvelope} type of an entry: the format and its version. */
  public static final String ENVELOPE_TYPE = "nskeys1";

  /** What follows the manifest endpoint name in the name of an entry's endpoint. */
  public static final String NAME_INFIX = "-keys-";

  /** The longest manifest endpoint name that leaves room for entry endpoint names. */
  public static final int MAX_MANIFEST_NAME_LENGTH = 120;

  private static final int MAX_READABLE = 60;
  private static final Set<String> FIELDS = Set.of("audience", "namespace", "keys", "issuedAt");

  private KeyDirectoryCodec() {}

  /**
   * The name of the server endpoint that holds {@code namespace}'s entry in the registry whose
   * manifest endpoint is {@code manifestEndpointName}: readable, a valid endpoint name for every
   * namespace name, and distinct per namespace (the hash).
   */
  public static String endpointName(String manifestEndpointName, String namespace) {
    StringBuilder sb = new StringBuilder(manifestEndpointName).append(NAME_INFIX);
    for (int i = 0; i < namespace.length() && i < MAX_READABLE; i++) {
      char c = namespace.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      sb.append(alnum ? c : '-');
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(namespace.getBytes(StandardCharsets.UTF_8));
      return sb.append('-').append(HexFormat.of().formatHex(hash, 0, 6)).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** Whether {@code name} is an entry endpoint name of the registry of {@code manifestName}. */
  public static boolean isEntryName(String manifestEndpointName, String name) {
    return name.startsWith(manifestEndpointName + NAME_INFIX);
  }

  /** Whether the server endpoint's description carries the key directory entry marker. */
  public static boolean isEntry(Endpoint endpoint) {
    return endpoint.getSpec().getDescription().getMetadataMap().containsKey(METADATA_KEY);
  }

  /** The SHA-256 of the description's data, unpadded base64url: what the manifest lists. */
  public static String digest(Payload description) {
    return SignedDescription.digest(description);
  }

  /**
   * Signs {@code document} and encodes it as a description payload.
   *
   * @throws DescriptionTooLargeException if the payload would exceed the server's description limit
   */
  public static Payload encode(KeyDirectoryDocument document, PolicySigner signer)
      throws DescriptionTooLargeException {
    ObjectNode json = StrictJson.newObject();
    json.put("audience", document.audience());
    json.put("namespace", document.namespace());
    JsonNode file =
        StrictJson.readTree(
            NamespaceKeyDirectory.newBuilder().put(document.keys()).build().toJson());
    json.set("keys", file.get("namespaces").get(document.namespace()));
    json.put("issuedAt", document.issuedAt().toString());
    String envelope = signer.seal(ENVELOPE_TYPE, StrictJson.write(json));
    Payload payload = SignedDescription.wrap(METADATA_KEY, METADATA_VALUE, envelope);
    int size = payload.getSerializedSize();
    if (size > SignedDescription.MAX_DESCRIPTION_BYTES) {
      throw new DescriptionTooLargeException(
          "the signed key directory entry of namespace '"
              + UntrustedText.quote(document.namespace())
              + "' would be "
              + size
              + " bytes, but the Temporal server stores at most "
              + SignedDescription.MAX_DESCRIPTION_BYTES
              + " bytes in an endpoint description; remove keys the namespace no longer uses"
              + " (disabled or revoked keys, once nothing in flight needs them) from its keysets",
          size);
    }
    return payload;
  }

  /**
   * Parses and verifies an entry description, and checks that it was signed for {@code audience},
   * without checking which namespace's endpoint holds it.
   *
   * @throws InvalidSignedDocumentException naming the problem
   */
  public static VerifiedKeyDirectoryEntry decode(
      Payload description, PolicyVerifier verifier, String audience)
      throws InvalidSignedDocumentException {
    SignedEnvelope.Parsed envelope =
        SignedDescription.openVerified(
            description,
            METADATA_KEY,
            METADATA_VALUE,
            ENVELOPE_TYPE,
            verifier,
            "the key directory entry");
    KeyDirectoryDocument document = parse(envelope.payload());
    SignedDescription.requireAudience(
        document.audience(),
        audience,
        "the key directory entry of namespace '" + UntrustedText.quote(document.namespace()) + "'",
        ": keys published for one cluster are not used in another");
    return new VerifiedKeyDirectoryEntry(
        document, envelope.tinkKeyId().orElse(null), SignedDescription.digest(description));
  }

  /**
   * Decodes and verifies the entry {@code server} holds, and checks that it is {@code namespace}'s.
   *
   * @throws InvalidSignedDocumentException naming the problem ({@code NAME_MISMATCH} for an entry
   *     of another namespace)
   */
  public static VerifiedKeyDirectoryEntry verifyFor(
      Endpoint server, String namespace, PolicyVerifier verifier, String audience)
      throws InvalidSignedDocumentException {
    VerifiedKeyDirectoryEntry verified =
        decode(server.getSpec().getDescription(), verifier, audience);
    if (!verified.document().namespace().equals(namespace)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.NAME_MISMATCH,
          "the key directory entry was signed for namespace '"
              + UntrustedText.quote(verified.document().namespace())
              + "' but is stored in the endpoint of namespace '"
              + UntrustedText.quote(namespace)
              + "' ('"
              + UntrustedText.quote(server.getSpec().getName())
              + "')");
    }
    return verified;
  }

  private static KeyDirectoryDocument parse(byte[] signed) throws InvalidSignedDocumentException {
    try {
      JsonValue json =
          StrictJson.parse(signed, SignedDescription.MAX_PARSED_BYTES, "the key directory entry");
      json.allowOnly(FIELDS);
      String namespace = json.field("namespace").asNonEmptyText();
      JsonValue keysField = json.field("keys");
      keysField.fieldNames(); // must be an object
      String issuedAtText = json.field("issuedAt").asText();
      Instant issuedAt;
      try {
        issuedAt = Instant.parse(issuedAtText);
      } catch (DateTimeParseException e) {
        throw json.field("issuedAt")
            .error("is not an ISO-8601 instant: '" + UntrustedText.quote(issuedAtText) + "'");
      }
      ObjectNode file = StrictJson.newObject();
      file.put("schemaVersion", NamespaceKeyDirectory.SCHEMA_VERSION);
      file.putObject("namespaces").set(namespace, StrictJson.readTree(keysField.toJson()));
      NamespacePublicKeys keys;
      try {
        Optional<NamespacePublicKeys> found =
            NamespaceKeyDirectory.fromJson(
                    new String(StrictJson.write(file), StandardCharsets.UTF_8))
                .findNamespace(namespace);
        keys = found.orElseThrow();
      } catch (KeyDirectoryException e) {
        throw SignedDescription.malformed(
            "the signed key directory entry of namespace '"
                + UntrustedText.quote(namespace)
                + "' is not a valid directory entry: "
                + e.getMessage());
      }
      return new KeyDirectoryDocument(json.field("audience").asNonEmptyText(), keys, issuedAt);
    } catch (StrictJsonException e) {
      throw SignedDescription.malformed(e.getMessage());
    }
  }
}
