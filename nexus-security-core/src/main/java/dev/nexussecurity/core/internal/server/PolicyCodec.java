package dev.nexussecurity.core.internal.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.EndpointValidationException;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.UntrustedText;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The encoding of a signed endpoint policy in a Nexus endpoint's description ({@code
 * temporal.api.common.v1.Payload}).
 *
 * <pre>
 * metadata:
 *   "encoding"              = "json/plain"
 *   "nexus-security-policy" = "1"
 * data (UTF-8 JSON, exactly two fields):
 *   {"policy": "&lt;policy JSON text&gt;", "signature": "&lt;unpadded base64url Tink signature&gt;"}
 * policy JSON text (the signed bytes are its UTF-8 encoding, exactly as stored):
 *   {"type": "nexus-security/endpoint-policy", "version": 1,
 *    "endpoint": "...", "targetNamespace": "...", "targetTaskQueue": "...",
 *    "allowedCallerNamespaces": ["...", ...], "description": "...",
 *    "registryVersion": 3, "issuedAt": "2025-01-02T03:04:05.678Z"}
 * </pre>
 *
 * The signature is a Tink {@code PublicKeySign} signature (output prefix included, so it names the
 * key id). The {@code type} field keeps a registry-key signature over other JSON from passing as a
 * policy. The metadata marks the description as a nexus-security policy; it is not signed and
 * decides nothing but whether an endpoint is managed by nexus-security.
 */
public final class PolicyCodec {
  /** The metadata key that marks a description as a nexus-security policy. */
  public static final String METADATA_KEY = "nexus-security-policy";

  /** The value of {@link #METADATA_KEY} for this format. */
  public static final String METADATA_VALUE = "1";

  /** The standard Temporal payload metadata key for the encoding. */
  public static final String ENCODING_KEY = "encoding";

  /** The encoding of the description: plain JSON, so that Temporal tools can show it. */
  public static final String ENCODING = "json/plain";

  /** The {@code type} field of the signed policy. */
  public static final String TYPE = "nexus-security/endpoint-policy";

  /** The {@code version} of the signed policy format. */
  public static final int VERSION = 1;

  /** The Temporal server's limit on a description, data and metadata included. */
  public static final int MAX_DESCRIPTION_BYTES = 20_000;

  /** Descriptions larger than this are refused before parsing. */
  static final int MAX_PARSED_BYTES = 64 * 1024;

  private static final Set<String> OUTER_FIELDS = Set.of("policy", "signature");
  private static final Set<String> POLICY_FIELDS =
      Set.of(
          "type",
          "version",
          "endpoint",
          "targetNamespace",
          "targetTaskQueue",
          "allowedCallerNamespaces",
          "description",
          "registryVersion",
          "issuedAt");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

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
   * @throws PolicyTooLargeException if the payload would exceed {@link #MAX_DESCRIPTION_BYTES}
   */
  public static Payload encode(PolicyDocument document, PolicySigner signer)
      throws PolicyTooLargeException {
    NexusEndpoint e = document.getEndpoint();
    ObjectNode policy = MAPPER.createObjectNode();
    policy.put("type", TYPE);
    policy.put("version", VERSION);
    policy.put("endpoint", e.getName());
    policy.put("targetNamespace", e.getTargetNamespace());
    policy.put("targetTaskQueue", e.getTargetTaskQueue());
    ArrayNode callers = policy.putArray("allowedCallerNamespaces");
    for (String ns : e.getAllowedCallerNamespaces()) {
      callers.add(ns);
    }
    policy.put("description", e.getDescription());
    policy.put("registryVersion", e.getVersion());
    policy.put("issuedAt", document.getIssuedAt().toString());
    String policyText = write(policy);
    byte[] signature = signer.sign(policyText.getBytes(StandardCharsets.UTF_8));
    ObjectNode outer = MAPPER.createObjectNode();
    outer.put("policy", policyText);
    outer.put("signature", B64.encodeToString(signature));
    Payload payload =
        Payload.newBuilder()
            .putMetadata(ENCODING_KEY, ByteString.copyFromUtf8(ENCODING))
            .putMetadata(METADATA_KEY, ByteString.copyFromUtf8(METADATA_VALUE))
            .setData(ByteString.copyFromUtf8(write(outer)))
            .build();
    int size = payload.getSerializedSize();
    if (size > MAX_DESCRIPTION_BYTES) {
      throw new PolicyTooLargeException(
          e.getName(),
          size,
          e.getDescription().getBytes(StandardCharsets.UTF_8).length,
          e.getAllowedCallerNamespaces().size());
    }
    return payload;
  }

  /**
   * The spec that carries {@code document}'s endpoint, its worker target and {@code description}.
   */
  public static EndpointSpec specOf(NexusEndpoint endpoint, Payload description) {
    return EndpointSpec.newBuilder()
        .setName(endpoint.getName())
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder()
                        .setNamespace(endpoint.getTargetNamespace())
                        .setTaskQueue(endpoint.getTargetTaskQueue())))
        .setDescription(description)
        .build();
  }

  /**
   * Parses and verifies a description's policy, without checking it against any endpoint.
   *
   * @throws InvalidPolicyException naming the problem
   */
  public static VerifiedPolicy decode(Payload description, PolicyVerifier verifier)
      throws InvalidPolicyException {
    ByteString marker = description.getMetadataMap().get(METADATA_KEY);
    if (marker == null) {
      throw malformed("the description has no '" + METADATA_KEY + "' metadata");
    }
    if (!marker.toStringUtf8().equals(METADATA_VALUE)) {
      throw new InvalidPolicyException(
          InvalidPolicyException.Problem.UNSUPPORTED_VERSION,
          "the description's '"
              + METADATA_KEY
              + "' metadata is '"
              + UntrustedText.quote(marker.toStringUtf8())
              + "'; this version of nexus-security reads format "
              + METADATA_VALUE);
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
    if (description.getData().size() > MAX_PARSED_BYTES) {
      throw malformed(
          "the description has "
              + description.getData().size()
              + " bytes, more than a policy can have");
    }
    JsonNode outer = readObject(description.getData().toByteArray(), "the description");
    requireExactly(outer, OUTER_FIELDS, "the description");
    String policyText = text(outer, "policy", "the description");
    String signatureText = text(outer, "signature", "the description");
    byte[] signature = base64url(signatureText);
    byte[] signed = policyText.getBytes(StandardCharsets.UTF_8);
    verifier.verify(signature, signed);
    PolicyDocument document = parsePolicy(signed);
    return new VerifiedPolicy(document, PolicyVerifier.keyIdOf(signature));
  }

  /**
   * Decodes and verifies the policy of {@code server}, and checks that it names that endpoint and
   * its target.
   *
   * @throws InvalidPolicyException naming the problem
   */
  public static VerifiedPolicy verifyFor(Endpoint server, PolicyVerifier verifier)
      throws InvalidPolicyException {
    VerifiedPolicy verified = decode(server.getSpec().getDescription(), verifier);
    checkBinding(verified.getDocument(), server);
    return verified;
  }

  /**
   * Checks that {@code document} names {@code server}'s name and worker target.
   *
   * @throws InvalidPolicyException {@code NAME_MISMATCH} or {@code TARGET_MISMATCH}
   */
  public static void checkBinding(PolicyDocument document, Endpoint server)
      throws InvalidPolicyException {
    NexusEndpoint signed = document.getEndpoint();
    String serverName = server.getSpec().getName();
    if (!signed.getName().equals(serverName)) {
      throw new InvalidPolicyException(
          InvalidPolicyException.Problem.NAME_MISMATCH,
          "the policy was signed for endpoint '"
              + signed.getName()
              + "' but is stored on endpoint '"
              + serverName
              + "'");
    }
    String serverTarget = targetOf(server);
    String signedTarget = signed.getTargetNamespace() + "/" + signed.getTargetTaskQueue();
    if (!signedTarget.equals(serverTarget)) {
      throw new InvalidPolicyException(
          InvalidPolicyException.Problem.TARGET_MISMATCH,
          "the policy was signed for target "
              + signedTarget
              + " but the server endpoint targets "
              + UntrustedText.quote(serverTarget));
    }
  }

  /**
   * The server endpoint's target as {@code namespace/taskQueue}, or a description of another kind;
   * for comparisons (pass it through {@link #printable} before showing it).
   */
  public static String targetOf(Endpoint server) {
    EndpointTarget target = server.getSpec().getTarget();
    if (target.hasWorker()) {
      return target.getWorker().getNamespace() + "/" + target.getWorker().getTaskQueue();
    }
    if (target.hasExternal()) {
      return "external URL " + UntrustedText.quote(target.getExternal().getUrl());
    }
    return "(no target)";
  }

  private static PolicyDocument parsePolicy(byte[] signed) throws InvalidPolicyException {
    JsonNode policy = readObject(signed, "the signed policy");
    JsonNode type = policy.get("type");
    if (type == null || !type.isTextual() || !type.asText().equals(TYPE)) {
      throw malformed("the signed policy's 'type' is not '" + TYPE + "'");
    }
    JsonNode version = policy.get("version");
    if (version == null || !version.isInt()) {
      throw malformed("the signed policy has no integer 'version'");
    }
    if (version.asInt() != VERSION) {
      throw new InvalidPolicyException(
          InvalidPolicyException.Problem.UNSUPPORTED_VERSION,
          "the signed policy has version "
              + version.asInt()
              + "; this version of nexus-security reads version "
              + VERSION);
    }
    requireExactly(policy, POLICY_FIELDS, "the signed policy");
    JsonNode callers = policy.get("allowedCallerNamespaces");
    if (callers == null || !callers.isArray()) {
      throw malformed("the signed policy's 'allowedCallerNamespaces' is missing or not an array");
    }
    List<String> allowed = new ArrayList<>(callers.size());
    for (JsonNode ns : callers) {
      if (!ns.isTextual()) {
        throw malformed("the signed policy's 'allowedCallerNamespaces' holds a non-string");
      }
      allowed.add(ns.asText());
    }
    JsonNode registryVersion = policy.get("registryVersion");
    if (registryVersion == null
        || !registryVersion.isIntegralNumber()
        || !registryVersion.canConvertToLong()) {
      throw malformed("the signed policy's 'registryVersion' is missing or not an integer");
    }
    Instant issuedAt;
    try {
      issuedAt = Instant.parse(text(policy, "issuedAt", "the signed policy"));
    } catch (DateTimeParseException e) {
      throw malformed("the signed policy's 'issuedAt' is not an ISO-8601 instant");
    }
    NexusEndpoint endpoint;
    try {
      endpoint =
          NexusEndpoint.newBuilder()
              .setName(text(policy, "endpoint", "the signed policy"))
              .setTargetNamespace(text(policy, "targetNamespace", "the signed policy"))
              .setTargetTaskQueue(text(policy, "targetTaskQueue", "the signed policy"))
              .setAllowedCallerNamespaces(allowed)
              .setDescription(text(policy, "description", "the signed policy"))
              .setVersion(registryVersion.asLong())
              .build();
    } catch (EndpointValidationException e) {
      throw malformed("the signed policy holds an invalid endpoint: " + e.getMessage());
    }
    return new PolicyDocument(endpoint, issuedAt);
  }

  private static JsonNode readObject(byte[] bytes, String what) throws InvalidPolicyException {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw malformed(what + " is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw malformed(what + " is not a JSON object");
    }
    return node;
  }

  private static void requireExactly(JsonNode node, Set<String> fields, String what)
      throws InvalidPolicyException {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!fields.contains(name)) {
        throw malformed(what + " has an unknown field '" + UntrustedText.quote(name) + "'");
      }
    }
    for (String field : fields) {
      if (!node.has(field)) {
        throw malformed(what + " has no field '" + field + "'");
      }
    }
  }

  private static String text(JsonNode node, String field, String what)
      throws InvalidPolicyException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed(what + "'s '" + field + "' is missing or not a string");
    }
    return value.asText();
  }

  private static byte[] base64url(String text) throws InvalidPolicyException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok =
          (c >= 'A' && c <= 'Z')
              || (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      if (!ok) {
        throw malformed("the description's 'signature' is not unpadded base64url");
      }
    }
    byte[] bytes;
    try {
      bytes = B64D.decode(text);
    } catch (IllegalArgumentException e) {
      throw malformed("the description's 'signature' is not valid base64url");
    }
    if (bytes.length == 0) {
      throw malformed("the description's 'signature' is empty");
    }
    return bytes;
  }

  private static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize an endpoint policy", e);
    }
  }

  private static InvalidPolicyException malformed(String message) {
    return new InvalidPolicyException(InvalidPolicyException.Problem.MALFORMED, message);
  }

  /**
   * Server-controlled text made safe for messages and logs: at most 60 characters, control
   * characters replaced by {@code ?}.
   */
  /** {@code s} with control characters replaced by {@code ?}, for messages and logs. */
}
