package dev.nexussecurity.core.internal.server;

import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.AUDIENCE;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.MANIFEST;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.SKEW;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.endpoint;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.managed;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.manifestEndpoint;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.unmanaged;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.withTarget;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ServerSnapshotTest {
  static final Instant T1 = Instant.parse("2025-05-01T10:00:00Z");
  static final Instant T2 = T1.plusSeconds(60);
  static final Instant NOW = T2.plusSeconds(60);
  static final long FRESH_UNTIL = NOW.plusSeconds(300).toEpochMilli();
  static final long NOW_MS = NOW.toEpochMilli();
  static final PolicySigner SIGNER = ReconcilePlannerTest.SIGNER;
  static final PolicyVerifier VERIFIER = SIGNER.getVerifier();

  static Endpoint tampered(Endpoint e) {
    Payload edited =
        TestKeys.editSignedJson(
            e.getSpec().getDescription(),
            j -> j.replace("[\"orders-ns\"]", "[\"evil-ns\",\"orders-ns\"]"));
    return e.toBuilder().setSpec(e.getSpec().toBuilder().setDescription(edited)).build();
  }

  /** A verified manifest listing exactly {@code listed}, with their current policies. */
  static VerifiedManifest manifestOf(long epoch, Endpoint... listed) throws Exception {
    Map<String, String> listing = new TreeMap<>();
    for (Endpoint e : listed) {
      listing.put(e.getSpec().getName(), PolicyCodec.digest(e.getSpec().getDescription()));
    }
    return ManifestCodec.decode(
        ManifestCodec.encode(ReconcilePlannerTest.manifest(epoch, T1, listing), SIGNER),
        VERIFIER,
        AUDIENCE);
  }

  static ServerSnapshot build(
      List<Endpoint> server, VerifiedManifest manifest, ServerSnapshot previous) throws Exception {
    List<Endpoint> withManifest = new ArrayList<>(server);
    withManifest.add(
        manifestEndpoint(manifest.manifest(), SIGNER)); // the listing includes the manifest
    return ServerSnapshot.build(
        withManifest,
        manifest,
        new ServerSnapshot.Context(AUDIENCE, MANIFEST, VERIFIER, NOW, SKEW),
        FRESH_UNTIL,
        previous);
  }

  static ReasonCode reason(ServerSnapshot s, String endpoint, String caller) {
    return s.checkAccess(endpoint, caller, NOW_MS).getReason();
  }

  @Test
  void empty_isStale_andDeniesEverything() {
    ServerSnapshot s = ServerSnapshot.empty();
    assertThat(s.checkAccess("payments", "orders-ns", NOW_MS).getReason())
        .isEqualTo(ReasonCode.REGISTRY_STALE);
    assertThat(s.find("payments", NOW_MS)).isEmpty();
    assertThat(s.isStale(Long.MIN_VALUE)).isTrue();
    assertThat(s.getEndpoints()).isEmpty();
  }

  @Test
  void listedVerifiedEndpoint_admitsItsAllowlist_only() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    ServerSnapshot s = build(List.of(payments), manifestOf(1, payments), ServerSnapshot.empty());

    assertThat(s.checkAccess("payments", "orders-ns", NOW_MS).isAllowed()).isTrue();
    assertThat(reason(s, "payments", "billing-ns")).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(reason(s, "payments", null)).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(reason(s, null, "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.find("payments", NOW_MS)).contains(endpoint("payments", 3, "orders-ns"));
    assertThat(s.getEndpoints()).containsExactly(endpoint("payments", 3, "orders-ns"));
    assertThat(s.getInvalid()).isEmpty();
    assertThat(s.getWarnings()).isEmpty();
  }

  @Test
  void theSnapshot_isStaleFromItsFreshUntil_denyingEverything() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    ServerSnapshot s = build(List.of(payments), manifestOf(1, payments), ServerSnapshot.empty());

    assertThat(s.checkAccess("payments", "orders-ns", FRESH_UNTIL - 1).isAllowed()).isTrue();
    assertThat(s.checkAccess("payments", "orders-ns", FRESH_UNTIL).getReason())
        .isEqualTo(ReasonCode.REGISTRY_STALE);
    assertThat(s.checkAccess("unknown", "orders-ns", FRESH_UNTIL).getReason())
        .isEqualTo(ReasonCode.REGISTRY_STALE);
    assertThat(s.find("payments", FRESH_UNTIL)).isEmpty();
  }

  @Test
  void endpointNotInTheManifest_isUnknown_evenWithAValidPolicy() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    Endpoint removed = managed(endpoint("removed", 1, "orders-ns"), SIGNER, T1);
    ServerSnapshot s =
        build(List.of(payments, removed), manifestOf(2, payments), ServerSnapshot.empty());

    assertThat(reason(s, "removed", "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.find("removed", NOW_MS)).isEmpty();
    assertThat(s.getUnlisted()).containsExactly("removed");
    assertThat(s.getUnmanagedCount()).isZero();
  }

  @Test
  void listedButMissingOnTheServer_isUnknown_withAWarning() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    ServerSnapshot s = build(List.of(), manifestOf(1, payments), ServerSnapshot.empty());

    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.getWarnings().get("payments"))
        .startsWith("listed in the registry manifest but not");
  }

  @Test
  void tamperedEndpoint_deniesEveryone_withPolicyInvalid_andOthersAreUnaffected() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    Endpoint shipping = managed(endpoint("shipping", 1, "orders-ns"), SIGNER, T1);
    ServerSnapshot s =
        build(
            List.of(tampered(payments), shipping),
            manifestOf(1, payments, shipping),
            ServerSnapshot.empty());

    for (String caller : List.of("orders-ns", "evil-ns", "payments-ns")) {
      assertThat(reason(s, "payments", caller)).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    }
    assertThat(s.find("payments", NOW_MS)).isEmpty();
    assertThat(s.getInvalid()).containsOnlyKeys("payments");
    assertThat(s.getInvalid().get("payments")).startsWith("BAD_SIGNATURE: ");
    assertThat(s.checkAccess("shipping", "orders-ns", NOW_MS).isAllowed()).isTrue();
    assertThat(s.getEndpoints()).extracting(e -> e.getName()).containsExactly("shipping");
  }

  @Test
  void retargetedEndpoint_deniesEveryone() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    ServerSnapshot s =
        build(
            List.of(withTarget(payments, "evil-ns", "tq")),
            manifestOf(1, payments),
            ServerSnapshot.empty());

    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments")).startsWith("TARGET_MISMATCH: ");
  }

  @Test
  void policyOfAnotherCluster_deniesEveryone() throws Exception {
    Endpoint staging = managed(endpoint("payments", 3, "orders-ns"), SIGNER, "staging", T1);
    ServerSnapshot s = build(List.of(staging), manifestOf(1, staging), ServerSnapshot.empty());

    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments"))
        .startsWith("WRONG_AUDIENCE: the policy was signed for cluster 'staging'");
  }

  @Test
  void policyIssuedBeyondTheClockSkew_deniesEveryone() throws Exception {
    Endpoint future =
        managed(endpoint("payments", 3, "orders-ns"), SIGNER, NOW.plus(SKEW).plusMillis(1));
    ServerSnapshot s = build(List.of(future), manifestOf(1, future), ServerSnapshot.empty());

    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments")).startsWith("ISSUED_IN_FUTURE: ");
  }

  @Test
  void anotherValidlySignedPolicy_thanTheListedOne_isRefused() throws Exception {
    Endpoint old = managed(endpoint("payments", 3, "orders-ns", "billing-ns"), SIGNER, T1);
    Endpoint current = managed(endpoint("payments", 4, "orders-ns"), SIGNER, T2);
    ServerSnapshot s = build(List.of(old), manifestOf(2, current), ServerSnapshot.empty());

    assertThat(reason(s, "payments", "billing-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments"))
        .startsWith("NOT_IN_MANIFEST: the policy on the server (issued at " + T1 + ")")
        .contains("manifest of epoch 2");
  }

  @Test
  void whileAReconciliationWritesPoliciesAheadOfItsManifest_theListedPolicyStaysInUse()
      throws Exception {
    Endpoint current = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    Endpoint next = managed(endpoint("payments", 4, "billing-ns"), SIGNER, T2);
    VerifiedManifest m = manifestOf(1, current);
    ServerSnapshot first = build(List.of(current), m, ServerSnapshot.empty());

    ServerSnapshot during = build(List.of(next), m, first);

    assertThat(during.checkAccess("payments", "orders-ns", NOW_MS).isAllowed()).isTrue();
    assertThat(reason(during, "payments", "billing-ns")).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(during.getWarnings().get("payments"))
        .contains("still using the listed policy verified earlier");
    ServerSnapshot after = build(List.of(next), manifestOf(2, next), during);
    assertThat(after.checkAccess("payments", "billing-ns", NOW_MS).isAllowed()).isTrue();
    assertThat(reason(after, "payments", "orders-ns")).isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(after.getWarnings()).isEmpty();
  }

  @Test
  void theListedPolicyKeptFromBefore_isNotUsed_whenTheServerEndpointWasRetargeted()
      throws Exception {
    Endpoint current = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    Endpoint retargeted =
        managed(
            endpoint("payments", 4, "orders-ns").toBuilder().setTargetNamespace("evil-ns").build(),
            SIGNER,
            T2);
    VerifiedManifest m = manifestOf(1, current);
    ServerSnapshot first = build(List.of(current), m, ServerSnapshot.empty());

    ServerSnapshot s = build(List.of(retargeted), m, first);

    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments")).startsWith("NOT_IN_MANIFEST: ");
  }

  @Test
  void theListedPolicyKeptFromBefore_isNotUsed_whenTheServersPolicyIsForged() throws Exception {
    Endpoint current = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    VerifiedManifest m = manifestOf(1, current);
    ServerSnapshot first = build(List.of(current), m, ServerSnapshot.empty());

    ServerSnapshot s = build(List.of(tampered(current)), m, first);

    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments")).startsWith("BAD_SIGNATURE: ");
  }

  @Test
  void listedEndpointWithoutAPolicy_deniesEveryone() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    Endpoint replaced = payments.toBuilder().setSpec(unmanaged("payments").getSpec()).build();
    ServerSnapshot s = build(List.of(replaced), manifestOf(1, payments), ServerSnapshot.empty());

    assertThat(reason(s, "payments", "orders-ns")).isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments")).contains("holds no nexus-security policy");
    assertThat(s.getUnmanagedCount()).isZero();
  }

  @Test
  void unmanagedEndpoint_isUnknown_butCounted_andTheManifestEndpointIsNeither() throws Exception {
    ServerSnapshot s = build(List.of(unmanaged("private")), manifestOf(1), ServerSnapshot.empty());

    assertThat(reason(s, "private", "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(reason(s, MANIFEST, "orders-ns")).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.getUnmanagedCount()).isEqualTo(1);
    assertThat(s.getUnlisted()).isEmpty();
    assertThat(s.getInvalid()).isEmpty();
  }

  @Test
  void unchangedSpec_isTakenOverFromThePreviousSnapshot_withoutVerifyingAgain() throws Exception {
    Endpoint e = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    VerifiedManifest m = manifestOf(1, e);
    ServerSnapshot first = build(List.of(e), m, ServerSnapshot.empty());
    // A verifier that knows no key would reject the policy if it were verified again.
    PolicyVerifier wrong = PolicySigner.fromPrivateKeyset(TestKeys.other()).getVerifier();
    ServerSnapshot second =
        ServerSnapshot.build(
            List.of(e.toBuilder().build()),
            m,
            new ServerSnapshot.Context(AUDIENCE, MANIFEST, wrong, NOW, SKEW),
            FRESH_UNTIL,
            first);

    assertThat(second.find("payments", NOW_MS).get())
        .isSameAs(first.find("payments", NOW_MS).get());
  }

  @Test
  void checkAccess_allocatesNothing() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    Endpoint shipping = managed(endpoint("shipping", 3, "orders-ns"), SIGNER, T1);
    ServerSnapshot s =
        build(
            List.of(payments, tampered(shipping)),
            manifestOf(1, payments, shipping),
            ServerSnapshot.empty());
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] names = {"payments", "shipping", "unknown"};
    String[] callers = {"orders-ns", "evil-ns"};
    long[] times = {NOW_MS, FRESH_UNTIL};
    int sink = 0;
    for (int i = 0; i < 200_000; i++) { // warm up
      sink += s.checkAccess(names[i % 3], callers[i % 2], times[i % 2]).getReason().ordinal();
    }
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 100_000; i++) {
        sink += s.checkAccess(names[i % 3], callers[i % 2], times[i % 2]).getReason().ordinal();
      }
      // The least of five rounds: the JVM itself now and then allocates on this thread (a
      // compilation or deoptimization), which is not the code under test.
      allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
    }
    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by 100,000 checks").isLessThan(1024);
  }

  // --- the key directory the manifest publishes ---

  static final NamespacePublicKeys ORDERS = KeyDirectoryCodecTest.ORDERS;
  static final NamespacePublicKeys PAYMENTS = KeyDirectoryCodecTest.PAYMENTS;

  /** A verified manifest listing no endpoints and exactly the key directory {@code entries}. */
  static VerifiedManifest manifestWithKeys(long epoch, Map<String, Endpoint> entries)
      throws Exception {
    Map<String, String> keys = new TreeMap<>();
    entries.forEach(
        (ns, e) -> keys.put(ns, KeyDirectoryCodec.digest(e.getSpec().getDescription())));
    RegistryManifest m = ReconcilePlannerTest.manifest(epoch, T1, Map.of());
    return ManifestCodec.decode(
        ManifestCodec.encode(
            new RegistryManifest(
                m.audience(),
                m.epoch(),
                m.issuedAt(),
                m.expiresAt(),
                m.endpoints(),
                new TreeMap<>(keys)),
            SIGNER),
        VERIFIER,
        AUDIENCE);
  }

  static Endpoint entry(NamespacePublicKeys keys) throws Exception {
    return KeyDirectoryCodecTest.entry(keys);
  }

  @Test
  void listedEntries_giveTheirNamespacesKeys_andOtherNamespacesNone() throws Exception {
    Endpoint orders = entry(ORDERS);
    Endpoint payments = entry(PAYMENTS);
    ServerSnapshot s =
        build(
            List.of(orders, payments),
            manifestWithKeys(1, Map.of("orders-ns", orders, "payments-ns", payments)),
            ServerSnapshot.empty());

    assertThat(s.findKeys("orders-ns", NOW_MS)).contains(ORDERS);
    assertThat(s.findKeys("payments-ns", NOW_MS)).contains(PAYMENTS);
    assertThat(s.findKeys("evil-ns", NOW_MS)).isEmpty();
    assertThat(s.findKeys(null, NOW_MS)).isEmpty();
    assertThat(s.getKeyNamespaces()).containsExactly("orders-ns", "payments-ns");
    assertThat(s.getKeyProblems()).isEmpty();
    assertThat(s.getUnmanagedCount()).as("entry endpoints are not private endpoints").isZero();
    assertThat(reason(s, orders.getSpec().getName(), "orders-ns"))
        .as("an entry endpoint is no Nexus endpoint")
        .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.describeMissingKeys("evil-ns"))
        .isEqualTo(
            "the key directory published by the registry manifest of epoch 1 has no entry for"
                + " namespace 'evil-ns' (not in the reconciler's key directory, or removed from"
                + " it)");
  }

  @Test
  void staleSnapshot_findsNoKeys() throws Exception {
    Endpoint orders = entry(ORDERS);
    ServerSnapshot s =
        build(
            List.of(orders),
            manifestWithKeys(1, Map.of("orders-ns", orders)),
            ServerSnapshot.empty());

    assertThat(s.findKeys("orders-ns", FRESH_UNTIL - 1)).contains(ORDERS);
    assertThat(s.findKeys("orders-ns", FRESH_UNTIL)).isEmpty();
    assertThat(ServerSnapshot.empty().findKeys("orders-ns", Long.MIN_VALUE)).isEmpty();
  }

  @Test
  void manifestWithoutAKeyDirectory_stillVerifies_andPublishesNoKeys() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    Endpoint orders = entry(ORDERS);
    ServerSnapshot s =
        build(List.of(payments, orders), manifestOf(1, payments), ServerSnapshot.empty());

    assertThat(s.checkAccess("payments", "orders-ns", NOW_MS).isAllowed()).isTrue();
    assertThat(s.publishesKeyDirectory()).isFalse();
    assertThat(s.findKeys("orders-ns", NOW_MS)).isEmpty();
    assertThat(s.describeMissingKeys("orders-ns"))
        .contains("publishes no key directory")
        .contains("setKeyDirectory");
  }

  @Test
  void entryEditedOnTheServer_attackersKeyAdded_givesNoKeys_toAWorkerWithoutAnEarlierEntry()
      throws Exception {
    Endpoint orders = entry(ORDERS);
    String attackerKeys =
        TestKeys.signedJson(entry(PAYMENTS).getSpec().getDescription())
            .replaceAll("^.*\"agreementKeys\":(\\{.*?\\]\\}).*$", "$1");
    Endpoint edited =
        orders.toBuilder()
            .setSpec(
                orders.getSpec().toBuilder()
                    .setDescription(
                        TestKeys.editSignedJson(
                            orders.getSpec().getDescription(),
                            j ->
                                j.replaceFirst(
                                    "\"agreementKeys\":\\{.*?\\]\\}",
                                    "\"agreementKeys\":" + attackerKeys))))
            .build();
    VerifiedManifest m = manifestWithKeys(1, Map.of("orders-ns", orders));

    ServerSnapshot fresh = build(List.of(edited), m, ServerSnapshot.empty());
    assertThat(fresh.findKeys("orders-ns", NOW_MS)).isEmpty();
    assertThat(fresh.getKeyProblems().get("orders-ns")).startsWith("BAD_SIGNATURE: ");
    assertThat(fresh.describeMissingKeys("orders-ns"))
        .startsWith(
            "the key directory entry of namespace 'orders-ns' on the Temporal server is refused,"
                + " so the namespace has no keys: BAD_SIGNATURE: ");

    // A worker that verified the listed entry before keeps exactly that entry, never the edit.
    ServerSnapshot first = build(List.of(orders), m, ServerSnapshot.empty());
    ServerSnapshot kept = build(List.of(edited), m, first);
    assertThat(kept.findKeys("orders-ns", NOW_MS)).contains(ORDERS);
    assertThat(kept.getKeyProblems().get("orders-ns"))
        .startsWith("BAD_SIGNATURE: ")
        .endsWith("still using the entry the manifest lists, which this worker verified earlier");
  }

  @Test
  void olderEntryPutBack_afterARevocation_isRefused_andNeverReplacesTheListedOne()
      throws Exception {
    Endpoint before = entry(ORDERS.toBuilder().build());
    NamespacePublicKeys revoked =
        NamespaceKeys.generate("orders-ns", false).toPublicKeys().toBuilder()
            .addRevokedKeyId(ORDERS.getPrimaryAgreementKeyId().get())
            .build();
    Endpoint after = entry(revoked);
    VerifiedManifest current = manifestWithKeys(2, Map.of("orders-ns", after));

    ServerSnapshot fresh = build(List.of(before), current, ServerSnapshot.empty());
    assertThat(fresh.findKeys("orders-ns", NOW_MS)).isEmpty();
    assertThat(fresh.getKeyProblems().get("orders-ns"))
        .startsWith("NOT_IN_MANIFEST: the key directory entry on the server")
        .contains("manifest of epoch 2");

    ServerSnapshot running = build(List.of(after), current, ServerSnapshot.empty());
    ServerSnapshot putBack = build(List.of(before), current, running);
    assertThat(putBack.findKeys("orders-ns", NOW_MS)).contains(revoked);
    assertThat(
            putBack
                .findKeys("orders-ns", NOW_MS)
                .get()
                .isRevoked(ORDERS.getPrimaryAgreementKeyId().get()))
        .isTrue();
  }

  @Test
  void entryMovedIntoAnotherNamespacesEndpoint_givesThatNamespaceNoKeys() throws Exception {
    Endpoint orders = entry(ORDERS);
    Endpoint payments = entry(PAYMENTS);
    Endpoint moved = KeyDirectoryCodecTest.withDescriptionOf(payments, orders);
    ServerSnapshot s =
        build(
            List.of(orders, moved),
            manifestWithKeys(1, Map.of("orders-ns", orders, "payments-ns", payments)),
            ServerSnapshot.empty());

    assertThat(s.findKeys("payments-ns", NOW_MS)).isEmpty();
    assertThat(s.getKeyProblems().get("payments-ns"))
        .startsWith("NAME_MISMATCH: the key directory entry was signed for namespace 'orders-ns'");
    assertThat(s.findKeys("orders-ns", NOW_MS)).contains(ORDERS);
  }

  @Test
  void entryOfAnotherCluster_givesNoKeys() throws Exception {
    Endpoint staging = KeyDirectoryCodecTest.entry(ORDERS, SIGNER, "staging");
    ServerSnapshot s =
        build(
            List.of(staging),
            manifestWithKeys(1, Map.of("orders-ns", staging)),
            ServerSnapshot.empty());

    assertThat(s.findKeys("orders-ns", NOW_MS)).isEmpty();
    assertThat(s.getKeyProblems().get("orders-ns")).startsWith("WRONG_AUDIENCE: ");
  }

  @Test
  void strippedEntry_givesNoKeys_evenToAWorkerThatHadThem() throws Exception {
    Endpoint orders = entry(ORDERS);
    VerifiedManifest m = manifestWithKeys(1, Map.of("orders-ns", orders));
    ServerSnapshot first = build(List.of(orders), m, ServerSnapshot.empty());

    ServerSnapshot stripped = build(List.of(), m, first);

    assertThat(stripped.findKeys("orders-ns", NOW_MS)).isEmpty();
    assertThat(stripped.describeMissingKeys("orders-ns"))
        .contains("lists the namespace's key directory entry, but its endpoint")
        .contains("is not on the server");
  }

  @Test
  void deletedNamespacesEntryResurrected_givesNoKeys() throws Exception {
    Endpoint orders = entry(ORDERS);
    Endpoint payments = entry(PAYMENTS);
    ServerSnapshot s =
        build(
            List.of(orders, payments),
            manifestWithKeys(3, Map.of("payments-ns", payments)),
            ServerSnapshot.empty());

    assertThat(s.findKeys("orders-ns", NOW_MS)).isEmpty();
    assertThat(s.getKeyNamespaces()).containsExactly("payments-ns");
    assertThat(s.describeMissingKeys("orders-ns")).contains("has no entry for namespace");
  }

  @Test
  void malformedEntry_isRefusedWithAClearProblem_andOthersAreUnaffected() throws Exception {
    Endpoint orders = entry(ORDERS);
    Endpoint payments = entry(PAYMENTS);
    Endpoint garbage =
        orders.toBuilder()
            .setSpec(
                orders.getSpec().toBuilder()
                    .setDescription(
                        orders.getSpec().getDescription().toBuilder()
                            .setData(com.google.protobuf.ByteString.copyFromUtf8("{oops"))))
            .build();
    VerifiedManifest m = manifestWithKeys(1, Map.of("orders-ns", orders, "payments-ns", payments));

    ServerSnapshot s = build(List.of(garbage, payments), m, ServerSnapshot.empty());
    assertThat(s.findKeys("orders-ns", NOW_MS)).isEmpty();
    assertThat(s.getKeyProblems().get("orders-ns")).startsWith("MALFORMED: ");
    assertThat(s.findKeys("payments-ns", NOW_MS)).contains(PAYMENTS);

    ServerSnapshot first = build(List.of(orders, payments), m, ServerSnapshot.empty());
    ServerSnapshot kept = build(List.of(garbage, payments), m, first);
    assertThat(kept.findKeys("orders-ns", NOW_MS)).contains(ORDERS);
  }

  @Test
  void whileAReconciliationWritesEntriesAheadOfItsManifest_theListedEntryStaysInUse()
      throws Exception {
    Endpoint current = entry(ORDERS);
    NamespacePublicKeys rotated = NamespaceKeys.generate("orders-ns", false).toPublicKeys();
    Endpoint next = entry(rotated);
    VerifiedManifest m = manifestWithKeys(1, Map.of("orders-ns", current));
    ServerSnapshot first = build(List.of(current), m, ServerSnapshot.empty());

    ServerSnapshot during = build(List.of(next), m, first);
    assertThat(during.findKeys("orders-ns", NOW_MS)).contains(ORDERS);

    ServerSnapshot after =
        build(List.of(next), manifestWithKeys(2, Map.of("orders-ns", next)), during);
    assertThat(after.findKeys("orders-ns", NOW_MS)).contains(rotated);
    assertThat(after.getKeyProblems()).isEmpty();
  }

  @Test
  void findKeys_allocatesNothing() throws Exception {
    Endpoint orders = entry(ORDERS);
    Endpoint payments = entry(PAYMENTS);
    ServerSnapshot s =
        build(
            List.of(orders, payments),
            manifestWithKeys(1, Map.of("orders-ns", orders, "payments-ns", payments)),
            ServerSnapshot.empty());
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] namespaces = {"orders-ns", "payments-ns", "evil-ns"};
    long[] times = {NOW_MS, FRESH_UNTIL};
    int sink = 0;
    for (int i = 0; i < 200_000; i++) { // warm up
      sink += s.findKeys(namespaces[i % 3], times[i % 2]).isPresent() ? 1 : 0;
    }
    long allocated = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < 100_000; i++) {
        sink += s.findKeys(namespaces[i % 3], times[i % 2]).isPresent() ? 1 : 0;
      }
      allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
    }
    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by 100,000 lookups").isLessThan(1024);
  }

  @Test
  void isStale_fromFreshUntilOn_andTheSnapshotKeepsItsManifest() throws Exception {
    Endpoint payments = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    VerifiedManifest manifest = manifestOf(1, payments);
    ServerSnapshot s = build(List.of(payments), manifest, ServerSnapshot.empty());

    assertThat(s.isStale(FRESH_UNTIL - 1)).isFalse();
    assertThat(s.isStale(NOW_MS)).isFalse();
    assertThat(s.isStale(FRESH_UNTIL)).isTrue();
    assertThat(s.getFreshUntilMillis()).isEqualTo(FRESH_UNTIL);
    assertThat(s.getManifest()).contains(manifest);
    assertThat(ServerSnapshot.empty().getManifest()).isEmpty();
  }

  @Test
  void endpoints_areSortedByName_whateverTheServersOrder() throws Exception {
    List<Endpoint> server = new ArrayList<>();
    for (String name :
        List.of("zeta", "alpha", "mu", "beta", "omega", "kappa", "delta", "iota", "psi", "eta")) {
      server.add(managed(endpoint(name, 1, "orders-ns"), SIGNER, T1));
    }
    ServerSnapshot s =
        build(server, manifestOf(1, server.toArray(new Endpoint[0])), ServerSnapshot.empty());

    assertThat(s.getEndpoints())
        .extracting(e -> e.getName())
        .containsExactly(
            "alpha", "beta", "delta", "eta", "iota", "kappa", "mu", "omega", "psi", "zeta");
  }
}
