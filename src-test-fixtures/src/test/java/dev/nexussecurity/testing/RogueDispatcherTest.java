package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.testing.support.GreetingServiceImpl;
import dev.nexussecurity.testing.support.HandlerInvocations;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The rogue dispatcher delivers requests of its own making to a real handler worker (here one
 * without nexus-security, so it admits whatever comes) and returns the worker's answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class RogueDispatcherTest {
  private static final String HANDLER_NS = "rogue-handler-ns";
  private static final String TQ = "greeting-tq";
  private static final String ENDPOINT = "greeting";

  private EmbeddedTemporal temporal;
  private RogueDispatcher rogue;
  private final HandlerInvocations invocations = new HandlerInvocations();

  @BeforeAll
  void start() {
    temporal = EmbeddedTemporal.newBuilder().start();
    temporal.createNexusEndpoint(ENDPOINT, HANDLER_NS, TQ);
    WorkerFactory factory = temporal.newWorkerFactory(temporal.newWorkflowClient(HANDLER_NS));
    factory.newWorker(TQ).registerNexusServiceImplementation(new GreetingServiceImpl(invocations));
    factory.start();
    rogue = RogueDispatcher.of(temporal);
  }

  @AfterAll
  void stop() {
    temporal.close();
  }

  private static Payload json(String value) {
    return DefaultDataConverter.STANDARD_INSTANCE.toPayload(value).orElseThrow();
  }

  @Test
  void dispatch_ofAStartWithChosenRequestIdAndLink_reachesTheHandlerWorker() {
    RogueDispatcher.Outcome outcome =
        rogue.dispatch(
            RogueDispatcher.Request.newStart(ENDPOINT, "GreetingService", "hello")
                .setRequestId("chosen-request-id")
                .setLinks(RogueDispatcher.serverLink("nowhere-ns", "wf", "run", 5))
                .setInput(json("mallory"))
                .build());

    assertThat(outcome.isAdmitted()).as("%s", outcome).isTrue();
    assertThat(outcome.getDenialReason()).isEmpty();
    assertThat(
            DefaultDataConverter.STANDARD_INSTANCE.fromPayload(
                outcome.getSyncResult().orElseThrow(), String.class, String.class))
        .isEqualTo("hello mallory from " + HANDLER_NS);
    assertThat(invocations.forArgument("mallory")).hasSize(1);
  }

  @Test
  void dispatch_ofAnUnknownOperation_returnsTheHandlersError() {
    RogueDispatcher.Outcome outcome =
        rogue.dispatch(
            RogueDispatcher.Request.newStart(ENDPOINT, "GreetingService", "noSuchOperation")
                .setInput(json("x"))
                .build());

    assertThat(outcome.isAdmitted()).isFalse();
    assertThat(outcome.getHandlerErrorType()).isPresent();
  }

  @Test
  void dispatch_toAnEndpointTheServerDoesNotHave_isRefusedNamingIt() {
    assertThatThrownBy(
            () -> rogue.dispatch(RogueDispatcher.Request.newStart("ghost", "S", "op").build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ghost'");
  }

  @Test
  void builder_rejectsBadValues_namingTheField() {
    assertThatThrownBy(() -> RogueDispatcher.Request.newStart("", "S", "op"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint");
    assertThatThrownBy(
            () -> RogueDispatcher.Request.newStart("e", "S", "op").setTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(
            () -> RogueDispatcher.Request.newStart("e", "S", "op").setRequestId("").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("request id");
  }
}
