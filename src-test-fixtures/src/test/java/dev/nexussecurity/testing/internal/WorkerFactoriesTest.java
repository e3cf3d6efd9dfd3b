package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.nexussecurity.testing.EmbeddedTemporal;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerFactoriesTest {

  @Test
  void shutdownNowAndAwait_returnsOnlyOnceEveryFactoryReportsTerminated() throws Exception {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      WorkflowClient client = temporal.newWorkflowClient("wf-ns");
      for (int round = 0; round < 5; round++) {
        WorkerFactory a = WorkerFactory.newInstance(client);
        WorkerFactory b = WorkerFactory.newInstance(client);
        a.newWorker("tq-a-" + round);
        b.newWorker("tq-b-" + round);
        a.start();
        b.start();

        WorkerFactories.shutdownNowAndAwait(List.of(a, b), 10_000);

        assertThat(a.isTerminated()).isTrue();
        assertThat(b.isTerminated()).isTrue();
      }
    }
  }
}
