package dev.nexussecurity.controlplane;

import static dev.nexussecurity.controlplane.TestServers.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.testing.EmbeddedTemporal;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.payload.codec.OkHttpRemoteDataEncoderCodec;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads our codec wrote into a real workflow history (embedded Temporal server) decode through
 * the server to the original values, as the Temporal UI shows them.
 */
class EncryptedHistoryDecodeTest {
  /** A workflow with an input, a side effect and a result. */
  @WorkflowInterface
  public interface Checkout {
    @WorkflowMethod
    Map<String, Object> checkout(String orderId, int amountCents);
  }

  public static final class CheckoutImpl implements Checkout {
    @Override
    public Map<String, Object> checkout(String orderId, int amountCents) {
      String receipt = Workflow.sideEffect(String.class, () -> "rcpt-" + orderId);
      return Map.of("order", orderId, "charged", amountCents + 378, "receipt", receipt);
    }
  }

  @Test
  void historyWrittenByOurCodec_decodesThroughTheServer_toTheOriginalValues(@TempDir Path dir)
      throws Exception {
    Path ordersKeyset = writeKeyset(dir, "orders");
    TinkPayloadCodec codec = workerCodec(ordersKeyset, "orders");
    List<Payload> fromHistory = new ArrayList<>();
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      WorkflowClient client =
          temporal.newWorkflowClient(
              "orders",
              new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec)));
      WorkerFactory factory = temporal.newWorkerFactory(client);
      factory.newWorker("checkout-tq").registerWorkflowImplementationTypes(CheckoutImpl.class);
      factory.start();
      Checkout stub =
          client.newWorkflowStub(
              Checkout.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId("checkout-1")
                  .setTaskQueue("checkout-tq")
                  .build());
      stub.checkout("order-7", 12_000);
      for (HistoryEvent e : client.fetchHistory("checkout-1").getEvents()) {
        if (e.hasWorkflowExecutionStartedEventAttributes()) {
          fromHistory.addAll(
              e.getWorkflowExecutionStartedEventAttributes().getInput().getPayloadsList());
        } else if (e.hasMarkerRecordedEventAttributes()) {
          e.getMarkerRecordedEventAttributes()
              .getDetailsMap()
              .values()
              .forEach(p -> fromHistory.addAll(p.getPayloadsList()));
        } else if (e.hasWorkflowExecutionCompletedEventAttributes()) {
          fromHistory.addAll(
              e.getWorkflowExecutionCompletedEventAttributes().getResult().getPayloadsList());
        }
      }
    }
    // what the history holds is ciphertext
    assertThat(fromHistory).hasSizeGreaterThanOrEqualTo(4);
    assertThat(fromHistory)
        .allSatisfy(
            p ->
                assertThat(p.getMetadataMap().get("encoding").toStringUtf8())
                    .isEqualTo("binary/encrypted"));
    assertThat(fromHistory.toString()).doesNotContain("order-7");

    try (TestIdentityProvider idp = new TestIdentityProvider();
        ControlPlaneServer server =
            start(config(idp, dir, ordersKeyset, writeKeyset(dir, "billing")), dir)) {
      String token = idp.token("rita", "orders-readers");
      OkHttpClient http =
          new OkHttpClient.Builder()
              .callTimeout(30, TimeUnit.SECONDS)
              .addInterceptor(
                  c ->
                      c.proceed(
                          c.request()
                              .newBuilder()
                              .header("X-Namespace", "orders")
                              .header("Authorization", "Bearer " + token)
                              .build()))
              .build();
      List<Payload> decoded =
          new OkHttpRemoteDataEncoderCodec(http, server.getUri().toString()).decode(fromHistory);

      List<Object> values = decoded.stream().map(TestServers::value).toList();
      assertThat(values).startsWith("order-7", 12_000);
      assertThat(values).contains("rcpt-order-7");
      assertThat(values.get(values.size() - 1))
          .isEqualTo(Map.of("order", "order-7", "charged", 12_378, "receipt", "rcpt-order-7"));

      // the UI may send one argument alone: it decodes, its authenticated position unchanged
      var lone =
          post(
              server.getUri(), "/decode", "orders", token, payloadsJson(fromHistory.subList(1, 2)));
      assertThat(lone.statusCode()).as(lone.body()).isEqualTo(200);
      assertThat(value(parsePayloads(lone.body()).get(0))).isEqualTo(12_000);
    }
  }
}
