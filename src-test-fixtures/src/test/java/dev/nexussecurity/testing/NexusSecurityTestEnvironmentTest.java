package dev.nexussecurity.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nexussecurity.api.AccountRole;
import dev.nexussecurity.api.EndpointAlreadyExistsException;
import dev.nexussecurity.api.EndpointNotFoundException;
import dev.nexussecurity.api.NexusEndpoint;
import io.grpc.StatusRuntimeException;
import io.temporal.api.nexus.v1.Endpoint;
import io.temporal.api.operatorservice.v1.ListNexusEndpointsRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NexusSecurityTestEnvironmentTest {
  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace("payments-ns")
          .addNamespace("orders-ns")
          .addEndpoint("payments", "payments-ns", "payments-tq", "orders-ns")
          .build();

  @Test
  void declaredEndpoints_existOnTheServerAndInTheRegistry(NexusSecurityTestEnvironment env) {
    assertThat(serverEndpoint(env, "payments").getSpec().getTarget().getWorker().getNamespace())
        .isEqualTo("payments-ns");
    assertThat(
            env.getRegistry().findEndpoint("payments").orElseThrow().getAllowedCallerNamespaces())
        .containsExactly("orders-ns");
  }

  @Test
  void namespaces_inDeclarationOrder_unknownNameListsTheDeclaredOnes(
      NexusSecurityTestEnvironment env) {
    assertThat(env.getNamespaceNames()).containsExactly("payments-ns", "orders-ns");
    assertThat(env.getNamespace("orders-ns").getName()).isEqualTo("orders-ns");
    assertThatThrownBy(() -> env.getNamespace("order-ns"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "namespace 'order-ns' is not declared in the NexusSecurityExtension; declared:"
                + " [payments-ns, orders-ns]. Declare it with addNamespace(\"order-ns\")");
  }

  @Test
  void keyDirectoryAndAdmin_coverEveryDeclaredNamespace(NexusSecurityTestEnvironment env) {
    assertThat(env.getKeyDirectory().getNamespaces())
        .containsExactlyInAnyOrder("orders-ns", "payments-ns");
    assertThat(env.getAdmin().getAccountRole()).isEqualTo(AccountRole.ACCOUNT_OWNER);
    assertThat(env.getKeys()).hasToString("TestKeys{seed=random}");
  }

  @Test
  void addEndpoint_createsItInTheRegistryAndOnTheServer(NexusSecurityTestEnvironment env) {
    NexusEndpoint stored =
        env.addEndpoint(endpoint("refunds", "payments-ns", "refunds-tq", "orders-ns"));

    assertThat(stored.getVersion()).isEqualTo(1);
    assertThat(env.getRegistry().findEndpoint("refunds")).contains(stored);
    assertThat(serverEndpoint(env, "refunds").getSpec().getTarget().getWorker().getTaskQueue())
        .isEqualTo("refunds-tq");
  }

  @Test
  void addEndpoint_nameTakenInTheRegistry_changesNothing(NexusSecurityTestEnvironment env) {
    int serverEndpoints = serverEndpoints(env).size();

    assertThatThrownBy(() -> env.addEndpoint(endpoint("payments", "payments-ns", "other-tq")))
        .isInstanceOf(EndpointAlreadyExistsException.class);

    assertThat(serverEndpoints(env)).hasSize(serverEndpoints);
    assertThat(env.getRegistry().findEndpoint("payments").orElseThrow().getTargetTaskQueue())
        .isEqualTo("payments-tq");
  }

  @Test
  void addEndpoint_refusedByTheServer_isRemovedFromTheRegistryAgain(
      NexusSecurityTestEnvironment env) {
    env.getTemporal().createNexusEndpoint("server-only", "payments-ns", "payments-tq");

    assertThatThrownBy(
            () ->
                env.addEndpoint(endpoint("server-only", "payments-ns", "payments-tq", "orders-ns")))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("ALREADY_EXISTS");

    assertThat(env.getRegistry().findEndpoint("server-only")).isEmpty();
  }

  @Test
  void setAllowedCallers_replacesTheAllowlist_andRaisesTheVersion(
      NexusSecurityTestEnvironment env) {
    env.addEndpoint(endpoint("ledger", "payments-ns", "ledger-tq", "orders-ns"));

    NexusEndpoint closed = env.setAllowedCallers("ledger");
    NexusEndpoint reopened = env.setAllowedCallers("ledger", "orders-ns", "payments-ns");

    assertThat(closed.getAllowedCallerNamespaces()).isEmpty();
    assertThat(closed.getVersion()).isEqualTo(2);
    assertThat(reopened.getAllowedCallerNamespaces()).containsExactly("orders-ns", "payments-ns");
    assertThat(env.getRegistry().checkAccess("ledger", "payments-ns").isAllowed()).isTrue();
    assertThatThrownBy(() -> env.setAllowedCallers("no-such-endpoint", "orders-ns"))
        .isInstanceOf(EndpointNotFoundException.class);
  }

  @Test
  void toString_namesNamespacesAndState(NexusSecurityTestEnvironment env) {
    assertThat(env.toString())
        .startsWith("NexusSecurityTestEnvironment{namespaces=[payments-ns, orders-ns], endpoints=")
        .endsWith(", closed=false}");
  }

  private static NexusEndpoint endpoint(
      String name, String namespace, String taskQueue, String... callers) {
    return NexusEndpoint.newBuilder()
        .setName(name)
        .setTargetNamespace(namespace)
        .setTargetTaskQueue(taskQueue)
        .setAllowedCallerNamespaces(List.of(callers))
        .build();
  }

  private static List<Endpoint> serverEndpoints(NexusSecurityTestEnvironment env) {
    return env.getTemporal()
        .getOperatorServiceStubs()
        .blockingStub()
        .listNexusEndpoints(ListNexusEndpointsRequest.newBuilder().setPageSize(100).build())
        .getEndpointsList();
  }

  private static Endpoint serverEndpoint(NexusSecurityTestEnvironment env, String name) {
    return serverEndpoints(env).stream()
        .filter(e -> e.getSpec().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no server endpoint " + name));
  }
}
