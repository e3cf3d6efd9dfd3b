package dev.nexussecurity.core.internal.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.core.internal.json.JsonValue;
import dev.nexussecurity.core.internal.json.SignedEnvelope;
import dev.nexussecurity.core.internal.json.StrictJson;
import dev.nexussecurity.core.internal.json.StrictJsonException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The encoding of a signed endpoint policy in a Nexus endpoint's description ({@code
 * temporal.api.common.v1.Payload}).
 *
 * <pre>
 * metadata:
 *   "encoding"              = "json/plain"
 *   "nexus-security-policy" = "2"
 * data: a JSON string holding the signed envelope (SignedEnvelope, type "nspol2"):
 *   "nspol2.&lt;base64url policy JSON&gt;.&lt;base64url Tink signature&gt;"
 * policy JSON (compact, fields in this order):
 *   {"audience": "prod-eu", "endpoint": "payments", "targetNamespace": "...",
 *    "targetTaskQueue": "...", "allowedCallerNamespaces": ["...", ...], "description": "...",
 *    "payloadProtection": "pairwise", "servicePayloadProtections": {"refunds": "shared:k"},
 *    "registryVersion": 3, "issuedAt": "2025-01-02T03:04:05.678Z"}
 *   (the two protection fields only when the endpoint names a protection, so the policies of
 *   endpoints without one keep their bytes)
 * </pre>
 *
 * The payload protection is signed with the rest: a server operator who edits, strips or swaps it
 * (to downgrade an endpoint from pairwise to authenticated-only, say) breaks the signature, and the
 * endpoint admits nobody.
 *
 * <p>The signature is a Tink {@code PublicKeySign} signature over the ASCII bytes of {@code
 * nspol2.<payload>} (output prefix included, so it names the key id); the envelope type keeps a
 * registry-key signature over a manifest or another format from passing as a policy. The metadata
 * marks the description as a nexus-security policy; it is not signed and decides nothing but
 * whether an endpoint is managed by nexus-security. The registry manifest lists the SHA-256 of the
 * description's data ({@link #digest}).
 */
public final class PolicyCodec {
  /** The metadata key that marks a description as a nexus-security policy. */
  public static final String METADATA_KEY = "nexus-security-policy";

  /** The value of {@link #METADATA_KEY} for this format. */
  public static final String METADATA_VALUE = "2";

  /** The {@link SignedEnvelope} type of a policy: the format and its version. */
  public static final String ENVELOPE_TYPE = "nspol2";

  /** The Temporal server's limit on a description, data and metadata included. */
  public static final int MAX_DESCRIPTION_BYTES = SignedDescription.MAX_DESCRIPTION_BYTES;

  private static final List<String> FIELDS =
      List.of(
          "audience",
          "endpoint",
          "targetNamespace",
          "targetTaskQueue",
          "allowedCallerNamespaces",
          "description",
          "payloadProtection",
          "servicePayloadProtections",
          "registryVersion",
          "issuedAt");
  private static final Set<String> FIELD_SET = Set.copyOf(FIELDS);

  private PolicyCodec() {}

  /** Whether {@code description} carries the nexus-security policy marker. */
  public static boolean isManaged(Payload description) {
    return description.getMetadataMap().containsKey(METADATA_KEY);
  }

  /** Whether the server endpoint carries the nexus-security policy marker. */
  public static boolean isManaged(Endpoint endpoint) {
    return isManaged(endpoint.getSpec().getDescription());
  }

  /**
   * Signs {@code document} and encodes it as a description payload.
   *
   * @throws DescriptionTooLargeException if the payload would exceed {@link #MAX_DESCRIPTION_BYTES}
   */
  public static Payload encode(PolicyDocument document, PolicySigner signer)
      throws DescriptionTooLargeException {
    NexusEndpoint e = document.getEndpoint();
    ObjectNode policy = StrictJson.newObject();
    policy.put("audience", document.getAudience());
    policy.put("endpoint", e.getName());
    policy.put("targetNamespace", e.getTargetNamespace());
    policy.put("targetTaskQueue", e.getTargetTaskQueue());
    ArrayNode callers = policy.putArray("allowedCallerNamespaces");
    e.getAllowedCallerNamespaces().forEach(callers::add);
    policy.put("description", e.getDescription());
    e.getDefaultPayloadProtection().ifPresent(p -> policy.put("payloadProtection", p.toString()));
    if (!e.getServicePayloadProtections().isEmpty()) {
      ObjectNode services = policy.putObject("servicePayloadProtections");
      e.getServicePayloadProtections().forEach((svc, p) -> services.put(svc, p.toString()));
    }
    policy.put("registryVersion", e.getVersion());
    policy.put("issuedAt", document.getIssuedAt().toString());
    String envelope = signer.seal(ENVELOPE_TYPE, StrictJson.write(policy));
    Payload payload = SignedDescription.wrap(METADATA_KEY, METADATA_VALUE, envelope);
    int size = payload.getSerializedSize();
    if (size > MAX_DESCRIPTION_BYTES) {
      throw new DescriptionTooLargeException(
          "the signed policy of endpoint '"
              + e.getName()
              + "' would be "
              + size
              + " bytes, but the Temporal server stores at most "
              + MAX_DESCRIPTION_BYTES
              + " bytes in an endpoint description (data and metadata); shorten its description ("
              + e.getDescription().getBytes(StandardCharsets.UTF_8).length
              + " UTF-8 bytes) or its allowlist ("
              + e.getAllowedCallerNamespaces().size()
              + " caller namespaces) by at least "
              + ((size - MAX_DESCRIPTION_BYTES) * 3 / 4 + 1)
              + " bytes",
          size);
    }
    return payload;
  }

  /** The spec that carries {@code endpoint}'s name and worker target, and {@code description}. */
  public static EndpointSpec specOf(NexusEndpoint endpoint, Payload description) {
    return specOf(
        endpoint.getName(),
        endpoint.getTargetNamespace(),
        endpoint.getTargetTaskQueue(),
        description);
  }

  /** The spec of an endpoint with a worker target. */
  static EndpointSpec specOf(
      String name, String targetNamespace, String targetTaskQueue, Payload description) {
    return EndpointSpec.newBuilder()
        .setName(name)
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder()
                        .setNamespace(targetNamespace)
                        .setTaskQueue(targetTaskQueue)))
        .setDescription(description)
        .build();
  }

  /** The SHA-256 of the description's data, unpadded base64url: what the manifest lists. */
  public static String digest(Payload description) {
    return SignedDescription.digest(description);
  }

  /**
   * Parses and verifies a description's policy, and checks that it was signed for {@code audience},
   * without checking it against any endpoint.
   *
   * @throws InvalidSignedDocumentException naming the problem
   */
  public static VerifiedPolicy decode(Payload description, PolicyVerifier verifier, String audience)
      throws InvalidSignedDocumentException {
    SignedEnvelope.Parsed envelope =
        SignedDescription.openVerified(
            description, METADATA_KEY, METADATA_VALUE, ENVELOPE_TYPE, verifier, "the policy");
    PolicyDocument document = parsePolicy(envelope.payload());
    SignedDescription.requireAudience(
        document.getAudience(),
        audience,
        "the policy",
        ": a policy of one cluster does not admit callers in another");
    return new VerifiedPolicy(
        document, envelope.tinkKeyId().orElse(null), SignedDescription.digest(description));
  }

  /**
   * Decodes and verifies the policy of {@code server}, and checks that it names that endpoint and
   * its target.
   *
   * @throws InvalidSignedDocumentException naming the problem
   */
  public static VerifiedPolicy verifyFor(Endpoint server, PolicyVerifier verifier, String audience)
      throws InvalidSignedDocumentException {
    VerifiedPolicy verified = decode(server.getSpec().getDescription(), verifier, audience);
    checkBinding(verified.getDocument(), server);
    return verified;
  }

  /**
   * Checks that {@code document} names {@code server}'s name and worker target.
   *
   * @throws InvalidSignedDocumentException {@code NAME_MISMATCH} or {@code TARGET_MISMATCH}
   */
  public static void checkBinding(PolicyDocument document, Endpoint server)
      throws InvalidSignedDocumentException {
    NexusEndpoint signed = document.getEndpoint();
    String serverName = server.getSpec().getName();
    if (!signed.getName().equals(serverName)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.NAME_MISMATCH,
          "the policy was signed for endpoint '"
              + signed.getName()
              + "' but is stored on endpoint '"
              + UntrustedText.quote(serverName)
              + "'");
    }
    String serverTarget = targetOf(server);
    String signedTarget = signed.getTargetNamespace() + "/" + signed.getTargetTaskQueue();
    if (!signedTarget.equals(serverTarget)) {
      throw new InvalidSignedDocumentException(
          InvalidSignedDocumentException.Problem.TARGET_MISMATCH,
          "the policy was signed for target "
              + signedTarget
              + " but the server endpoint targets "
              + UntrustedText.quote(serverTarget));
    }
  }

  /**
   * The server endpoint's target as {@code namespace/taskQueue}, or a description of another kind;
   * for comparisons (quote it with {@link UntrustedText} before showing it).
   */
  public static String targetOf(Endpoint server) {
    EndpointTarget target = server.getSpec().getTarget();
    if (target.hasWorker()) {
      return target.getWorker().getNamespace() + "/" + target.getWorker().getTaskQueue();
    }
    if (target.hasExternal()) {
      return "external URL " + target.getExternal().getUrl();
    }
    return "(no target)";
  }

  private static PayloadProtection protection(JsonValue value) throws StrictJsonException {
    String text = value.asText();
    try {
      return PayloadProtection.parse(text);
    } catch (IllegalArgumentException e) {
      throw value.error(
          "is not a payload protection ('"
              + UntrustedText.quote(text)
              + "'; expected shared:<keyset>, pairwise, hpke or authenticated)");
    }
  }

  private static PolicyDocument parsePolicy(byte[] signed) throws InvalidSignedDocumentException {
    try {
      JsonValue policy = StrictJson.parse(signed, SignedDescription.MAX_PARSED_BYTES, "the policy");
      policy.allowOnly(FIELD_SET);
      String issuedAtText = policy.field("issuedAt").asText();
      Instant issuedAt;
      try {
        issuedAt = Instant.parse(issuedAtText);
      } catch (DateTimeParseException e) {
        throw policy
            .field("issuedAt")
            .error("is not an ISO-8601 instant: '" + UntrustedText.quote(issuedAtText) + "'");
      }
      NexusEndpoint endpoint;
      try {
        NexusEndpoint.Builder builder =
            NexusEndpoint.newBuilder()
                .setName(policy.field("endpoint").asText())
                .setTargetNamespace(policy.field("targetNamespace").asText())
                .setTargetTaskQueue(policy.field("targetTaskQueue").asText())
                .setAllowedCallerNamespaces(policy.field("allowedCallerNamespaces").asTextList())
                .setDescription(policy.field("description").asText())
                .setVersion(policy.field("registryVersion").asLong());
        Optional<JsonValue> protection = policy.optionalField("payloadProtection");
        if (protection.isPresent()) {
          builder.setPayloadProtection(protection(protection.get()));
        }
        Optional<JsonValue> services = policy.optionalField("servicePayloadProtections");
        if (services.isPresent()) {
          for (Map.Entry<String, JsonValue> s : services.get().fields().entrySet()) {
            builder.putServicePayloadProtection(s.getKey(), protection(s.getValue()));
          }
        }
        endpoint = builder.build();
      } catch (EndpointValidationException e) {
        throw SignedDescription.malformed(
            "the signed policy holds an invalid endpoint: " + e.getMessage());
      }
      return new PolicyDocument(policy.field("audience").asNonEmptyText(), endpoint, issuedAt);
    } catch (StrictJsonException e) {
      throw SignedDescription.malformed(e.getMessage());
    }
  }
}
