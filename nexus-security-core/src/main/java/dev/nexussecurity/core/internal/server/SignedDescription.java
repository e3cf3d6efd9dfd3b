package dev.nexussecurity.core.internal.server;

import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import io.temporal.api.common.v1.Payload;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * How a signed document travels in a Nexus endpoint's description ({@code
 * temporal.api.common.v1.Payload}): metadata {@code encoding = json/plain} and a marker naming the
 * format and its version; data = the {@link dev.nexussecurity.core.internal.json.SignedEnvelope} as
 * a JSON string (so Temporal tools that show {@code json/plain} descriptions show it). Shared by
 * {@link PolicyCodec} and {@link ManifestCodec}.
 */
final class SignedDescription {
  /** The standard Temporal payload metadata key for the encoding. */
  static final String ENCODING_KEY = "encoding";

  /** The encoding of the description. */
  static final String ENCODING = "json/plain";

  /** The Temporal server's limit on a description, data and metadata included. */
  static final int MAX_DESCRIPTION_BYTES = 20_000;

  /** Descriptions larger than this are refused before parsing. */
  static final int MAX_PARSED_BYTES = 64 * 1024;

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private SignedDescription() {}

  /** The description payload carrying {@code envelope} under the marker {@code key = value}. */
  static Payload wrap(String markerKey, String markerValue, String envelope) {
    return Payload.newBuilder()
        .putMetadata(ENCODING_KEY, ByteString.copyFromUtf8(ENCODING))
        .putMetadata(markerKey, ByteString.copyFromUtf8(markerValue))
        .setData(ByteString.copyFrom(StrictJson.write(TextNode.valueOf(envelope))))
        .build();
  }

  /**
   * The envelope text of a description carrying the marker {@code key = value}.
   *
   * @param what the document, for messages (e.g. {@code "the policy"})
   * @throws InvalidSignedDocumentException MALFORMED or UNSUPPORTED_VERSION
   */
  private static String unwrap(
      Payload description, String markerKey, String markerValue, String what)
      throws InvalidSignedDocumentException {
    ByteString marker = description.getMetadataMap().get(markerKey);
    if (marker == null) {
      throw malformed("the description has no '" + markerKey + "' metadata");
    }
    if (!marker.toStringUtf8().equals(markerValue)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.UNSUPPORTED_VERSION,
          "the description's '"
              + markerKey
              + "' metadata is '"
              + UntrustedText.quote(marker.toStringUtf8())
              + "'; this version of nexus-security reads format "
              + markerValue);
    }
    ByteString encoding = description.getMetadataMap().get(ENCODING_KEY);
    if (encoding == null || !encoding.toStringUtf8().equals(ENCODING)) {
      throw malformed(
          "the description's encoding is "
              + (encoding == null
                  ? "missing"
                  : "'" + UntrustedText.quote(encoding.toStringUtf8()) + "'")
              + ", not '"
              + ENCODING
              + "'");
    }
    try {
      return StrictJson.parse(description.getData().toByteArray(), MAX_PARSED_BYTES, what).asText();
    } catch (StrictJsonException e) {
      throw malformed(e.getMessage());
    }
  }

  /**
   * The envelope of {@code type} that a description carrying the marker {@code key = value} holds,
   * with its signature verified.
   *
   * @param what the document, for messages (e.g. {@code "the policy"})
   * @throws InvalidSignedDocumentException MALFORMED, UNSUPPORTED_VERSION, UNKNOWN_KEY or
   *     BAD_SIGNATURE
   */
  static SignedEnvelope.Parsed openVerified(
      Payload description,
      String markerKey,
      String markerValue,
      String type,
      PolicyVerifier verifier,
      String what)
      throws InvalidSignedDocumentException {
    String text = unwrap(description, markerKey, markerValue, "the description");
    SignedEnvelope.Parsed envelope;
    try {
      envelope = SignedEnvelope.parse(text, type, MAX_PARSED_BYTES, what + " envelope");
    } catch (StrictJsonException e) {
      throw malformed(e.getMessage());
    }
    verifier.verify(envelope, what);
    return envelope;
  }

  /**
   * Refuses a document signed for another cluster.
   *
   * @throws InvalidSignedDocumentException WRONG_AUDIENCE
   */
  static void requireAudience(String signedFor, String audience, String what, String consequence)
      throws InvalidSignedDocumentException {
    if (!signedFor.equals(audience)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.WRONG_AUDIENCE,
          what
              + " was signed for cluster '"
              + UntrustedText.quote(signedFor)
              + "', but this is cluster '"
              + audience
              + "'"
              + consequence);
    }
  }

  /** The SHA-256 of the description's data, unpadded base64url: what the manifest lists. */
  static String digest(Payload description) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return B64.encodeToString(sha256.digest(description.getData().toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  static InvalidSignedDocumentException malformed(String message) {
    return new InvalidSignedDocumentException(
        InvalidSignedDocumentException.Problem.MALFORMED, message);
  }
}
