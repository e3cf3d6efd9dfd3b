package dev.nexussecurity.testing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.testing.EmbeddedTemporal;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WorkerFactoryScopeTest {

  @Test
  void get_createsOncePerNamespace_closeShutsAllDown_once_thenRefusesNewFactories() {
    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().start()) {
      AtomicInteger created = new AtomicInteger();
      WorkerFactoryScope scope = new WorkerFactoryScope("test scope");
      WorkerFactory a = scope.get("a-ns", ns -> factory(temporal, ns, created));
      WorkerFactory again = scope.get("a-ns", ns -> factory(temporal, ns, created));
      WorkerFactory b = scope.get("b-ns", ns -> factory(temporal, ns, created));
      a.start();

      scope.close();
      scope.close();

      assertThat(again).isSameAs(a);
      assertThat(created).hasValue(2);
      assertThat(a.isTerminated()).isTrue();
      assertThat(b.isShutdown()).isTrue();
      assertThatThrownBy(() -> scope.get("c-ns", ns -> factory(temporal, ns, created)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the worker factories of test scope are shut down");
      assertThat(created).hasValue(2);
    }
  }

  private static WorkerFactory factory(
      EmbeddedTemporal temporal, String namespace, AtomicInteger created) {
    created.incrementAndGet();
    WorkflowClient client = temporal.newWorkflowClient(namespace);
    return temporal.newWorkerFactory(client);
  }
}
