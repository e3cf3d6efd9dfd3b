package dev.nexussecurity.core.internal.server;

import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.endpoint;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.managed;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.unmanaged;
import static dev.nexussecurity.core.internal.server.ReconcilePlannerTest.withTarget;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.ReasonCode;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.nexus.v1.Endpoint;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrySnapshotTest {
  static final Instant T1 = Instant.parse("2025-05-01T10:00:00Z");
  static final Instant T2 = T1.plusSeconds(60);
  static final PolicySigner SIGNER = ReconcilePlannerTest.SIGNER;
  static final PolicyVerifier VERIFIER = SIGNER.getVerifier();

  static Endpoint tampered(Endpoint e) {
    Payload d = e.getSpec().getDescription();
    Payload edited =
        d.toBuilder()
            .setData(
                ByteString.copyFromUtf8(
                    d.getData()
                        .toStringUtf8()
                        .replace("[\\\"orders-ns\\\"]", "[\\\"evil-ns\\\",\\\"orders-ns\\\"]")))
            .build();
    return e.toBuilder().setSpec(e.getSpec().toBuilder().setDescription(edited)).build();
  }

  @Test
  void empty_deniesEverything_asUnknown() {
    RegistrySnapshot s = RegistrySnapshot.empty();
    assertThat(s.checkAccess("payments", "orders-ns").getReason())
        .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.getEndpoints()).isEmpty();
  }

  @Test
  void verifiedEndpoint_admitsItsAllowlist_only() throws Exception {
    RegistrySnapshot s =
        RegistrySnapshot.build(
            List.of(managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1)),
            VERIFIER,
            RegistrySnapshot.empty());
    assertThat(s.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
    assertThat(s.checkAccess("payments", "billing-ns").getReason())
        .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(s.checkAccess("payments", null).getReason())
        .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    assertThat(s.checkAccess(null, "orders-ns").getReason()).isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.find("payments")).contains(endpoint("payments", 3, "orders-ns"));
    assertThat(s.getEndpoints()).containsExactly(endpoint("payments", 3, "orders-ns"));
    assertThat(s.getInvalid()).isEmpty();
  }

  @Test
  void tamperedEndpoint_deniesEveryone_withPolicyInvalid_andOthersAreUnaffected() throws Exception {
    RegistrySnapshot s =
        RegistrySnapshot.build(
            List.of(
                tampered(managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1)),
                managed(endpoint("shipping", 1, "orders-ns"), SIGNER, T1)),
            VERIFIER,
            RegistrySnapshot.empty());
    for (String caller : List.of("orders-ns", "evil-ns", "payments-ns")) {
      assertThat(s.checkAccess("payments", caller).getReason())
          .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    }
    assertThat(s.find("payments")).isEmpty();
    assertThat(s.getInvalid()).containsOnlyKeys("payments");
    assertThat(s.getInvalid().get("payments")).startsWith("BAD_SIGNATURE: ");
    assertThat(s.checkAccess("shipping", "orders-ns").isAllowed()).isTrue();
    assertThat(s.getEndpoints()).extracting(e -> e.getName()).containsExactly("shipping");
  }

  @Test
  void retargetedEndpoint_deniesEveryone() throws Exception {
    RegistrySnapshot s =
        RegistrySnapshot.build(
            List.of(
                withTarget(
                    managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1), "evil-ns", "tq")),
            VERIFIER,
            RegistrySnapshot.empty());
    assertThat(s.checkAccess("payments", "orders-ns").getReason())
        .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(s.getInvalid().get("payments")).startsWith("TARGET_MISMATCH: ");
  }

  @Test
  void unmanagedEndpoint_isUnknown_butCounted() {
    RegistrySnapshot s =
        RegistrySnapshot.build(List.of(unmanaged("private")), VERIFIER, RegistrySnapshot.empty());
    assertThat(s.checkAccess("private", "orders-ns").getReason())
        .isEqualTo(ReasonCode.UNKNOWN_ENDPOINT);
    assertThat(s.find("private")).isEmpty();
    assertThat(s.getUnmanagedCount()).isEqualTo(1);
    assertThat(s.getInvalid()).isEmpty();
  }

  @Test
  void olderPolicyPutBack_isRolledBack_evenAfterTheEndpointVanishedInBetween() throws Exception {
    Endpoint old = managed(endpoint("payments", 3, "orders-ns", "billing-ns"), SIGNER, T1);
    Endpoint current = managed(endpoint("payments", 4, "orders-ns"), SIGNER, T2);
    RegistrySnapshot first =
        RegistrySnapshot.build(List.of(old), VERIFIER, RegistrySnapshot.empty());
    RegistrySnapshot second = RegistrySnapshot.build(List.of(current), VERIFIER, first);
    assertThat(second.checkAccess("payments", "billing-ns").getReason())
        .isEqualTo(ReasonCode.CALLER_NOT_ALLOWED);
    RegistrySnapshot gone = RegistrySnapshot.build(List.of(), VERIFIER, second);
    RegistrySnapshot putBack = RegistrySnapshot.build(List.of(old), VERIFIER, gone);
    assertThat(putBack.checkAccess("payments", "billing-ns").getReason())
        .isEqualTo(ReasonCode.ENDPOINT_POLICY_INVALID);
    assertThat(putBack.getInvalid().get("payments"))
        .startsWith("ROLLED_BACK: ")
        .contains("issued at " + T1)
        .contains(T2.toString());
    RegistrySnapshot fixed = RegistrySnapshot.build(List.of(current), VERIFIER, putBack);
    assertThat(fixed.checkAccess("payments", "orders-ns").isAllowed()).isTrue();
  }

  @Test
  void newerPolicy_isAccepted() throws Exception {
    RegistrySnapshot first =
        RegistrySnapshot.build(
            List.of(managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1)),
            VERIFIER,
            RegistrySnapshot.empty());
    RegistrySnapshot second =
        RegistrySnapshot.build(
            List.of(managed(endpoint("payments", 4, "billing-ns"), SIGNER, T2)), VERIFIER, first);
    assertThat(second.checkAccess("payments", "billing-ns").isAllowed()).isTrue();
    assertThat(second.checkAccess("payments", "orders-ns").isAllowed()).isFalse();
  }

  @Test
  void unchangedSpec_isTakenOverFromThePreviousSnapshot_withoutVerifyingAgain() throws Exception {
    Endpoint e = managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1);
    RegistrySnapshot first = RegistrySnapshot.build(List.of(e), VERIFIER, RegistrySnapshot.empty());
    // A verifier that knows no key would reject the policy if it were verified again.
    PolicyVerifier wrong = PolicySigner.fromPrivateKeyset(TestKeys.other()).getVerifier();
    RegistrySnapshot second = RegistrySnapshot.build(List.of(e.toBuilder().build()), wrong, first);
    assertThat(second.find("payments").get()).isSameAs(first.find("payments").get());
  }

  @Test
  void checkAccess_allocatesNothing() throws Exception {
    RegistrySnapshot s =
        RegistrySnapshot.build(
            List.of(
                managed(endpoint("payments", 3, "orders-ns"), SIGNER, T1),
                tampered(managed(endpoint("shipping", 3, "orders-ns"), SIGNER, T1))),
            VERIFIER,
            RegistrySnapshot.empty());
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] names = {"payments", "shipping", "unknown"};
    String[] callers = {"orders-ns", "evil-ns"};
    int sink = 0;
    for (int i = 0; i < 200_000; i++) { // warm up
      sink += s.checkAccess(names[i % 3], callers[i % 2]).getReason().ordinal();
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      sink += s.checkAccess(names[i % 3], callers[i % 2]).getReason().ordinal();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by 100,000 checks").isLessThan(1024);
  }
}
