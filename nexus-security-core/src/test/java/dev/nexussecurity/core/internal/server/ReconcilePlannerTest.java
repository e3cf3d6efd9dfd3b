package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.server.ReconcileAction.Type;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconcilePlannerTest {
  static final Instant NOW = Instant.parse("2025-05-01T10:00:00Z");
  static final PolicySigner SIGNER = PolicySigner.fromPrivateKeyset(TestKeys.registry());
  static final PolicySigner OTHER = PolicySigner.fromPrivateKeyset(TestKeys.other());

  final ReconcilePlanner planner = new ReconcilePlanner(SIGNER, false, false);

  static NexusEndpoint endpoint(String name, long version, String... callers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace("handler-ns")
        .setTargetTaskQueue("handler-tq")
        .setAllowedCallerNamespaces(List.of(callers))
        .setDescription("about " + name)
        .setVersion(version)
        .build();
  }

  /**
   * A server endpoint carrying {@code policy} signed by {@code signer}, targeting the policy's
   * target.
   */
  static Endpoint managed(NexusEndpoint policy, PolicySigner signer, Instant issuedAt)
      throws Exception {
    Payload description = PolicyCodec.encode(new PolicyDocument(policy, issuedAt), signer);
    return Endpoint.newBuilder()
        .setId("id-" + policy.getName())
        .setVersion(4)
        .setSpec(PolicyCodec.specOf(policy, description))
        .build();
  }

  static Endpoint unmanaged(String name) {
    return Endpoint.newBuilder()
        .setId("id-" + name)
        .setVersion(2)
        .setSpec(
            EndpointSpec.newBuilder()
                .setName(name)
                .setTarget(
                    EndpointTarget.newBuilder()
                        .setWorker(
                            EndpointTarget.Worker.newBuilder()
                                .setNamespace("private-ns")
                                .setTaskQueue("private-tq")))
                .setDescription(
                    Payload.newBuilder()
                        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
                        .setData(ByteString.copyFromUtf8("\"a private endpoint\""))))
        .build();
  }

  static Endpoint withTarget(Endpoint e, String namespace, String taskQueue) {
    return e.toBuilder()
        .setSpec(
            e.getSpec().toBuilder()
                .setTarget(
                    EndpointTarget.newBuilder()
                        .setWorker(
                            EndpointTarget.Worker.newBuilder()
                                .setNamespace(namespace)
                                .setTaskQueue(taskQueue))))
        .build();
  }

  @Test
  void emptyServer_createsEveryRegistryEndpoint_withAVerifiablePolicy() throws Exception {
    List<PlannedStep> steps =
        planner.plan(List.of(endpoint("ep-b", 1, "x"), endpoint("ep-a", 2, "y")), List.of(), NOW);
    assertThat(steps).extracting(PlannedStep::getType).containsExactly(Type.CREATE, Type.CREATE);
    assertThat(steps).extracting(PlannedStep::getEndpointName).containsExactly("ep-a", "ep-b");
    PlannedStep a = steps.get(0);
    assertThat(a.getReason()).isEqualTo("not on the server");
    assertThat(a.getSpec().getTarget().getWorker().getNamespace()).isEqualTo("handler-ns");
    PolicyDocument written =
        PolicyCodec.decode(a.getSpec().getDescription(), SIGNER.getVerifier()).getDocument();
    assertThat(written.describes(endpoint("ep-a", 2, "y"))).isTrue();
    assertThat(written.getIssuedAt()).isEqualTo(NOW);
  }

  @Test
  void serverInStep_isUnchanged() throws Exception {
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    PlannedStep step = planner.planOne("ep-a", a, managed(a, SIGNER, NOW.minusSeconds(60)), NOW);
    assertThat(step.getType()).isEqualTo(Type.UNCHANGED);
    assertThat(step.getReason()).isEqualTo("in step (server version 4)");
    assertThat(step.getSpec()).isNull();
  }

  @Test
  void allowlistChangedInTheRegistry_isAnUpdate_namingBothAllowlists() throws Exception {
    Endpoint server = managed(endpoint("ep-a", 3, "x"), SIGNER, NOW);
    PlannedStep step = planner.planOne("ep-a", endpoint("ep-a", 4, "x", "y"), server, NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .contains("allowed callers: server policy has [x], registry has [x, y]")
        .contains("registry version: server policy has 3, registry has 4");
  }

  @Test
  void targetChangedOnTheServerByHand_isAnUpdateBackToTheRegistryTarget() throws Exception {
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    Endpoint server = withTarget(managed(a, SIGNER, NOW), "evil-ns", "evil-tq");
    PlannedStep step = planner.planOne("ep-a", a, server, NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .contains("target: server has evil-ns/evil-tq, registry has handler-ns/handler-tq")
        .contains("policy invalid: the policy was signed for target handler-ns/handler-tq");
    assertThat(step.getSpec().getTarget().getWorker().getNamespace()).isEqualTo("handler-ns");
  }

  @Test
  void descriptionEditedOnTheServer_isAnUpdate_sayingThePolicyIsInvalid() throws Exception {
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    Endpoint server = managed(a, SIGNER, NOW);
    Payload edited =
        server.getSpec().getDescription().toBuilder()
            .setData(
                ByteString.copyFromUtf8(
                    server
                        .getSpec()
                        .getDescription()
                        .getData()
                        .toStringUtf8()
                        .replace("[\\\"x\\\"]", "[\\\"x\\\",\\\"evil\\\"]")))
            .build();
    Endpoint tampered =
        server.toBuilder().setSpec(server.getSpec().toBuilder().setDescription(edited)).build();
    PlannedStep step = planner.planOne("ep-a", a, tampered, NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).startsWith("policy invalid: the policy's signature");
  }

  @Test
  void descriptionTextChanged_isAnUpdate() throws Exception {
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    PlannedStep step =
        planner.planOne(
            "ep-a",
            a.toBuilder().setDescription("new words").build(),
            managed(a, SIGNER, NOW),
            NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).isEqualTo("description text differs");
  }

  @Test
  void update_issuesAPolicyLaterThanTheOneOnTheServer_evenWithAClockBehind() throws Exception {
    Instant serverIssued = NOW.plusSeconds(3600);
    Endpoint server = managed(endpoint("ep-a", 3, "x"), SIGNER, serverIssued);
    PlannedStep step = planner.planOne("ep-a", endpoint("ep-a", 4, "y"), server, NOW);
    PolicyDocument written =
        PolicyCodec.decode(step.getSpec().getDescription(), SIGNER.getVerifier()).getDocument();
    assertThat(written.getIssuedAt()).isEqualTo(serverIssued.plusMillis(1));
  }

  @Test
  void policySignedByARetiredKey_isResigned_withThePrimary() throws Exception {
    KeysetHandle rotated =
        KeysetHandle.newBuilder(TestKeys.registry())
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    PolicySigner newSigner = PolicySigner.fromPrivateKeyset(rotated);
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    PlannedStep step =
        new ReconcilePlanner(newSigner, false, false)
            .planOne("ep-a", a, managed(a, SIGNER, NOW), NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .contains("signed with key id " + Integer.toUnsignedString(SIGNER.getPrimaryKeyId()))
        .contains("re-signing with the primary key id");
  }

  @Test
  void nameTakenByAnUnmanagedEndpoint_isAnError_andNeverTouched() {
    PlannedStep step = planner.planOne("ep-a", endpoint("ep-a", 1, "x"), unmanaged("ep-a"), NOW);
    assertThat(step.getType()).isEqualTo(Type.ERROR);
    assertThat(step.getReason())
        .contains("that nexus-security does not manage")
        .contains("setTakeOverUnmanagedEndpoints(true)");
    assertThat(step.getSpec()).isNull();
  }

  @Test
  void nameTakenByAnUnmanagedEndpoint_isTakenOver_whenAsked() {
    PlannedStep step =
        new ReconcilePlanner(SIGNER, false, true)
            .planOne("ep-a", endpoint("ep-a", 1, "x"), unmanaged("ep-a"), NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).contains("taking it over");
  }

  @Test
  void removedManagedEndpoint_isSkipped_unlessDeletionIsOn() throws Exception {
    Endpoint server = managed(endpoint("gone", 2, "x"), SIGNER, NOW);
    PlannedStep kept = planner.planOne("gone", null, server, NOW);
    assertThat(kept.getType()).isEqualTo(Type.SKIP);
    assertThat(kept.getReason()).contains("setDeleteRemovedEndpoints(true)");
    PlannedStep deleted =
        new ReconcilePlanner(SIGNER, true, false).planOne("gone", null, server, NOW);
    assertThat(deleted.getType()).isEqualTo(Type.DELETE);
    assertThat(deleted.getReason()).isEqualTo("not in the registry");
  }

  @Test
  void unmanagedEndpoint_isNeverDeleted_withDeletionOnAlone() {
    assertThat(
            new ReconcilePlanner(SIGNER, true, false)
                .planOne("ep-p", null, unmanaged("ep-p"), NOW)
                .getType())
        .isEqualTo(Type.SKIP);
    assertThat(
            new ReconcilePlanner(SIGNER, false, true)
                .planOne("ep-p", null, unmanaged("ep-p"), NOW)
                .getType())
        .isEqualTo(Type.SKIP);
    assertThat(
            new ReconcilePlanner(SIGNER, true, true)
                .planOne("ep-p", null, unmanaged("ep-p"), NOW)
                .getType())
        .isEqualTo(Type.DELETE);
  }

  @Test
  void removedEndpointOfAnotherRegistry_isLeftAlone_evenWithDeletionOn() throws Exception {
    Endpoint foreign = managed(endpoint("theirs", 1, "x"), OTHER, NOW);
    PlannedStep step =
        new ReconcilePlanner(SIGNER, true, false).planOne("theirs", null, foreign, NOW);
    assertThat(step.getType()).isEqualTo(Type.SKIP);
    assertThat(step.getReason()).contains("may belong to another registry");
  }

  @Test
  void policyTooLargeForTheServer_isAnError_namingTheSize() {
    NexusEndpoint big =
        endpoint("big", 1, "x").toBuilder().setDescription("d".repeat(19_990)).build();
    PlannedStep step = planner.planOne("big", big, null, NOW);
    assertThat(step.getType()).isEqualTo(Type.ERROR);
    assertThat(step.getReason())
        .contains("endpoint 'big' would be 20")
        .contains("at most 20000 bytes")
        .contains("19990 UTF-8 bytes");
  }

  @Test
  void plan_coversTheUnionOfNames_inNameOrder() throws Exception {
    NexusEndpoint same = endpoint("same", 1, "x");
    List<PlannedStep> steps =
        new ReconcilePlanner(SIGNER, true, false)
            .plan(
                List.of(endpoint("new", 1, "x"), same),
                List.of(
                    unmanaged("private"),
                    managed(same, SIGNER, NOW),
                    managed(endpoint("old", 1), SIGNER, NOW)),
                NOW);
    assertThat(steps)
        .extracting(PlannedStep::getEndpointName, PlannedStep::getType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("new", Type.CREATE),
            org.assertj.core.groups.Tuple.tuple("old", Type.DELETE),
            org.assertj.core.groups.Tuple.tuple("private", Type.SKIP),
            org.assertj.core.groups.Tuple.tuple("same", Type.UNCHANGED));
  }

  @Test
  void registryListingANameTwice_isRefused() {
    assertThatThrownBy(
            () -> planner.plan(List.of(endpoint("ep-a", 1), endpoint("ep-a", 2)), List.of(), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ep-a' twice");
  }

  @Test
  void nameInNeither_isUnchanged() {
    assertThat(planner.planOne("x", null, null, NOW).getType()).isEqualTo(Type.UNCHANGED);
  }
}
