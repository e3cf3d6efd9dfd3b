package dev.nexussecurity.core.internal.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.signature.PredefinedSignatureParameters;
import com.google.protobuf.ByteString;
import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.server.ReconcileAction.Type;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.nexus.v1.EndpointSpec;
import io.temporal.api.nexus.v1.EndpointTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ReconcilePlannerTest {
  static final Instant NOW = Instant.parse("2025-05-01T10:00:00Z");
  static final String AUDIENCE = "prod-eu";
  static final Duration SKEW = Duration.ofMinutes(1);
  static final String MANIFEST = "nexus-security-manifest";
  static final ReconcilePlanner.ManifestSettings SETTINGS =
      new ReconcilePlanner.ManifestSettings(
          MANIFEST, "temporal-system", MANIFEST, Duration.ofHours(24));
  static final PolicySigner SIGNER = PolicySigner.fromPrivateKeyset(TestKeys.registry());
  static final PolicySigner OTHER = PolicySigner.fromPrivateKeyset(TestKeys.other());

  final ReconcilePlanner planner = planner(false, false);

  static ReconcilePlanner planner(boolean deleteRemoved, boolean takeOverUnmanaged) {
    return planner(SIGNER, deleteRemoved, takeOverUnmanaged);
  }

  static ReconcilePlanner planner(
      PolicySigner signer, boolean deleteRemoved, boolean takeOverUnmanaged) {
    return new ReconcilePlanner(signer, AUDIENCE, SETTINGS, SKEW, deleteRemoved, takeOverUnmanaged);
  }

  static PolicyDocument decode(Payload description) throws Exception {
    return PolicyCodec.decode(description, SIGNER.getVerifier(), AUDIENCE).getDocument();
  }

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
    return managed(policy, signer, AUDIENCE, issuedAt);
  }

  static Endpoint managed(
      NexusEndpoint policy, PolicySigner signer, String audience, Instant issuedAt)
      throws Exception {
    Payload description =
        PolicyCodec.encode(new PolicyDocument(audience, policy, issuedAt), signer);
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
    assertThat(steps)
        .extracting(PlannedStep::getType)
        .containsExactly(Type.CREATE, Type.CREATE, Type.CREATE);
    assertThat(steps)
        .extracting(PlannedStep::getEndpointName)
        .containsExactly("ep-a", "ep-b", MANIFEST);
    PlannedStep a = steps.get(0);
    assertThat(a.getReason()).isEqualTo("not on the server");
    assertThat(a.getSpec().getTarget().getWorker().getNamespace()).isEqualTo("handler-ns");
    PolicyDocument written = decode(a.getSpec().getDescription());
    assertThat(written.getEndpoint()).isEqualTo(endpoint("ep-a", 2, "y"));
    assertThat(written.getAudience()).isEqualTo(AUDIENCE);
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
        TestKeys.editSignedJson(
            server.getSpec().getDescription(), j -> j.replace("[\"x\"]", "[\"x\",\"evil\"]"));
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
  void payloadProtectionChanged_atTheSameVersion_isAnUpdateNamingBoth() throws Exception {
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    PlannedStep step =
        planner.planOne(
            "ep-a",
            a.toBuilder()
                .setPayloadProtection(dev.nexussecurity.api.PayloadProtection.pairwise())
                .putServicePayloadProtection(
                    "refunds", dev.nexussecurity.api.PayloadProtection.hpke())
                .build(),
            managed(a, SIGNER, NOW),
            NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .isEqualTo(
            "payload protection: server policy has none, registry has pairwise {refunds=hpke}");
  }

  @Test
  void update_isIssuedNow_evenWhenThePolicyOnTheServerIsNewer() throws Exception {
    Endpoint server = managed(endpoint("ep-a", 3, "x"), SIGNER, NOW.plusSeconds(30));
    PlannedStep step = planner.planOne("ep-a", endpoint("ep-a", 4, "y"), server, NOW);
    assertThat(decode(step.getSpec().getDescription()).getIssuedAt()).isEqualTo(NOW);
  }

  @Test
  void policyIssuedBeyondTheClockSkew_isRewritten_evenWithTheSameContent() throws Exception {
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    Endpoint future = managed(a, SIGNER, NOW.plus(SKEW).plusMillis(1));
    Endpoint withinSkew = managed(a, SIGNER, NOW.plus(SKEW));

    PlannedStep step = planner.planOne("ep-a", a, future, NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .isEqualTo(
            "policy issued at 2025-05-01T10:01:00.001Z, after now plus the allowed clock skew,"
                + " so workers refuse it");
    assertThat(decode(step.getSpec().getDescription()).getIssuedAt()).isEqualTo(NOW);
    assertThat(planner.planOne("ep-a", a, withinSkew, NOW).getType()).isEqualTo(Type.UNCHANGED);
  }

  @Test
  void policyOfAnotherCluster_isRewrittenForThisOne() throws Exception {
    NexusEndpoint a = endpoint("ep-a", 3, "x");
    PlannedStep step = planner.planOne("ep-a", a, managed(a, SIGNER, "staging", NOW), NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .contains("policy invalid: the policy was signed for cluster 'staging'");
    assertThat(decode(step.getSpec().getDescription()).getAudience()).isEqualTo(AUDIENCE);
  }

  @Test
  void registryEndpointWithTheManifestsName_isAnError() {
    PlannedStep step = planner.planOne(MANIFEST, endpoint(MANIFEST, 1, "x"), null, NOW);

    assertThat(step.getType()).isEqualTo(Type.ERROR);
    assertThat(step.getReason()).startsWith("the name 'nexus-security-manifest' is reserved");
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
        planner(newSigner, false, false).planOne("ep-a", a, managed(a, SIGNER, NOW), NOW);
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
        planner(false, true).planOne("ep-a", endpoint("ep-a", 1, "x"), unmanaged("ep-a"), NOW);
    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).contains("taking it over");
  }

  @Test
  void removedManagedEndpoint_isSkipped_unlessDeletionIsOn() throws Exception {
    Endpoint server = managed(endpoint("gone", 2, "x"), SIGNER, NOW);
    PlannedStep kept = planner.planOne("gone", null, server, NOW);
    assertThat(kept.getType()).isEqualTo(Type.SKIP);
    assertThat(kept.getReason()).contains("setDeleteRemovedEndpoints(true)");
    PlannedStep deleted = planner(true, false).planOne("gone", null, server, NOW);
    assertThat(deleted.getType()).isEqualTo(Type.DELETE);
    assertThat(deleted.getReason()).isEqualTo("not in the registry");
  }

  @Test
  void unmanagedEndpoint_isNeverDeleted_withDeletionOnAlone() {
    assertThat(planner(true, false).planOne("ep-p", null, unmanaged("ep-p"), NOW).getType())
        .isEqualTo(Type.SKIP);
    assertThat(planner(false, true).planOne("ep-p", null, unmanaged("ep-p"), NOW).getType())
        .isEqualTo(Type.SKIP);
    assertThat(planner(true, true).planOne("ep-p", null, unmanaged("ep-p"), NOW).getType())
        .isEqualTo(Type.DELETE);
  }

  @Test
  void removedEndpointOfAnotherRegistry_isLeftAlone_evenWithDeletionOn() throws Exception {
    Endpoint foreign = managed(endpoint("theirs", 1, "x"), OTHER, NOW);
    PlannedStep step = planner(true, false).planOne("theirs", null, foreign, NOW);
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
        .containsPattern("endpoint 'big' would be 2\\d{4} bytes")
        .contains("at most 20000 bytes")
        .contains("19990 UTF-8 bytes");
  }

  @Test
  void plan_coversTheUnionOfNames_inNameOrder() throws Exception {
    NexusEndpoint same = endpoint("same", 1, "x");
    List<PlannedStep> steps =
        planner(true, false)
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
            org.assertj.core.groups.Tuple.tuple("same", Type.UNCHANGED),
            org.assertj.core.groups.Tuple.tuple(MANIFEST, Type.CREATE));
  }

  @Test
  void registryListingANameTwice_isRefused() {
    assertThatThrownBy(
            () -> planner.plan(List.of(endpoint("ep-a", 1), endpoint("ep-a", 2)), List.of(), NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ep-a' twice");
  }

  // ---------------------------------------------------------------- the manifest

  static Endpoint manifestEndpoint(RegistryManifest m, PolicySigner signer) throws Exception {
    return Endpoint.newBuilder()
        .setId("id-manifest")
        .setVersion(9)
        .setSpec(
            PolicyCodec.specOf(
                MANIFEST, "temporal-system", MANIFEST, ManifestCodec.encode(m, signer)))
        .build();
  }

  static RegistryManifest manifest(long epoch, Instant issuedAt, Map<String, String> listing) {
    return new RegistryManifest(
        AUDIENCE, epoch, issuedAt, issuedAt.plus(Duration.ofHours(24)), new TreeMap<>(listing));
  }

  static VerifiedManifest written(PlannedStep step) throws Exception {
    return ManifestCodec.decode(step.getSpec().getDescription(), SIGNER.getVerifier(), AUDIENCE);
  }

  @Test
  void manifest_onAnEmptyServer_isCreated_listingEveryPlannedPolicy() throws Exception {
    List<PlannedStep> steps =
        planner.plan(List.of(endpoint("ep-a", 1, "x"), endpoint("ep-b", 1, "y")), List.of(), NOW);

    PlannedStep m = steps.get(2);
    assertThat(m.isManifest()).isTrue();
    assertThat(m.getType()).isEqualTo(Type.CREATE);
    assertThat(m.getSpec().getTarget().getWorker().getNamespace()).isEqualTo("temporal-system");
    RegistryManifest written = written(m).manifest();
    assertThat(written.endpoints())
        .containsExactly(
            Map.entry("ep-a", PolicyCodec.digest(steps.get(0).getSpec().getDescription())),
            Map.entry("ep-b", PolicyCodec.digest(steps.get(1).getSpec().getDescription())));
    assertThat(written.epoch()).isEqualTo(NOW.toEpochMilli());
    assertThat(written.issuedAt()).isEqualTo(NOW);
    assertThat(written.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    assertThat(written.audience()).isEqualTo(AUDIENCE);
    assertThat(m.getReason())
        .isEqualTo(
            "no manifest on the server; epoch "
                + NOW.toEpochMilli()
                + ", 2 endpoints, expires at 2025-05-02T10:00:00Z");
  }

  @Test
  void manifest_inStepAndFresh_isUnchanged() throws Exception {
    Endpoint a = managed(endpoint("ep-a", 1, "x"), SIGNER, NOW.minusSeconds(600));
    RegistryManifest m =
        manifest(
            5,
            NOW.minusSeconds(600),
            Map.of("ep-a", PolicyCodec.digest(a.getSpec().getDescription())));

    List<PlannedStep> steps =
        planner.plan(
            List.of(endpoint("ep-a", 1, "x")), List.of(a, manifestEndpoint(m, SIGNER)), NOW);

    assertThat(steps)
        .extracting(PlannedStep::getType)
        .containsExactly(Type.UNCHANGED, Type.UNCHANGED);
    assertThat(steps.get(1).getReason()).startsWith("in step (epoch 5, 1 endpoints, expires at ");
  }

  @Test
  void manifest_listingAnEndpointTheRegistryNoLongerHas_isUpdated_withAHigherEpoch()
      throws Exception {
    Endpoint a = managed(endpoint("ep-a", 1, "x"), SIGNER, NOW.minusSeconds(600));
    String digest = PolicyCodec.digest(a.getSpec().getDescription());
    long aheadEpoch = NOW.plusSeconds(30).toEpochMilli(); // a reconciler whose clock was ahead
    RegistryManifest m = manifest(aheadEpoch, NOW.minusSeconds(600), Map.of("ep-a", digest));

    List<PlannedStep> steps = planner.plan(List.of(), List.of(a, manifestEndpoint(m, SIGNER)), NOW);

    assertThat(steps.get(0).getType()).isEqualTo(Type.SKIP);
    PlannedStep update = steps.get(1);
    assertThat(update.getType()).isEqualTo(Type.UPDATE);
    assertThat(update.getReason()).startsWith("no longer lists [ep-a]; epoch " + (aheadEpoch + 1));
    assertThat(written(update).manifest().endpoints()).isEmpty();
    assertThat(written(update).manifest().epoch()).isEqualTo(aheadEpoch + 1);
  }

  @Test
  void manifest_withLessThanHalfItsLifetimeLeft_isRenewed() throws Exception {
    RegistryManifest m = manifest(5, NOW.minus(Duration.ofHours(12)), Map.of());

    PlannedStep step = planner.planManifest(new TreeMap<>(), manifestEndpoint(m, SIGNER), NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .startsWith(
            "renewing: the manifest expires at 2025-05-01T22:00:00Z, less than half its lifetime"
                + " left");
    assertThat(written(step).manifest().expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    assertThat(
            planner
                .planManifest(
                    new TreeMap<>(),
                    manifestEndpoint(
                        manifest(5, NOW.minus(Duration.ofHours(12)).plusMillis(1), Map.of()),
                        SIGNER),
                    NOW)
                .getType())
        .isEqualTo(Type.UNCHANGED);
  }

  @Test
  void manifest_issuedBeyondTheClockSkew_isReplaced_andItsEpochIgnored() throws Exception {
    Instant future = NOW.plus(Duration.ofDays(365));
    RegistryManifest m = manifest(future.toEpochMilli(), future, Map.of());

    PlannedStep step = planner.planManifest(new TreeMap<>(), manifestEndpoint(m, SIGNER), NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).contains("issued after now plus the allowed clock skew");
    assertThat(written(step).manifest().epoch()).isEqualTo(NOW.toEpochMilli());
  }

  @Test
  void manifest_ofAnotherClusterOrKey_isReplaced() throws Exception {
    RegistryManifest staging =
        new RegistryManifest("staging", 5, NOW, NOW.plusSeconds(86_400), new TreeMap<>());

    PlannedStep step =
        planner.planManifest(new TreeMap<>(), manifestEndpoint(staging, SIGNER), NOW);
    PlannedStep foreign =
        planner.planManifest(
            new TreeMap<>(), manifestEndpoint(manifest(5, NOW, Map.of()), OTHER), NOW);

    assertThat(step.getReason())
        .startsWith("the manifest on the server is invalid (WRONG_AUDIENCE:");
    assertThat(foreign.getReason())
        .startsWith("the manifest on the server is invalid (UNKNOWN_KEY:");
    assertThat(written(step).manifest().audience()).isEqualTo(AUDIENCE);
  }

  @Test
  void manifestNameTakenByAnotherEndpoint_isAnError() throws Exception {
    Endpoint squatter =
        withTarget(unmanaged("x"), "private-ns", "private-tq").toBuilder()
            .setSpec(unmanaged(MANIFEST).getSpec())
            .build();

    PlannedStep step = planner.planManifest(new TreeMap<>(), squatter, NOW);

    assertThat(step.getType()).isEqualTo(Type.ERROR);
    assertThat(step.getReason()).contains("is not a registry manifest");
    assertThat(step.getSpec()).isNull();
  }

  @Test
  void manifest_listsNeitherErrorsNorSkippedEndpoints() throws Exception {
    NexusEndpoint big =
        endpoint("big", 1, "x").toBuilder().setDescription("d".repeat(19_990)).build();
    List<PlannedStep> steps =
        planner.plan(
            List.of(big, endpoint("ep-a", 1, "x")),
            List.of(unmanaged("private"), managed(endpoint("old", 1), SIGNER, NOW)),
            NOW);

    assertThat(ReconcilePlanner.listing(steps)).containsOnlyKeys("ep-a");
    assertThat(written(steps.get(steps.size() - 1)).manifest().endpoints())
        .containsOnlyKeys("ep-a");
  }

  @Test
  void nameInNeither_isUnchanged() {
    assertThat(planner.planOne("x", null, null, NOW).getType()).isEqualTo(Type.UNCHANGED);
  }

  // --- publishing a key directory ---

  static final NamespacePublicKeys ORDERS = KeyDirectoryCodecTest.ORDERS;
  static final NamespacePublicKeys PAYMENTS = KeyDirectoryCodecTest.PAYMENTS;

  static Map<String, NamespacePublicKeys> directory(NamespacePublicKeys... keys) {
    Map<String, NamespacePublicKeys> d = new TreeMap<>();
    for (NamespacePublicKeys k : keys) {
      d.put(k.getNamespace(), k);
    }
    return d;
  }

  @Test
  void keyDirectory_onAnEmptyServer_createsOneEntryPerNamespace_andTheManifestListsThem()
      throws Exception {
    List<PlannedStep> steps =
        planner.plan(
            List.of(endpoint("ep-a", 1, "x")), directory(PAYMENTS, ORDERS), List.of(), NOW);

    assertThat(steps)
        .extracting(PlannedStep::getEndpointName)
        .containsExactly(
            "ep-a",
            KeyDirectoryCodec.endpointName(MANIFEST, "orders-ns"),
            KeyDirectoryCodec.endpointName(MANIFEST, "payments-ns"),
            MANIFEST);
    PlannedStep orders = steps.get(1);
    assertThat(orders.getType()).isEqualTo(Type.CREATE);
    assertThat(orders.isKeyDirectoryEntry()).isTrue();
    assertThat(orders.getKeyNamespace()).isEqualTo("orders-ns");
    assertThat(orders.getSpec().getTarget().getWorker().getNamespace())
        .isEqualTo("temporal-system");
    VerifiedKeyDirectoryEntry written =
        KeyDirectoryCodec.decode(orders.getSpec().getDescription(), SIGNER.getVerifier(), AUDIENCE);
    assertThat(written.document().keys()).isEqualTo(ORDERS);
    RegistryManifest m = written(steps.get(3)).manifest();
    assertThat(m.keyDirectory())
        .containsExactly(
            Map.entry("orders-ns", KeyDirectoryCodec.digest(orders.getSpec().getDescription())),
            Map.entry(
                "payments-ns", KeyDirectoryCodec.digest(steps.get(2).getSpec().getDescription())));
    assertThat(steps.get(3).getReason()).contains("1 endpoints, 2 key directory namespaces");
  }

  /** The server after applying {@code steps}: every written spec, as server endpoints. */
  static List<Endpoint> applied(List<PlannedStep> steps) {
    List<Endpoint> server = new java.util.ArrayList<>();
    for (PlannedStep s : steps) {
      if (s.getSpec() != null) {
        server.add(
            Endpoint.newBuilder()
                .setId("id-" + s.getEndpointName())
                .setVersion(1)
                .setSpec(s.getSpec())
                .build());
      } else if (s.getServer() != null && s.getType() != Type.DELETE) {
        server.add(s.getServer());
      }
    }
    return server;
  }

  @Test
  void keyDirectory_inStep_isUnchanged_andAChangedNamespaceIsUpdated() throws Exception {
    List<PlannedStep> first = planner.plan(List.of(), directory(ORDERS, PAYMENTS), List.of(), NOW);
    List<Endpoint> server = applied(first);

    List<PlannedStep> again =
        planner.plan(List.of(), directory(ORDERS, PAYMENTS), server, NOW.plusSeconds(60));
    assertThat(again)
        .extracting(PlannedStep::getType)
        .containsExactly(Type.UNCHANGED, Type.UNCHANGED, Type.UNCHANGED);

    NamespacePublicKeys revoked = ORDERS.toBuilder().addRevokedKeyId(7).build();
    List<PlannedStep> revoking =
        planner.plan(List.of(), directory(revoked, PAYMENTS), server, NOW.plusSeconds(60));
    assertThat(revoking)
        .extracting(PlannedStep::getType)
        .containsExactly(Type.UPDATE, Type.UNCHANGED, Type.UPDATE);
    assertThat(revoking.get(0).getReason())
        .startsWith("keys: server has NamespacePublicKeys{orders-ns")
        .contains("revoked [7, 42]");
    assertThat(revoking.get(2).getReason()).contains("key directory: new entries of [orders-ns]");
  }

  @Test
  void keyDirectory_editedEntryOnTheServer_isRewritten() throws Exception {
    List<Endpoint> server = applied(planner.plan(List.of(), directory(ORDERS), List.of(), NOW));
    Endpoint entry = server.get(0);
    Endpoint edited =
        entry.toBuilder()
            .setSpec(
                entry.getSpec().toBuilder()
                    .setDescription(
                        TestKeys.editSignedJson(
                            entry.getSpec().getDescription(), j -> j.replace("42", "43"))))
            .build();

    PlannedStep step = planner.planEntry("orders-ns", ORDERS, edited, NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).startsWith("entry invalid: the key directory entry's signature");
  }

  @Test
  void keyDirectory_namespaceRemoved_isSkippedOrDeleted_andNoLongerListed() throws Exception {
    List<Endpoint> server =
        applied(planner.plan(List.of(), directory(ORDERS, PAYMENTS), List.of(), NOW));

    List<PlannedStep> kept = planner.plan(List.of(), directory(PAYMENTS), server, NOW);
    assertThat(kept)
        .extracting(PlannedStep::getType)
        .containsExactly(Type.UNCHANGED, Type.SKIP, Type.UPDATE);
    assertThat(kept.get(1).getKeyNamespace()).isEqualTo("orders-ns");
    assertThat(kept.get(1).getReason()).startsWith("not in the key directory; the manifest no");
    assertThat(kept.get(2).getReason()).contains("key directory: no longer lists [orders-ns]");
    assertThat(written(kept.get(2)).manifest().keyDirectory()).containsOnlyKeys("payments-ns");

    List<PlannedStep> deleted =
        planner(true, false).plan(List.of(), directory(PAYMENTS), server, NOW);
    assertThat(deleted.get(1).getType()).isEqualTo(Type.DELETE);
  }

  @Test
  void noKeyDirectory_leavesEntriesAlone_andTheManifestKeepsListingThoseUnchanged()
      throws Exception {
    List<PlannedStep> published =
        planner(true, true).plan(List.of(), directory(ORDERS, PAYMENTS), List.of(), NOW);
    List<Endpoint> server = new java.util.ArrayList<>(applied(published));
    // payments-ns' entry was changed on the server since: it is no longer carried over.
    Endpoint payments = server.get(1);
    server.set(
        1,
        payments.toBuilder()
            .setSpec(
                payments.getSpec().toBuilder()
                    .setDescription(
                        TestKeys.editSignedJson(
                            payments.getSpec().getDescription(), j -> j.replace("a", "b"))))
            .build());

    List<PlannedStep> steps =
        planner(true, true).plan(List.of(endpoint("ep-a", 1, "x")), server, NOW.plusSeconds(60));

    assertThat(steps)
        .extracting(PlannedStep::getType)
        .containsExactly(Type.CREATE, Type.SKIP, Type.SKIP, Type.UPDATE);
    assertThat(steps.get(1).getReason()).contains("publishes no key directory");
    assertThat(written(steps.get(3)).manifest().keyDirectory())
        .containsExactly(
            Map.entry(
                "orders-ns", KeyDirectoryCodec.digest(server.get(0).getSpec().getDescription())));
    assertThat(steps.get(3).getReason()).contains("key directory: no longer lists [payments-ns]");
  }

  @Test
  void noKeyDirectory_onAServerWithoutOne_listsNone() throws Exception {
    List<PlannedStep> steps = planner.plan(List.of(endpoint("ep-a", 1, "x")), List.of(), NOW);
    assertThat(written(steps.get(1)).manifest().keyDirectory()).isNull();
  }

  @Test
  void keyDirectory_entryNameTakenByAnotherEndpoint_isAnError() throws Exception {
    String name = KeyDirectoryCodec.endpointName(MANIFEST, "orders-ns");
    List<PlannedStep> steps =
        planner.plan(List.of(), directory(ORDERS), List.of(unmanaged(name)), NOW);

    PlannedStep entry =
        steps.stream().filter(PlannedStep::isKeyDirectoryEntry).findFirst().orElseThrow();
    assertThat(entry.getType()).isEqualTo(Type.ERROR);
    assertThat(entry.getReason()).contains("is not a key directory entry");
    assertThat(written(steps.get(steps.size() - 1)).manifest().keyDirectory()).isEmpty();
  }

  @Test
  void registryEndpoint_withTheEntriesReservedPrefix_isAnError() {
    PlannedStep step =
        planner.planOne(MANIFEST + "-keys-x", endpoint(MANIFEST + "-keys-x", 1, "x"), null, NOW);
    assertThat(step.getType()).isEqualTo(Type.ERROR);
    assertThat(step.getReason()).contains("reserved for the key directory's entries");
  }

  @Test
  void plan_ofAnEmptyRegistryAndServer_isOnlyTheManifest() throws Exception {
    List<PlannedStep> steps = planner.plan(List.of(), List.of(), NOW);

    assertThat(steps).hasSize(1);
    assertThat(steps.get(0).isManifest()).isTrue();
    assertThat(steps.get(0).getType()).isEqualTo(Type.CREATE);
    assertThat(steps.get(0).getManifestListing()).isEmpty();
    assertThat(written(steps.get(0)).manifest().endpoints()).isEmpty();
    assertThat(planner.getManifestEndpointName()).isEqualTo(MANIFEST);
  }

  @Test
  void manifestStep_carriesItsListing_andSaysWhatItIs() throws Exception {
    List<PlannedStep> steps = planner.plan(List.of(endpoint("ep-a", 1, "x")), List.of(), NOW);

    PlannedStep m = steps.get(1);
    assertThat(m.getManifestListing())
        .containsExactly(
            Map.entry("ep-a", PolicyCodec.digest(steps.get(0).getSpec().getDescription())));
    assertThat(steps.get(0).getManifestListing()).as("not the manifest").isNull();
    assertThat(m.toString()).startsWith("CREATE " + MANIFEST + ": no manifest on the server; ");
    assertThat(steps.get(0).toString()).startsWith("CREATE ep-a: ");
  }

  @Test
  void manifest_numberedExactlyAtNowPlusTheSkew_isStillCurrent_andTheNextEpochFollowsIt()
      throws Exception {
    long edge = NOW.plus(SKEW).toEpochMilli();
    RegistryManifest m = manifest(edge, NOW.minusSeconds(600), Map.of());
    Endpoint a = managed(endpoint("ep-a", 1, "x"), SIGNER, NOW);
    TreeMap<String, String> listing =
        new TreeMap<>(Map.of("ep-a", PolicyCodec.digest(a.getSpec().getDescription())));

    PlannedStep step = planner.planManifest(listing, manifestEndpoint(m, SIGNER), NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).startsWith("lists [ep-a]; epoch " + (edge + 1));
    assertThat(written(step).manifest().epoch()).isEqualTo(edge + 1);
  }

  @Test
  void manifest_listingAnOlderPolicyOfAnEndpoint_isUpdated_namingIt() throws Exception {
    RegistryManifest m =
        manifest(5, NOW.minusSeconds(600), Map.of("ep-a", "A".repeat(43), "ep-b", "B".repeat(43)));
    TreeMap<String, String> listing =
        new TreeMap<>(Map.of("ep-a", "C".repeat(43), "ep-b", "B".repeat(43)));

    PlannedStep step = planner.planManifest(listing, manifestEndpoint(m, SIGNER), NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason()).startsWith("new policies of [ep-a]; epoch ");
    assertThat(written(step).manifest().endpoints()).isEqualTo(listing);
  }

  @Test
  void manifestSignedByARetiredKey_isResigned_withThePrimary_onlyWhenNothingElseChanged()
      throws Exception {
    KeysetHandle rotated =
        KeysetHandle.newBuilder(TestKeys.registry())
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    PolicySigner newSigner = PolicySigner.fromPrivateKeyset(rotated);
    ReconcilePlanner rotatedPlanner = planner(newSigner, false, false);
    Endpoint old = manifestEndpoint(manifest(5, NOW.minusSeconds(600), Map.of()), SIGNER);

    PlannedStep step = rotatedPlanner.planManifest(new TreeMap<>(), old, NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .startsWith(
            "signed with key id "
                + Integer.toUnsignedString(SIGNER.getPrimaryKeyId())
                + ", re-signing with the primary key id "
                + Integer.toUnsignedString(newSigner.getPrimaryKeyId()));
    assertThat(
            ManifestCodec.decode(step.getSpec().getDescription(), newSigner.getVerifier(), AUDIENCE)
                .keyId())
        .isEqualTo(newSigner.getPrimaryKeyId());
    PlannedStep withChange =
        rotatedPlanner.planManifest(new TreeMap<>(Map.of("ep-a", "A".repeat(43))), old, NOW);
    assertThat(withChange.getReason()).startsWith("lists [ep-a]; ").doesNotContain("re-signing");
    assertThat(
            planner
                .planManifest(
                    new TreeMap<>(), manifestEndpoint(manifest(5, NOW, Map.of()), SIGNER), NOW)
                .getType())
        .as("signed by the primary already")
        .isEqualTo(Type.UNCHANGED);
  }

  @Test
  void manifestSignedByARawKey_isResigned_sayingItHadNoKeyId() throws Exception {
    KeysetHandle raw =
        KeysetHandle.generateNew(
            com.google.crypto.tink.signature.Ed25519Parameters.create(
                com.google.crypto.tink.signature.Ed25519Parameters.Variant.NO_PREFIX),
            com.google.crypto.tink.signature.SignatureConfig2026.get());
    KeysetHandle rotated =
        KeysetHandle.newBuilder(raw)
            .addEntry(
                KeysetHandle.generateEntryFromParameters(PredefinedSignatureParameters.ED25519)
                    .withRandomId()
                    .makePrimary())
            .build();
    PolicySigner newSigner = PolicySigner.fromPrivateKeyset(rotated);
    Endpoint old =
        manifestEndpoint(
            manifest(5, NOW.minusSeconds(600), Map.of()), PolicySigner.fromPrivateKeyset(raw));

    PlannedStep step = planner(newSigner, false, false).planManifest(new TreeMap<>(), old, NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .startsWith(
            "signed with key id (none), re-signing with the primary key id "
                + Integer.toUnsignedString(newSigner.getPrimaryKeyId()));
  }

  @Test
  void manifestRetargetedOnTheServer_isUpdatedBackToTheConfiguredTarget() throws Exception {
    Endpoint moved =
        withTarget(
            manifestEndpoint(manifest(5, NOW.minusSeconds(600), Map.of()), SIGNER),
            "evil-ns",
            "evil-tq");

    PlannedStep step = planner.planManifest(new TreeMap<>(), moved, NOW);

    assertThat(step.getType()).isEqualTo(Type.UPDATE);
    assertThat(step.getReason())
        .startsWith("target: server has evil-ns/evil-tq, configured temporal-system/" + MANIFEST);
    assertThat(step.getSpec().getTarget().getWorker().getNamespace()).isEqualTo("temporal-system");
    assertThat(
            planner
                .planManifest(new TreeMap<>(Map.of("ep-a", "A".repeat(43))), moved, NOW)
                .getReason())
        .as("another difference is named instead")
        .startsWith("lists [ep-a]; ")
        .doesNotContain("target:");
  }

  @Test
  void manifestTooLargeForTheServer_isAnError_andWritesNothing() throws Exception {
    TreeMap<String, String> many = new TreeMap<>();
    for (int i = 0; i < 400; i++) {
      many.put("endpoint-number-" + i, "A".repeat(43));
    }

    PlannedStep step = planner.planManifest(many, null, NOW);

    assertThat(step.getType()).isEqualTo(Type.ERROR);
    assertThat(step.getReason()).contains("it lists 400 endpoints").contains("at most 20000 bytes");
    assertThat(step.getSpec()).isNull();
    assertThat(step.getManifestListing()).isEqualTo(many);
  }

  @Test
  void removedEndpointWithAnUnverifiablePolicy_isDeleted_onlyWithDeletionAndTakeOver()
      throws Exception {
    Endpoint foreign = managed(endpoint("theirs", 1, "x"), OTHER, NOW);

    PlannedStep step = planner(true, true).planOne("theirs", null, foreign, NOW);

    assertThat(step.getType()).isEqualTo(Type.DELETE);
    assertThat(step.getReason())
        .startsWith(
            "not in the registry, and its policy does not verify under the registry key for this"
                + " cluster (");
    assertThat(step.getServer()).isEqualTo(foreign);
    assertThat(planner(false, true).planOne("theirs", null, foreign, NOW).getType())
        .isEqualTo(Type.SKIP);
  }
}
