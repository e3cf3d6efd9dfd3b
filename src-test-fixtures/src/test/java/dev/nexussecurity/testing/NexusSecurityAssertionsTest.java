package dev.nexussecurity.testing;

import static dev.nexussecurity.testing.NexusSecurityAssertions.assertAllPayloadsEncrypted;
import static dev.nexussecurity.testing.NexusSecurityAssertions.assertCompatible;
import static dev.nexussecurity.testing.NexusSecurityAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.AccessDecisionEvent.Side;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.testing.support.GreetingWorkflow;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.worker.WorkerFactory;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

/**
 * The assertions on hand-made failures and converters; {@link NexusSecurityExtensionTest} uses them
 * on real denials and histories.
 */
class NexusSecurityAssertionsTest {

  @Test
  void assertDenied_matchingReasonAndSide_passes() {
    Throwable failure = wrapped(denial(ReasonCode.CALLER_NOT_ALLOWED, Side.HANDLER));

    assertThatCode(() -> assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED))
        .doesNotThrowAnyException();
    assertThatCode(() -> assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.HANDLER))
        .doesNotThrowAnyException();
  }

  @Test
  void assertDenied_otherReason_failsNamingBoth() {
    Throwable failure = wrapped(denial(ReasonCode.BAD_SIGNATURE, Side.HANDLER));

    assertThatThrownBy(() -> assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessage(
            "expected a nexus-security denial with reason CALLER_NOT_ALLOWED, but it was denied with"
                + " BAD_SIGNATURE. Failure chain: RuntimeException <- ApplicationFailure (see the cause"
                + " of this error)")
        .hasCause(failure);
  }

  @Test
  void assertDenied_otherSide_failsNamingTheActualSide() {
    Throwable failure = wrapped(denial(ReasonCode.CALLER_NOT_ALLOWED, Side.CALLER));

    assertThatThrownBy(() -> assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED, Side.HANDLER))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessage(
            "expected the denial with reason CALLER_NOT_ALLOWED to be made on the handler side, but no"
                + " denial message says (handler side); it was made on the caller side");
  }

  @Test
  void assertDenied_timeout_failsEvenIfAnAttemptWasDenied() {
    ApplicationFailure denial = denial(ReasonCode.CODEC_MISSING, Side.HANDLER);
    Throwable failure =
        wrapped(
            ApplicationFailure.newNonRetryableFailureWithCause(
                denial.getOriginalMessage(),
                denial.getType(),
                new TimeoutFailure(
                    "operation timed out", null, TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)));

    assertThatThrownBy(() -> assertDenied(failure, ReasonCode.CODEC_MISSING))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageStartingWith(
            "expected a nexus-security denial with reason CODEC_MISSING, but the call timed out (an"
                + " attempt was denied with CODEC_MISSING): a denial must fail the call at once.");
  }

  @Test
  void assertDenied_otherFailure_failsSayingItIsNoDenial() {
    Throwable failure = wrapped(ApplicationFailure.newFailure("card declined", "Declined"));

    assertThatThrownBy(() -> assertDenied(failure, ReasonCode.CALLER_NOT_ALLOWED))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("but the failure is not a nexus-security denial")
        .hasMessageNotContaining("card declined");
    assertThatThrownBy(() -> assertDenied(null, ReasonCode.CALLER_NOT_ALLOWED))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessage(
            "expected a nexus-security denial with reason CALLER_NOT_ALLOWED, but there was no failure");
  }

  @Test
  void assertCompatible_sameConverter_returnsTheReport_mismatch_failsWithIt() {
    assertThat(
            assertCompatible(TestConverters.withoutCodec(), TestConverters.withoutCodec())
                .isCompatible())
        .isTrue();
    assertThatThrownBy(
            () ->
                assertCompatible(
                    TestConverters.withoutCodec(),
                    TestConverters.withCodec(TestKeys.random().getPayloadKeyset("k"), "k")))
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("Caller and handler converters are NOT compatible")
        .hasMessageContaining("CODEC_MISSING");
  }

  @Test
  void assertCompatible_keyTheHandlerLacks_messageShowsEachDistinctFailureOnce() {
    TestKeys keys = TestKeys.random();
    org.assertj.core.api.ThrowableAssert.ThrowingCallable check =
        () ->
            assertCompatible(
                TestConverters.withCodec(
                    keys.withNewPrimaryKey(keys.getPayloadKeyset("k"), "rotated"), "k"),
                TestConverters.withCodec(keys.getPayloadKeyset("k"), "k"));

    assertThatThrownBy(check)
        .isInstanceOf(AssertionFailedError.class)
        .hasMessageContaining("KEY_UNAVAILABLE [input, caller -> handler] in ")
        .hasMessageContaining(" probes, e.g. ")
        .satisfies(
            e ->
                assertThat(e.getMessage().lines().filter(l -> l.contains("KEY_UNAVAILABLE")))
                    .hasSizeLessThan(3));
  }

  @Test
  void assertAllPayloadsEncrypted_noWorkflowsInTheNamespace_fails_evenIfOthersHaveSome() {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      WorkflowClient plain = temporal.newWorkflowClient("plain-ns");
      WorkerFactory factory = temporal.newWorkerFactory(plain);
      factory.newWorker("tq").registerWorkflowImplementationTypes(GreetingWorkflow.Impl.class);
      factory.start();
      plain
          .newWorkflowStub(
              GreetingWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setTaskQueue("tq")
                  .setWorkflowId("wf-" + UUID.randomUUID())
                  .build())
          .greet("x");

      assertThatThrownBy(() -> assertAllPayloadsEncrypted(temporal, "empty-ns"))
          .isInstanceOf(AssertionFailedError.class)
          .hasMessage(
              "namespace 'empty-ns': found no payloads to check in 0 workflow histories; run workflows in"
                  + " this namespace first, or check its name");
      assertThatThrownBy(() -> assertAllPayloadsEncrypted(temporal, "plain-ns"))
          .isInstanceOf(AssertionFailedError.class)
          .hasMessageContaining(
              "namespace 'plain-ns': 2 of 2 payloads in 1 workflow histories are not encrypted");
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** A denial as nexus-security reports it (type and message), without a server. */
  private static ApplicationFailure denial(ReasonCode reason, Side side) {
    return ApplicationFailure.newNonRetryableFailure(
        "nexus-security DENIED ["
            + reason.name()
            + "] start of S/op on endpoint 'e' ("
            + side.name().toLowerCase(java.util.Locale.ROOT)
            + " side). Fix: "
            + reason.getHint(),
        "NexusSecurityDenied." + reason.name());
  }

  private static Throwable wrapped(Throwable cause) {
    return new RuntimeException("workflow failed", cause);
  }
}
