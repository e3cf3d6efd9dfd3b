package dev.nexussecurity.it;

import static dev.nexussecurity.testing.NexusSecurityAssertions.assertDenied;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import dev.nexussecurity.api.AccessDecisionEvent;
import dev.nexussecurity.api.ReasonCode;
import dev.nexussecurity.codec.tink.PayloadDecryptionException;
import dev.nexussecurity.codec.tink.PlaintextPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.HandlerPolicy;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.it.support.CallerWorkflows;
import dev.nexussecurity.it.support.HandlerInvocations;
import dev.nexussecurity.it.support.HandlerWorkflows;
import dev.nexussecurity.it.support.HeaderTamper;
import dev.nexussecurity.it.support.ProbeServiceImpl;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import dev.nexussecurity.testing.TestNamespace;
import io.temporal.api.common.v1.Payload;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.failure.CanceledFailure;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.NexusOperationCancellationType;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Walks through docs/rollout.md on the embedded server: a caller namespace and a handler namespace
 * that ran without nexus-security adopt the codec and the interceptors step by step. At every step
 * old and new workers poll side by side (a rolling deploy), and every call made then completes; at
 * the end a caller without nexus-security is denied and plaintext is refused.
 */
@Timeout(180)
class RolloutWalkthroughTest {
  static final String CALLER_NS = "shop-ns";
  static final String HANDLER_NS = "stock-ns";
  static final String ENDPOINT = "stock";
  static final String HANDLER_TQ = "stock-tq";
  static final String CALLER_TQ = "shop-tq";

  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace(CALLER_NS)
          .addNamespace(HANDLER_NS)
          .addEndpoint(ENDPOINT, HANDLER_NS, HANDLER_TQ, CALLER_NS)
          .build();

  private static final List<WorkerFactory> RUNNING = new ArrayList<>();

  @AfterAll
  static void stopWorkers() {
    RUNNING.forEach(WorkerFactory::shutdownNow);
  }

  /** The workers' configuration at one step of the guide. */
  private enum Codec {
    NONE,
    ROLLOUT_DECODE_ONLY,
    ACCEPT_FOR_MIGRATION,
    REJECT
  }

  private enum Interceptors {
    NONE,
    HANDLER_ROLLOUT,
    ENFORCING
  }

  private NexusSecurityTestEnvironment env;

  @Test
  void everyStepOfTheGuide_keepsEveryCallWorking_andTheEndStateDeniesUntokenedCallsAndPlaintext(
      NexusSecurityTestEnvironment env) throws Exception {
    this.env = env;
    TestNamespace handler = env.getNamespace(HANDLER_NS);
    TestNamespace caller = env.getNamespace(CALLER_NS);

    // Step 0: the fleet as it was, no nexus-security anywhere.
    WorkerFactory handler0 = startHandler(Codec.NONE, Interceptors.NONE);
    WorkerFactory caller0 = startCaller(Codec.NONE, Interceptors.NONE, CALLER_TQ);
    callsSucceed(Codec.NONE, "step0");

    // Step 1: the codec everywhere, decoding both but still writing plaintext; old workers still
    // up.
    WorkerFactory handler1 = startHandler(Codec.ROLLOUT_DECODE_ONLY, Interceptors.NONE);
    WorkerFactory caller1 = startCaller(Codec.ROLLOUT_DECODE_ONLY, Interceptors.NONE, CALLER_TQ);
    callsSucceed(Codec.NONE, "step1-mixed");
    callsSucceed(Codec.ROLLOUT_DECODE_ONLY, "step1-mixed");
    stop(handler0, caller0);
    callsSucceed(Codec.ROLLOUT_DECODE_ONLY, "step1");

    // Step 2: the codec writes encrypted payloads; every peer can already read them.
    WorkerFactory handler2 = startHandler(Codec.ACCEPT_FOR_MIGRATION, Interceptors.NONE);
    WorkerFactory caller2 = startCaller(Codec.ACCEPT_FOR_MIGRATION, Interceptors.NONE, CALLER_TQ);
    callsSucceed(Codec.ROLLOUT_DECODE_ONLY, "step2-mixed");
    callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step2-mixed");
    stop(handler1, caller1);
    String encrypted = callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step2");
    assertThat(encrypted).isNotNull();

    // Step 3: handlers get the interceptor with the rollout switch; callers send no token yet.
    int handlerMark = handler.getAccessDecisions().size();
    WorkerFactory handler3 = startHandler(Codec.ACCEPT_FOR_MIGRATION, Interceptors.HANDLER_ROLLOUT);
    stop(handler2);
    callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step3");
    List<AccessDecisionEvent> step3 = since(handler, handlerMark);
    assertThat(step3)
        .as("untokened calls are admitted, counted and reported with a distinct detail")
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(e.getReason()).isEqualTo(ReasonCode.MISSING_TOKEN);
              assertThat(e.getDetail()).startsWith("ADMITTED WITHOUT TOKEN");
            });

    // A cancel without a token is admitted too, for an operation started without one.
    handlerMark = handler.getAccessDecisions().size();
    String cancelInput = "cancel-" + UUID.randomUUID();
    CallerWorkflows.CancellingCaller canceller =
        caller
            .newWorkflowClient(converter(Codec.ACCEPT_FOR_MIGRATION))
            .newWorkflowStub(
                CallerWorkflows.CancellingCaller.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(CALLER_TQ)
                    .setWorkflowId("cancel-" + UUID.randomUUID())
                    .setWorkflowExecutionTimeout(java.time.Duration.ofSeconds(30))
                    .build());
    WorkflowClient.start(
        canceller::startThenCancel,
        ENDPOINT,
        cancelInput,
        NexusOperationCancellationType.WAIT_COMPLETED);
    canceller.cancelNow();
    Throwable cancelled =
        catchThrowable(() -> WorkflowStub.fromTyped(canceller).getResult(String.class));
    assertThat(cancelled).hasRootCauseInstanceOf(CanceledFailure.class);
    assertThat(since(handler, handlerMark))
        .anySatisfy(
            e -> {
              assertThat(e.getAction()).isEqualTo(AccessDecisionEvent.Action.CANCEL);
              assertThat(e.getDetail()).startsWith("ADMITTED WITHOUT TOKEN");
            });

    // ... but a request whose token is present and invalid is denied, never admitted.
    HeaderTamper tamper = new HeaderTamper();
    WorkerFactory forger =
        env.getTemporal()
            .newWorkerFactory(
                caller.newWorkflowClient(converter(Codec.ACCEPT_FOR_MIGRATION)),
                WorkerFactoryOptions.newBuilder().setWorkerInterceptors(tamper).build());
    RUNNING.add(forger);
    forger
        .newWorker("forged-tq")
        .registerWorkflowImplementationTypes(CallerWorkflows.OneCallImpl.class);
    forger.start();
    String forgedId = "forged-" + UUID.randomUUID();
    tamper.plan(forgedId, v -> "v2.forged.token");
    String forgedInput = "forged-" + UUID.randomUUID();
    Throwable forgedDenied =
        catchThrowable(
            () -> call(Codec.ACCEPT_FOR_MIGRATION, "forged-tq", forgedId, "echo", forgedInput));
    assertDenied(forgedDenied, ReasonCode.MALFORMED_TOKEN, AccessDecisionEvent.Side.HANDLER);
    assertThat(HandlerInvocations.count(forgedInput)).as("handler code never ran").isZero();
    stop(forger);

    // Step 4: callers get the interceptor and send tokens; old callers still up.
    handlerMark = handler.getAccessDecisions().size();
    WorkerFactory caller4 =
        startCaller(Codec.ACCEPT_FOR_MIGRATION, Interceptors.ENFORCING, CALLER_TQ);
    callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step4-mixed");
    stop(caller2);
    callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step4");
    List<AccessDecisionEvent> step4 = since(handler, handlerMark);
    assertThat(step4)
        .as("tokened calls are verified as usual")
        .anySatisfy(e -> assertThat(e.getReason()).isEqualTo(ReasonCode.ALLOWED));

    // Step 5: handlers enforce (the switch off) once nexus_security_calls_without_token stays 0.
    handlerMark = handler.getAccessDecisions().size();
    WorkerFactory handler5 = startHandler(Codec.ACCEPT_FOR_MIGRATION, Interceptors.ENFORCING);
    callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step5-mixed");
    stop(handler3);
    callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step5");
    assertThat(since(handler, handlerMark))
        .extracting(AccessDecisionEvent::getReason)
        .containsOnly(ReasonCode.ALLOWED);

    // Step 6: plaintext refused everywhere once no open run reads plaintext any more.
    WorkerFactory handler6 = startHandler(Codec.REJECT, Interceptors.ENFORCING);
    WorkerFactory caller6 = startCaller(Codec.REJECT, Interceptors.ENFORCING, CALLER_TQ);
    callsSucceed(Codec.ACCEPT_FOR_MIGRATION, "step6-mixed");
    stop(handler5, caller4);
    callsSucceed(Codec.REJECT, "step6");
    assertThat(handler6).isNotNull();
    assertThat(caller6).isNotNull();

    // The end state: a caller without nexus-security is denied by the handler ...
    String legacyTq = "legacy-tq";
    startCaller(Codec.REJECT, Interceptors.NONE, legacyTq);
    String input = "untokened-" + UUID.randomUUID();
    Throwable denied = catchThrowable(() -> call(Codec.REJECT, legacyTq, "echo", input));
    assertDenied(denied, ReasonCode.MISSING_TOKEN, AccessDecisionEvent.Side.HANDLER);
    assertThat(HandlerInvocations.count(input)).as("handler code never ran").isZero();

    // ... and plaintext is refused.
    Payload plaintext =
        Payload.newBuilder()
            .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
            .setData(ByteString.copyFromUtf8("\"injected\""))
            .build();
    Throwable refused = catchThrowable(() -> codec(Codec.REJECT).decode(List.of(plaintext)));
    assertThat(refused).isInstanceOf(PayloadDecryptionException.class);
    assertThat(((PayloadDecryptionException) refused).getReason())
        .isEqualTo(PayloadDecryptionException.Reason.PLAINTEXT_REJECTED);
    // ... while payloads encrypted during the rollout (step 2 on) stay readable.
    Payload fromStep2 = codec(Codec.ACCEPT_FOR_MIGRATION).encode(List.of(plaintext)).get(0);
    assertThat(fromStep2).isNotEqualTo(plaintext);
    assertThat(codec(Codec.REJECT).decode(List.of(fromStep2))).containsExactly(plaintext);
  }

  private static List<AccessDecisionEvent> since(TestNamespace ns, int mark) {
    List<AccessDecisionEvent> all = ns.getAccessDecisions();
    return all.subList(mark, all.size());
  }

  /** Calls both a sync and a workflow-run operation from a caller workflow; both must complete. */
  private String callsSucceed(Codec starterCodec, String step) {
    String sync = step + "-sync-" + UUID.randomUUID();
    String async = step + "-async-" + UUID.randomUUID();
    assertThat(call(starterCodec, CALLER_TQ, "echo", sync))
        .as(step + ": sync call")
        .isEqualTo("echo " + sync + " from " + HANDLER_NS);
    assertThat(call(starterCodec, CALLER_TQ, "runWorkflow", async))
        .as(step + ": workflow-run call")
        .contains(async);
    assertThat(HandlerInvocations.count(sync)).isEqualTo(1);
    return sync;
  }

  private String call(Codec starterCodec, String taskQueue, String operation, String input) {
    return call(starterCodec, taskQueue, "rollout-" + UUID.randomUUID(), operation, input);
  }

  private String call(
      Codec starterCodec, String taskQueue, String workflowId, String operation, String input) {
    WorkflowClient client = env.getNamespace(CALLER_NS).newWorkflowClient(converter(starterCodec));
    CallerWorkflows.OneCall stub =
        client.newWorkflowStub(
            CallerWorkflows.OneCall.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setWorkflowId(workflowId)
                .setWorkflowExecutionTimeout(java.time.Duration.ofSeconds(30))
                .build());
    return stub.call(ENDPOINT, operation, input);
  }

  private WorkerFactory startHandler(Codec codec, Interceptors interceptors) {
    TestNamespace ns = env.getNamespace(HANDLER_NS);
    WorkerFactory factory = newFactory(ns, codec, interceptors);
    io.temporal.worker.Worker worker = factory.newWorker(HANDLER_TQ);
    worker.registerNexusServiceImplementation(new ProbeServiceImpl());
    worker.registerWorkflowImplementationTypes(
        HandlerWorkflows.QuickImpl.class, HandlerWorkflows.WaitingImpl.class);
    factory.start();
    return factory;
  }

  private WorkerFactory startCaller(Codec codec, Interceptors interceptors, String taskQueue) {
    TestNamespace ns = env.getNamespace(CALLER_NS);
    WorkerFactory factory = newFactory(ns, codec, interceptors);
    factory
        .newWorker(taskQueue)
        .registerWorkflowImplementationTypes(
            CallerWorkflows.OneCallImpl.class, CallerWorkflows.CancellingCallerImpl.class);
    factory.start();
    return factory;
  }

  private WorkerFactory newFactory(TestNamespace ns, Codec codec, Interceptors interceptors) {
    DataConverter converter = converter(codec);
    WorkflowClient client = ns.newWorkflowClient(converter);
    WorkerFactory factory;
    if (interceptors == Interceptors.NONE) {
      factory = env.getTemporal().newWorkerFactory(client);
    } else {
      HandlerPolicy policy =
          ns.getNexusSecurity().getOptions().getHandlerPolicy().toBuilder()
              .setRolloutAdmitCallsWithoutToken(interceptors == Interceptors.HANDLER_ROLLOUT)
              .build();
      factory =
          ns.newWorkerFactory(
              client,
              ns.newOptionsBuilder().setDataConverter(converter).setHandlerPolicy(policy).build());
    }
    RUNNING.add(factory);
    return factory;
  }

  private DataConverter converter(Codec codec) {
    if (codec == Codec.NONE) {
      return DefaultDataConverter.newDefaultInstance();
    }
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec(codec)));
  }

  private TinkPayloadCodec codec(Codec codec) {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(
            KeysetSource.fromKeysetHandle(
                env.getNamespace(HANDLER_NS).getPayloadKeyset().orElseThrow()))
        .setKeysetName("shared")
        .setPlaintextPolicy(PlaintextPolicy.valueOf(codec.name()))
        .build();
  }

  private static void stop(WorkerFactory... factories) throws InterruptedException {
    for (WorkerFactory f : factories) {
      f.shutdown();
      f.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
