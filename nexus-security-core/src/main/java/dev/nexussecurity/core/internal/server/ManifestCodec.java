package dev.nexussecurity.core.internal.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The encoding of the signed registry manifest in the description of the reserved manifest
 * endpoint, and the checks a worker makes before it trusts one.
 *
 * <pre>
 * metadata:
 *   "encoding"                = "json/plain"
 *   "nexus-security-manifest" = "1"
 * data: a JSON string holding the signed envelope (SignedEnvelope, type "nsman1"):
 *   "nsman1.&lt;base64url manifest JSON&gt;.&lt;base64url Tink signature&gt;"
 * manifest JSON (compact, fields in this order, endpoints sorted by name):
 *   {"audience": "prod-eu", "epoch": 1746093600123, "issuedAt": "2025-05-01T10:00:00.123Z",
 *    "expiresAt": "2025-05-02T10:00:00.123Z",
 *    "endpoints": {"payments": "&lt;SHA-256 of the policy description data, base64url&gt;", ...},
 *    "keyDirectory": {"orders-ns": "&lt;SHA-256 of the entry's description data&gt;", ...}}
 *   ("keyDirectory" only when the registry publishes a key directory ({@link KeyDirectoryCodec}),
 *   so manifests without one keep their bytes, and manifests of earlier versions verify)
 * </pre>
 */
public final class ManifestCodec {
  /** The metadata key that marks a description as a registry manifest. */
  public static final String METADATA_KEY = "nexus-security-manifest";

  /** The value of {@link #METADATA_KEY} for this format. */
  public static final String METADATA_VALUE = "1";

  /** The {@link SignedEnvelope} type of a manifest: the format and its version. */
  public static final String ENVELOPE_TYPE = "nsman1";

  private static final Set<String> FIELDS =
      Set.of("audience", "epoch", "issuedAt", "expiresAt", "endpoints", "keyDirectory");
  private static final Pattern DIGEST = Pattern.compile("[A-Za-z0-9_-]{43}");

  private ManifestCodec() {}

  /** Whether the server endpoint's description carries the manifest marker. */
  public static boolean isManifest(Endpoint endpoint) {
    return endpoint.getSpec().getDescription().getMetadataMap().containsKey(METADATA_KEY);
  }

  /**
   * Signs {@code manifest} and encodes it as a description payload.
   *
   * @throws DescriptionTooLargeException if the payload would exceed the server's description limit
   */
  public static Payload encode(RegistryManifest manifest, PolicySigner signer)
      throws DescriptionTooLargeException {
    ObjectNode json = StrictJson.newObject();
    json.put("audience", manifest.audience());
    json.put("epoch", manifest.epoch());
    json.put("issuedAt", manifest.issuedAt().toString());
    json.put("expiresAt", manifest.expiresAt().toString());
    ObjectNode endpoints = json.putObject("endpoints");
    manifest.endpoints().forEach(endpoints::put);
    if (manifest.keyDirectory() != null) {
      ObjectNode directory = json.putObject("keyDirectory");
      manifest.keyDirectory().forEach(directory::put);
    }
    String envelope = signer.seal(ENVELOPE_TYPE, StrictJson.write(json));
    Payload payload = SignedDescription.wrap(METADATA_KEY, METADATA_VALUE, envelope);
    int size = payload.getSerializedSize();
    if (size > SignedDescription.MAX_DESCRIPTION_BYTES) {
      throw new DescriptionTooLargeException(
          "the signed registry manifest would be "
              + size
              + " bytes, but the Temporal server stores at most "
              + SignedDescription.MAX_DESCRIPTION_BYTES
              + " bytes in an endpoint description; it lists "
              + manifest.endpoints().size()
              + " endpoints"
              + (manifest.keyDirectory() == null
                  ? ""
                  : " and " + manifest.keyDirectory().size() + " key directory namespaces")
              + " (about 60 bytes each with 15-character names): split the registry"
              + " into registries with their own manifest endpoint names, or shorten endpoint"
              + " names",
          size);
    }
    return payload;
  }

  /**
   * Parses and verifies a manifest description, and checks that it was signed for {@code audience}.
   * Freshness is {@link #checkCurrent}'s.
   *
   * @throws InvalidSignedDocumentException naming the problem
   */
  public static VerifiedManifest decode(
      Payload description, PolicyVerifier verifier, String audience)
      throws InvalidSignedDocumentException {
    SignedEnvelope.Parsed envelope =
        SignedDescription.openVerified(
            description, METADATA_KEY, METADATA_VALUE, ENVELOPE_TYPE, verifier, "the manifest");
    RegistryManifest manifest = parse(envelope.payload());
    SignedDescription.requireAudience(manifest.audience(), audience, "the manifest", "");
    return new VerifiedManifest(
        manifest, envelope.tinkKeyId().orElse(null), SignedDescription.digest(description));
  }

  /**
   * Checks that {@code verified} may be trusted now: not older than the high-water mark ({@code
   * mark}, or nothing when {@code null}), not issued after {@code now + skew}, not expired.
   *
   * @throws InvalidSignedDocumentException ROLLED_BACK, ISSUED_IN_FUTURE or EXPIRED
   */
  public static void checkCurrent(
      VerifiedManifest verified, HighWaterMark mark, Instant now, Duration skew)
      throws InvalidSignedDocumentException {
    RegistryManifest m = verified.manifest();
    Instant latest = now.plus(skew);
    if (m.issuedAt().isAfter(latest) || m.epoch() > latest.toEpochMilli()) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.ISSUED_IN_FUTURE,
          "the manifest of epoch "
              + m.epoch()
              + " was issued at "
              + m.issuedAt()
              + ", after now ("
              + now
              + ") plus the allowed clock skew ("
              + skew
              + "); check the reconciler's clock");
    }
    if (mark != null) {
      if (m.epoch() < mark.epoch()) {
        throw new InvalidSignedDocumentException(
            InvalidSignedDocumentException.Problem.ROLLED_BACK,
            "the manifest has epoch "
                + m.epoch()
                + " (issued at "
                + m.issuedAt()
                + "), older than epoch "
                + mark.epoch()
                + " (issued at "
                + mark.issuedAt()
                + ") that this worker already accepted: an older manifest was put back on the"
                + " server");
      }
      if (m.epoch() == mark.epoch() && !verified.digest().equals(mark.manifestDigest())) {
        throw new InvalidSignedDocumentException(
            InvalidSignedDocumentException.Problem.ROLLED_BACK,
            "the manifest has epoch "
                + m.epoch()
                + " but is not the manifest of that epoch this worker already accepted");
      }
    }
    if (!m.expiresAt().isAfter(now)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.EXPIRED,
          "the manifest of epoch "
              + m.epoch()
              + " expired at "
              + m.expiresAt()
              + "; run the EndpointReconciler, which signs a new one");
    }
  }

  private static RegistryManifest parse(byte[] signed) throws InvalidSignedDocumentException {
    try {
      JsonValue json = StrictJson.parse(signed, SignedDescription.MAX_PARSED_BYTES, "the manifest");
      json.allowOnly(FIELDS);
      long epoch = json.field("epoch").asLong();
      if (epoch < 1) {
        throw json.field("epoch").error("must be 1 or greater, got " + epoch);
      }
      Instant issuedAt = instant(json.field("issuedAt"));
      Instant expiresAt = instant(json.field("expiresAt"));
      if (!expiresAt.isAfter(issuedAt)) {
        throw json.field("expiresAt").error("must be after issuedAt");
      }
      Map<String, String> endpoints = new TreeMap<>();
      for (Map.Entry<String, JsonValue> e : json.field("endpoints").fields().entrySet()) {
        String name = e.getKey();
        if (name.length() > NexusEndpoint.MAX_NAME_LENGTH
            || !NexusEndpoint.NAME_PATTERN.matcher(name).matches()) {
          throw e.getValue()
              .error("lists '" + UntrustedText.quote(name) + "', which is not an endpoint name");
        }
        String digest = e.getValue().asText();
        if (!DIGEST.matcher(digest).matches()) {
          throw e.getValue().error("is not a base64url SHA-256 digest");
        }
        endpoints.put(name, digest);
      }
      TreeMap<String, String> keyDirectory = null;
      Optional<JsonValue> directory = json.optionalField("keyDirectory");
      if (directory.isPresent()) {
        keyDirectory = new TreeMap<>();
        for (Map.Entry<String, JsonValue> e : directory.get().fields().entrySet()) {
          String namespace = e.getKey();
          if (!validNamespace(namespace)) {
            throw e.getValue()
                .error(
                    "lists '"
                        + UntrustedText.quote(namespace)
                        + "', which is not a namespace name");
          }
          String digest = e.getValue().asText();
          if (!DIGEST.matcher(digest).matches()) {
            throw e.getValue().error("is not a base64url SHA-256 digest");
          }
          keyDirectory.put(namespace, digest);
        }
      }
      return new RegistryManifest(
          json.field("audience").asNonEmptyText(),
          epoch,
          issuedAt,
          expiresAt,
          new TreeMap<>(endpoints),
          keyDirectory);
    } catch (StrictJsonException e) {
      throw SignedDescription.malformed(e.getMessage());
    }
  }

  /** Printable ASCII without whitespace, 1 to 255 characters (the key directory's rule). */
  private static boolean validNamespace(String name) {
    if (name.isEmpty() || name.length() > 255) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c <= 0x20 || c > 0x7e) {
        return false;
      }
    }
    return true;
  }

  private static Instant instant(JsonValue v) throws StrictJsonException {
    String text = v.asText();
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw v.error("is not an ISO-8601 instant: '" + UntrustedText.quote(text) + "'");
    }
  }
}
