package dev.nexussecurity.codec.tink;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig2026;
import dev.nexussecurity.core.keys.KeysetSource;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Caller and handler workers, each with its own codec built from the same keyset file, on the
 * embedded Temporal server: a Nexus sync operation's input and result are ciphertext in the
 * caller's history and plaintext in the workflow and the handler. (The embedded server queues Nexus
 * tasks under the caller's namespace, so the handler worker polls that namespace here.)
 */
class TinkPayloadCodecNexusIntegrationTest {
  private static final String ENDPOINT = "codec-endpoint";
  private static final String HANDLER_QUEUE = "handler-tq";
  private static final String CALLER_QUEUE = "caller-tq";
  private static final String SECRET_INPUT = "account 4111-1111 · ünïcødé";

  static final List<String> handlerInputs = new CopyOnWriteArrayList<>();

  @Service
  public interface GreetingService {
    @Operation
    String greet(String name);
  }

  @ServiceImpl(service = GreetingService.class)
  public static class GreetingServiceImpl {
    @OperationImpl
    public OperationHandler<String, String> greet() {
      return OperationHandler.sync(
          (ctx, details, name) -> {
            handlerInputs.add(name);
            return "hello " + name;
          });
    }
  }

  @WorkflowInterface
  public interface CallerWorkflow {
    @WorkflowMethod
    String call(String name);
  }

  public static class CallerWorkflowImpl implements CallerWorkflow {
    @Override
    public String call(String name) {
      GreetingService service =
          Workflow.newNexusServiceStub(
              GreetingService.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(ENDPOINT)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                          .build())
                  .build());
      String result = service.greet(name);
      return "workflow saw: " + result;
    }
  }

  @TempDir Path dir;
  private TestWorkflowEnvironment env;
  private WorkerFactory handlerFactory;
  private TinkPayloadCodec callerCodec;

  private static DataConverter converter(TinkPayloadCodec codec) {
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
  }

  @BeforeEach
  void setUp() throws Exception {
    handlerInputs.clear();
    KeysetHandle shared = TestKeysets.aes256Gcm();
    Path keysetFile = dir.resolve("shared-keyset.json");
    Files.writeString(
        keysetFile,
        TinkJsonProtoKeysetFormat.serializeKeyset(
            shared, AeadConfig2026.get(), InsecureSecretKeyAccess.get()));
    callerCodec = codec(keysetFile);
    TinkPayloadCodec handlerCodec = codec(keysetFile);

    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setUseTimeskipping(false)
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder()
                        .setDataConverter(converter(callerCodec))
                        .build())
                .build());
    Worker caller = env.newWorker(CALLER_QUEUE);
    caller.registerWorkflowImplementationTypes(CallerWorkflowImpl.class);

    WorkflowClient handlerClient =
        WorkflowClient.newInstance(
            env.getWorkflowServiceStubs(),
            WorkflowClientOptions.newBuilder()
                .setNamespace(env.getNamespace())
                .setDataConverter(converter(handlerCodec))
                .build());
    handlerFactory = WorkerFactory.newInstance(handlerClient);
    Worker handler = handlerFactory.newWorker(HANDLER_QUEUE);
    handler.registerNexusServiceImplementation(new GreetingServiceImpl());
    env.createNexusEndpoint(ENDPOINT, HANDLER_QUEUE);

    env.start();
    handlerFactory.start();
  }

  private static TinkPayloadCodec codec(Path keysetFile) {
    return TinkPayloadCodec.newBuilder()
        .setKeysetSource(KeysetSource.insecureCleartextJson(keysetFile))
        .build();
  }

  @AfterEach
  void tearDown() {
    if (handlerFactory != null) {
      handlerFactory.shutdownNow();
    }
    if (env != null) {
      env.close();
    }
  }

  @Test
  void nexusInputAndResult_areCiphertextInHistory_andPlaintextInWorkflowAndHandler() {
    CallerWorkflow workflow =
        env.getWorkflowClient()
            .newWorkflowStub(
                CallerWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setWorkflowId("codec-nexus-1")
                    .setTaskQueue(CALLER_QUEUE)
                    .setWorkflowRunTimeout(Duration.ofSeconds(60))
                    .build());

    String result = workflow.call(SECRET_INPUT);

    assertThat(result).isEqualTo("workflow saw: hello " + SECRET_INPUT);
    assertThat(handlerInputs).containsExactly(SECRET_INPUT);

    List<HistoryEvent> events = env.getWorkflowClient().fetchHistory("codec-nexus-1").getEvents();
    Payload input =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED)
            .findFirst()
            .orElseThrow()
            .getNexusOperationScheduledEventAttributes()
            .getInput();
    Payload output =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED)
            .findFirst()
            .orElseThrow()
            .getNexusOperationCompletedEventAttributes()
            .getResult();
    Payload workflowInput =
        events.get(0).getWorkflowExecutionStartedEventAttributes().getInput().getPayloads(0);

    String keyId = callerCodec.describe().getEncryptionKeyId().orElseThrow().split("/")[1];
    for (Payload p : List.of(input, output, workflowInput)) {
      assertThat(p.getMetadataOrThrow("encoding").toStringUtf8()).isEqualTo("binary/encrypted");
      assertThat(p.getMetadataOrThrow("nexus-security-key-id").toStringUtf8()).isEqualTo(keyId);
      assertThat(p.getData().toString(StandardCharsets.ISO_8859_1)).doesNotContain("4111");
    }
    DataConverter plain = DefaultDataConverter.newDefaultInstance();
    assertThat(
            plain.fromPayload(
                callerCodec.decode(List.of(input)).get(0), String.class, String.class))
        .isEqualTo(SECRET_INPUT);
    assertThat(
            plain.fromPayload(
                callerCodec.decode(List.of(output)).get(0), String.class, String.class))
        .isEqualTo("hello " + SECRET_INPUT);
  }
}
