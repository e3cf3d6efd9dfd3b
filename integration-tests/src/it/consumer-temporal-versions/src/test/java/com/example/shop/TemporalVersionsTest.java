package com.example.shop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.testing.Namespace;
import dev.nexussecurity.testing.NexusSecurityExtension;
import dev.nexussecurity.testing.NexusSecurityTestEnvironment;
import io.nexusrpc.Operation;
import io.nexusrpc.Service;
import io.nexusrpc.handler.OperationHandler;
import io.nexusrpc.handler.OperationImpl;
import io.nexusrpc.handler.ServiceImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.worker.WorkerFactory;
import io.temporal.workflow.NexusOperationOptions;
import io.temporal.workflow.NexusServiceOptions;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** nexus-security on the Jackson and protobuf-java-util versions that temporal-sdk brings. */
class TemporalVersionsTest {
  @RegisterExtension
  static final NexusSecurityExtension NEXUS =
      NexusSecurityExtension.newBuilder()
          .addNamespace("shop")
          .addNamespace("inventory")
          .addEndpoint("inventory", "inventory", "inventory-nexus", "shop")
          .build();

  @TempDir Path dir;

  @Test
  void thisProject_hasTemporalsJacksonAndProtobufUtil() throws Exception {
    assertTrue(versionOf(ObjectMapper.class, "jackson-databind").startsWith("2.15."));
    assertTrue(versionOf(JsonFormat.class, "protobuf-java-util").startsWith("3.25."));
    assertTrue(versionOf(Message.class, "protobuf-java").startsWith("4."));
  }

  @Test
  void registryFile_savesAndLoadsAgain(NexusSecurityTestEnvironment env) {
    Path file = dir.resolve("registry.json");
    env.getRegistry().saveTo(file);

    InMemoryEndpointRegistry loaded = InMemoryEndpointRegistry.newBuilder().loadFrom(file).build();
    Path again = dir.resolve("again.json");
    loaded.saveTo(again);

    NexusEndpoint endpoint = loaded.get(env.getAdmin(), "inventory");
    assertEquals("inventory", endpoint.getTargetNamespace());
    assertArrayEquals(readAll(file), readAll(again));
  }

  @Test
  void oneNexusCall_withNexusSecurityOnBothWorkers(
      @Namespace("inventory") WorkerFactory inventory,
      @Namespace("shop") WorkerFactory shop,
      @Namespace("shop") WorkflowClient shopClient) {
    inventory.newWorker("inventory-nexus").registerNexusServiceImplementation(new StockImpl());
    shop.newWorker("checkout").registerWorkflowImplementationTypes(ReserveWorkflow.Impl.class);
    inventory.start();
    shop.start();

    String result =
        shopClient
            .newWorkflowStub(
                ReserveWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue("checkout").build())
            .reserve("pear");

    assertEquals("reserved pear", result);
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The version of the jar {@code type} was loaded from, from the jar's file name. */
  static String versionOf(Class<?> type, String artifactId) throws Exception {
    String jar =
        Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI())
            .getFileName()
            .toString();
    String prefix = artifactId + "-";
    if (!jar.startsWith(prefix) || !jar.endsWith(".jar")) {
      throw new IllegalStateException(type + " was not loaded from a jar of " + artifactId);
    }
    return jar.substring(prefix.length(), jar.length() - ".jar".length());
  }


  @Service
  public interface Stock {
    @Operation
    String reserve(String item);
  }

  @ServiceImpl(service = Stock.class)
  public static class StockImpl {
    @OperationImpl
    public OperationHandler<String, String> reserve() {
      return OperationHandler.sync((context, details, item) -> "reserved " + item);
    }
  }

  @WorkflowInterface
  public interface ReserveWorkflow {
    @WorkflowMethod
    String reserve(String item);

    class Impl implements ReserveWorkflow {
      @Override
      public String reserve(String item) {
        return Workflow.newNexusServiceStub(
                Stock.class,
                NexusServiceOptions.newBuilder()
                    .setEndpoint("inventory")
                    .setOperationOptions(
                        NexusOperationOptions.newBuilder()
                            .setScheduleToCloseTimeout(Duration.ofSeconds(30))
                            .build())
                    .build())
            .reserve(item);
      }
    }
  }
}
