package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.nexussecurity.api.PayloadBinding;
import dev.nexussecurity.api.PayloadBindings;
import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.testing.EmbeddedTemporal;
import dev.nexussecurity.tools.InsecureFakeKmsClient;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationContext;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.interceptors.NexusOperationInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptor;
import io.temporal.common.interceptors.WorkflowOutboundCallsInterceptorBase;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The codec server with namespace keys: a real Nexus call from namespace {@code orders} to {@code
 * payments} on the embedded server (true cross-namespace routing) writes pairwise and HPKE payloads
 * into the caller's history; the server decodes each for the namespaces whose keys can read it and
 * refuses it for every other namespace. Workers publish the call's binding with minimal stand-ins
 * for the identity interceptors, as the codec's own integration test does.
 */
class NamespaceKeysDecodeTest {
  private static final String ENDPOINT = "payments-endpoint";
  private static final String HANDLER_QUEUE = "payments-tq";
  private static final String CALLER_QUEUE = "orders-tq";
  private static final String SECRET = "card 4111-1111";

  @Service
  public interface ChargeService {
    @Operation
    String charge(String card);
  }

  @ServiceImpl(service = ChargeService.class)
  public static class ChargeServiceImpl {
    @OperationImpl
    public OperationHandler<String, String> charge() {
      return OperationHandler.sync((ctx, details, card) -> "charged " + card);
    }
  }

  @WorkflowInterface
  public interface OrderWorkflow {
    @WorkflowMethod
    String order(String card);
  }

  public static class OrderWorkflowImpl implements OrderWorkflow {
    @Override
    public String order(String card) {
      return Workflow.newNexusServiceStub(
              ChargeService.class,
              NexusServiceOptions.newBuilder()
                  .setEndpoint(ENDPOINT)
                  .setOperationOptions(
                      NexusOperationOptions.newBuilder()
                          .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                          .build())
                  .build())
          .charge(card);
    }
  }

  /** Caller side: the call's INPUT binding around the SDK call that encodes the input. */
  static final class CallerBinder extends WorkerInterceptorBase {
    @Override
    public WorkflowInboundCallsInterceptor interceptWorkflow(WorkflowInboundCallsInterceptor next) {
      return new WorkflowInboundCallsInterceptorBase(next) {
        @Override
        public void init(WorkflowOutboundCallsInterceptor outbound) {
          super.init(
              new WorkflowOutboundCallsInterceptorBase(outbound) {
                @Override
                public <R> ExecuteNexusOperationOutput<R> executeNexusOperation(
                    ExecuteNexusOperationInput<R> input) {
                  String bindingId = Workflow.randomUUID().toString();
                  input.getHeaders().put("x-test-binding", bindingId);
                  PayloadBinding previous =
                      PayloadBindings.set(
                          PayloadBinding.newBuilder()
                              .setDirection(PayloadBinding.Direction.INPUT)
                              .setBindingId(bindingId)
                              .setCallerNamespace(Workflow.getInfo().getNamespace())
                              .setHandlerNamespace("payments")
                              .setEndpoint(input.getEndpoint())
                              .setService(input.getService())
                              .setOperation(input.getOperation())
                              .build());
                  try {
                    return super.executeNexusOperation(input);
                  } finally {
                    PayloadBindings.restore(previous);
                  }
                }
              });
        }
      };
    }
  }

  /** Handler side: the binding from the (test) header; input verification is not under test. */
  static final class HandlerBinder extends WorkerInterceptorBase {
    @Override
    public NexusOperationInboundCallsInterceptor interceptNexusOperation(
        OperationContext context, NexusOperationInboundCallsInterceptor next) {
      PayloadBindings.set(
          PayloadBinding.newBuilder()
              .setDirection(PayloadBinding.Direction.INPUT)
              .setBindingId(context.getHeaders().get("x-test-binding"))
              .setCallerNamespace("orders")
              .setHandlerNamespace("payments")
              .setEndpoint(ENDPOINT)
              .setService(context.getService())
              .setOperation(context.getOperation())
              .build());
      return next;
    }
  }

  @TempDir Path dir;
  private final String kmsUri = newKmsUri();
  private final NamespaceKeys orders = NamespaceKeys.generate("orders", false);
  private final NamespaceKeys payments = NamespaceKeys.generate("payments", false);
  private final NamespaceKeys billing = NamespaceKeys.generate("billing", false);
  private final NamespaceKeyDirectory directory =
      NamespaceKeyDirectory.newBuilder()
          .put(orders.toPublicKeys())
          .put(payments.toPublicKeys())
          .put(billing.toPublicKeys())
          .build();

  private static String newKmsUri() {
    try {
      return InsecureFakeKmsClient.newKeyUri();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void clearBindings() {
    PayloadBindings.clear();
  }

  private TinkPayloadCodec codec(NamespaceKeys keys, PayloadProtection mode) {
    return TinkPayloadCodec.newBuilder()
        .setNamespaceKeys(keys)
        .setKeyDirectory(directory)
        .setKeyPolicy(PayloadKeyPolicy.of(mode))
        .build();
  }

  /** Runs one order workflow; returns the Nexus input and result payloads of its history. */
  private List<Payload> callerHistoryPayloads(PayloadProtection mode) {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      WorkflowClient ordersClient =
          temporal.newWorkflowClient(
              "orders",
              new CodecDataConverter(
                  DefaultDataConverter.newDefaultInstance(), List.of(codec(orders, mode))));
      WorkflowClient paymentsClient =
          temporal.newWorkflowClient(
              "payments",
              new CodecDataConverter(
                  DefaultDataConverter.newDefaultInstance(), List.of(codec(payments, mode))));
      WorkerFactory callers =
          temporal.newWorkerFactory(
              ordersClient,
              WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new CallerBinder()).build());
      callers.newWorker(CALLER_QUEUE).registerWorkflowImplementationTypes(OrderWorkflowImpl.class);
      WorkerFactory handlers =
          temporal.newWorkerFactory(
              paymentsClient,
              WorkerFactoryOptions.newBuilder().setWorkerInterceptors(new HandlerBinder()).build());
      handlers.newWorker(HANDLER_QUEUE).registerNexusServiceImplementation(new ChargeServiceImpl());
      temporal.createNexusEndpoint(ENDPOINT, "payments", HANDLER_QUEUE);
      callers.start();
      handlers.start();
      String result =
          ordersClient
              .newWorkflowStub(
                  OrderWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setWorkflowId("order-1")
                      .setTaskQueue(CALLER_QUEUE)
                      .setWorkflowRunTimeout(Duration.ofSeconds(60))
                      .build())
              .order(SECRET);
      assertThat(result).isEqualTo("charged " + SECRET);
      List<Payload> out = new ArrayList<>();
      for (HistoryEvent e : ordersClient.fetchHistory("order-1").getEvents()) {
        if (e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_SCHEDULED) {
          out.add(e.getNexusOperationScheduledEventAttributes().getInput());
        } else if (e.getEventType() == EventType.EVENT_TYPE_NEXUS_OPERATION_COMPLETED) {
          out.add(e.getNexusOperationCompletedEventAttributes().getResult());
        }
      }
      assertThat(out).hasSize(2);
      if (mode.isEncrypting()) {
        assertThat(out.toString()).doesNotContain("4111");
      }
      return out;
    }
  }

  private Path keysFile(NamespaceKeys keys, boolean kms) {
    Path file = dir.resolve(keys.getNamespace() + ".keys.json");
    keys.save(
        kms
            ? KeysetSource.kmsEncryptedJson(file, new InsecureFakeKmsClient(), kmsUri)
            : KeysetSource.insecureCleartextJson(file));
    return file;
  }

  private Map<String, Object> namespace(String name, Path keysFile, String kmsKeyUri) {
    Map<String, Object> nsKeys = new LinkedHashMap<>();
    nsKeys.put("file", keysFile.toString());
    if (kmsKeyUri != null) {
      nsKeys.put("kmsKeyUri", kmsKeyUri);
    }
    Map<String, Object> ns = new LinkedHashMap<>();
    ns.put("namespace", name);
    ns.put("namespaceKeys", nsKeys);
    ns.put("keyDirectory", dir.resolve("key-directory.json").toString());
    return ns;
  }

  /** orders (KMS-encrypted keys), payments and billing (cleartext keys); each group reads one. */
  private Map<String, Object> config(TestIdentityProvider idp, List<Map<String, ?>> nss) {
    directory.save(dir.resolve("key-directory.json"));
    Map<String, Object> c =
        TestServers.config(idp, dir, writeKeyset(dir, "x"), writeKeyset(dir, "y"));
    c.put(
        "authorization",
        Map.of(
            "claim",
            "groups",
            "grants",
            List.of(
                Map.of("value", "orders-readers", "namespaces", Map.of("orders", "read")),
                Map.of("value", "payments-readers", "namespaces", Map.of("payments", "read")),
                Map.of("value", "payments-writers", "namespaces", Map.of("payments", "write")),
                Map.of("value", "billing-readers", "namespaces", Map.of("billing", "read")),
                Map.of("value", "shop-readers", "namespaces", Map.of("shop", "read")))));
    c.put("codec", Map.of("namespaces", nss));
    return c;
  }

  private ControlPlaneServer server(TestIdentityProvider idp) {
    List<Map<String, ?>> nss =
        List.of(
            namespace("orders", keysFile(orders, true), kmsUri),
            namespace("payments", keysFile(payments, false), null),
            namespace("billing", keysFile(billing, false), null),
            Map.of(
                "namespace",
                "shop",
                "keysets",
                List.of(Map.of("name", "shop", "file", writeKeyset(dir, "shop").toString()))));
    return ControlPlaneServer.newBuilderFromJson(json(config(idp, nss)), dir)
        .addKmsClient(new InsecureFakeKmsClient())
        .build()
        .start();
  }

  private static HttpResponse<String> decode(
      ControlPlaneServer server, TestIdentityProvider idp, String ns, Payload payload) {
    return post(
        server.getUri(),
        "/decode",
        ns,
        idp.token("rita", ns + "-readers"),
        payloadsJson(List.of(payload)));
  }

  private static Object decodedValue(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<Payload> payloads = parsePayloads(response.body());
    assertThat(payloads).hasSize(1);
    return value(payloads.get(0));
  }

  private static void assertRefused(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(response.body()).contains("payload_not_decodable").doesNotContain("4111");
  }

  @Test
  void pairwiseHistory_decodesForCallerAndHandler_andIsRefusedForAThirdNamespace()
      throws Exception {
    List<Payload> history = callerHistoryPayloads(PayloadProtection.pairwise());
    Payload input = history.get(0);
    Payload result = history.get(1);
    assertThat(TinkPayloadCodec.contextOf(input).orElseThrow().get("scheme"))
        .isEqualTo("pairwise-aes256gcm");
    try (TestIdentityProvider idp = new TestIdentityProvider();
        ControlPlaneServer server = server(idp)) {
      // the caller reads its own history: the input it sent and the result it received
      assertThat(decodedValue(decode(server, idp, "orders", input))).isEqualTo(SECRET);
      assertThat(decodedValue(decode(server, idp, "orders", result)))
          .isEqualTo("charged " + SECRET);
      // the handler namespace holds the other half of the pair: input received, result sent
      assertThat(decodedValue(decode(server, idp, "payments", input))).isEqualTo(SECRET);
      assertThat(decodedValue(decode(server, idp, "payments", result)))
          .isEqualTo("charged " + SECRET);
      // a namespace outside the pair cannot read either, with its own keys and the whole directory
      assertRefused(decode(server, idp, "billing", input));
      assertRefused(decode(server, idp, "billing", result));
      // nor a namespace that holds shared keysets only
      assertRefused(decode(server, idp, "shop", input));
    }
  }

  @Test
  void hpkeHistory_decodesOnlyForTheRecipientOfEachPayload() throws Exception {
    List<Payload> history = callerHistoryPayloads(PayloadProtection.hpke());
    Payload input = history.get(0);
    Payload result = history.get(1);
    assertThat(TinkPayloadCodec.contextOf(input).orElseThrow().get("scheme"))
        .isEqualTo("hpke-x25519-aes256gcm");
    try (TestIdentityProvider idp = new TestIdentityProvider();
        ControlPlaneServer server = server(idp)) {
      assertThat(decodedValue(decode(server, idp, "payments", input))).isEqualTo(SECRET);
      assertThat(decodedValue(decode(server, idp, "orders", result)))
          .isEqualTo("charged " + SECRET);
      // HPKE: not even the sender reads what it sent
      assertRefused(decode(server, idp, "orders", input));
      assertRefused(decode(server, idp, "payments", result));
      assertRefused(decode(server, idp, "billing", input));
    }
  }

  @Test
  void authenticatedHistory_isVerifiedForThePair_andRefusedForAThirdNamespace() throws Exception {
    List<Payload> history = callerHistoryPayloads(PayloadProtection.authenticated());
    Payload input = history.get(0);
    assertThat(TinkPayloadCodec.contextOf(input).orElseThrow().get("scheme"))
        .isEqualTo("pairwise-gmac");
    try (TestIdentityProvider idp = new TestIdentityProvider();
        ControlPlaneServer server = server(idp)) {
      assertThat(decodedValue(decode(server, idp, "orders", input))).isEqualTo(SECRET);
      assertThat(decodedValue(decode(server, idp, "payments", history.get(1))))
          .isEqualTo("charged " + SECRET);
      assertRefused(decode(server, idp, "billing", input));
    }
  }

  @Test
  void encode_withNamespaceKeys_writesPairwiseThatOnlyThisNamespaceReads() throws Exception {
    try (TestIdentityProvider idp = new TestIdentityProvider();
        ControlPlaneServer server = server(idp)) {
      HttpResponse<String> encoded =
          post(
              server.getUri(),
              "/encode",
              "payments",
              idp.token("wes", "payments-writers"),
              payloadsJson(
                  List.of(DefaultDataConverter.STANDARD_INSTANCE.toPayload(SECRET).orElseThrow())));
      assertThat(encoded.statusCode()).as(encoded.body()).isEqualTo(200);
      Payload payload = parsePayloads(encoded.body()).get(0);
      assertThat(TinkPayloadCodec.contextOf(payload).orElseThrow().get("scheme"))
          .isEqualTo("pairwise-aes256gcm");
      assertThat(TinkPayloadCodec.contextOf(payload).orElseThrow().get("direction"))
          .isEqualTo("NONE");
      assertThat(decodedValue(decode(server, idp, "payments", payload))).isEqualTo(SECRET);
      assertRefused(decode(server, idp, "orders", payload));
    }
  }

  @Test
  void startUp_withMissingKeysFile_isRefusedNamingTheField() {
    ControlPlaneConfigException e = startFailure("orders", dir.resolve("absent.keys.json"), null);
    assertThat(e.getProblems())
        .anySatisfy(p -> assertThat(p).startsWith("codec.namespaces[orders].namespaceKeys: "));
    assertThat(e.getMessage()).contains("absent.keys.json");
  }

  @Test
  void startUp_withKeysFileOfAnotherNamespace_isRefusedNamingBoth() {
    ControlPlaneConfigException e = startFailure("orders", keysFile(billing, false), null);
    assertThat(e.getProblems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .startsWith("codec.namespaces[orders].namespaceKeys: ")
                    .contains("'billing'")
                    .contains("'orders'"));
  }

  @Test
  void startUp_withWrongKmsKey_isRefusedNamingTheField_withoutTheKey() {
    Path file = keysFile(orders, true);
    String otherUri = newKmsUri();
    ControlPlaneConfigException e = startFailure("orders", file, otherUri);
    assertThat(e.getProblems())
        .anySatisfy(p -> assertThat(p).startsWith("codec.namespaces[orders].namespaceKeys: "));
    assertThat(e.getMessage())
        .doesNotContain(otherUri.substring(InsecureFakeKmsClient.PREFIX.length()))
        .doesNotContain(kmsUri.substring(InsecureFakeKmsClient.PREFIX.length()));
  }

  @Test
  void startUp_withCleartextFileButKmsConfigured_isRefused() {
    ControlPlaneConfigException e = startFailure("orders", keysFile(orders, false), kmsUri);
    assertThat(e.getProblems())
        .anySatisfy(p -> assertThat(p).startsWith("codec.namespaces[orders].namespaceKeys: "));
  }

  @Test
  void startUp_withNamespaceKeysButNoKeyDirectory_isRefusedNamingTheField() throws Exception {
    try (TestIdentityProvider idp = new TestIdentityProvider()) {
      Map<String, Object> ns = namespace("orders", keysFile(orders, false), null);
      ns.remove("keyDirectory");
      ControlPlaneConfigException e =
          catchThrowableOfType(
              ControlPlaneConfigException.class,
              () ->
                  ControlPlaneServer.newBuilderFromJson(json(config(idp, List.of(ns))), dir)
                      .build());
      assertThat(e.getMessage()).contains("keyDirectory").contains("missing");
    }
  }

  @Test
  void startUp_withKeyDirectoryWithoutTheNamespace_isRefused() throws Exception {
    ControlPlaneConfigException e = startFailure("payments", keysFile(payments, false), null);
    assertThat(e.getProblems())
        .anySatisfy(p -> assertThat(p).startsWith("codec.namespaces[payments].keyDirectory: "));
  }

  private ControlPlaneConfigException startFailure(String ns, Path keysFile, String kmsKeyUri) {
    try (TestIdentityProvider idp = new TestIdentityProvider()) {
      Map<String, Object> c = config(idp, List.of(namespace(ns, keysFile, kmsKeyUri)));
      if (ns.equals("payments")) {
        // a directory that does not list payments
        NamespaceKeyDirectory.newBuilder()
            .put(orders.toPublicKeys())
            .build()
            .save(dir.resolve("key-directory.json"));
      }
      return catchThrowableOfType(
          ControlPlaneConfigException.class,
          () ->
              ControlPlaneServer.newBuilderFromJson(json(c), dir)
                  .addKmsClient(new InsecureFakeKmsClient())
                  .build());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
