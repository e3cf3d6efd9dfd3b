package dev.nexussecurity.it;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.crypto.tink.signature.SignatureConfig;
import com.google.crypto.tink.signature.SignatureConfig2026;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.server.EndpointReconciler;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import io.temporal.api.operatorservice.v1.DeleteNexusEndpointRequest;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import io.temporal.api.operatorservice.v1.UpdateNexusEndpointRequest;
import io.temporal.serviceclient.OperatorServiceStubs;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

/** What a server administrator does by hand through the OperatorService, and shared test values. */
final class ServerEndpointsSupport {
  /** The cluster name reconcilers and workers of these tests agree on. */
  static final String AUDIENCE = "embedded-test";

  /** The reserved endpoint that holds the registry manifest. */
  static final String MANIFEST = EndpointReconciler.DEFAULT_MANIFEST_ENDPOINT_NAME;

  private ServerEndpointsSupport() {}

  static KeysetHandle newSigningKeyset() {
    try {
      SignatureConfig.register();
      return KeysetHandle.generateNew(
          PredefinedSignatureParameters.ED25519, SignatureConfig2026.get());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeysetHandle publicHalf(KeysetHandle privateKeyset) {
    try {
      return privateKeyset.getPublicKeysetHandle();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static NexusEndpoint endpoint(
      String name, String namespace, String taskQueue, String... callers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(namespace)
        .setTargetTaskQueue(taskQueue)
        .setAllowedCallerNamespaces(List.of(callers))
        .setDescription("Endpoint " + name)
        .build();
  }

  /** Every endpoint on the server (one page is enough for these tests). */
  static List<Endpoint> all(OperatorServiceStubs stubs) {
    return new ArrayList<>(
        stubs
            .blockingStub()
            .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setPageSize(1000).build())
            .getEndpointsList());
  }

  static Endpoint byName(OperatorServiceStubs stubs, String name) {
    List<Endpoint> found =
        stubs
            .blockingStub()
            .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setName(name).build())
            .getEndpointsList();
    return found.isEmpty() ? null : found.get(0);
  }

  static void deleteAll(OperatorServiceStubs stubs) {
    for (Endpoint e : all(stubs)) {
      stubs
          .blockingStub()
          .deleteNexusEndpoint(
              DeleteNexusEndpointRequest.newBuilder()
                  .setId(e.getId())
                  .setVersion(e.getVersion())
                  .build());
    }
  }

  /** An administrator's edit of one endpoint's spec, at its current version. */
  static Endpoint edit(
      OperatorServiceStubs stubs, String name, UnaryOperator<EndpointSpec> change) {
    Endpoint e = byName(stubs, name);
    return stubs
        .blockingStub()
        .updateNexusEndpoint(
            UpdateNexusEndpointRequest.newBuilder()
                .setId(e.getId())
                .setVersion(e.getVersion())
                .setSpec(change.apply(e.getSpec()))
                .build())
        .getEndpoint();
  }

  /**
   * The spec with the JSON signed inside its description's envelope edited by {@code change}, the
   * signature kept: what someone who edits a description without the registry key can produce.
   */
  static EndpointSpec editSignedJson(EndpointSpec spec, UnaryOperator<String> change) {
    return editDescriptionText(
        spec,
        data -> {
          String[] parts = data.substring(1, data.length() - 1).split("\\.");
          String json = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
          String edited =
              Base64.getUrlEncoder()
                  .withoutPadding()
                  .encodeToString(change.apply(json).getBytes(StandardCharsets.UTF_8));
          return "\"" + parts[0] + "." + edited + "." + parts[2] + "\"";
        });
  }

  /** The JSON signed inside the endpoint's description (a policy or the manifest). */
  static String signedJson(Endpoint e) {
    String data = e.getSpec().getDescription().getData().toStringUtf8();
    String[] parts = data.substring(1, data.length() - 1).split("\\.");
    return new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
  }

  /** The spec with its description's data text edited by {@code change}; metadata kept. */
  static EndpointSpec editDescriptionText(EndpointSpec spec, UnaryOperator<String> change) {
    Payload d = spec.getDescription();
    return spec.toBuilder()
        .setDescription(
            d.toBuilder()
                .setData(ByteString.copyFromUtf8(change.apply(d.getData().toStringUtf8()))))
        .build();
  }

  static EndpointSpec retarget(EndpointSpec spec, String namespace, String taskQueue) {
    return spec.toBuilder()
        .setTarget(
            EndpointTarget.newBuilder()
                .setWorker(
                    EndpointTarget.Worker.newBuilder()
                        .setNamespace(namespace)
                        .setTaskQueue(taskQueue)))
        .build();
  }

  static String targetNamespace(Endpoint e) {
    return e.getSpec().getTarget().getWorker().getNamespace();
  }
}
