package com.example.shop;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nexussecurity.api.PayloadProtection;
import dev.nexussecurity.codec.tink.PayloadKeyPolicy;
import dev.nexussecurity.codec.tink.TinkPayloadCodec;
import dev.nexussecurity.connection.WorkerConnection;
import dev.nexussecurity.connection.WorkerConnectionOptions;
import dev.nexussecurity.core.InMemoryEndpointRegistry;
import dev.nexussecurity.core.NexusSecurity;
import dev.nexussecurity.core.NexusSecurityOptions;
import dev.nexussecurity.core.IdentityMode;
import dev.nexussecurity.core.keys.KeysetSource;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import dev.nexussecurity.testing.EmbeddedTemporal;
import dev.nexussecurity.testing.NexusSecurityAssertions;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.CodecDataConverter;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user does after the README's "Install" section: load a registry file, make, save and
 * load each namespace's keys and the key directory, build the pairwise codec and NexusSecurity for a
 * caller and a handler namespace, and make one Nexus call on the embedded server, with nothing but
 * the installed artifacts and the README's XML.
 */
class ConsumerTest {
  @TempDir Path dir;

  @Test
  void theBomsVersions_reachThisProject() throws Exception {
    assertEquals(
        System.getProperty("expected.jackson.version"),
        versionOf(ObjectMapper.class, "jackson-databind"));
    assertEquals(
        System.getProperty("expected.protobuf.version"),
        versionOf(Message.class, "protobuf-java"));
    assertEquals(
        System.getProperty("expected.protobuf.version"),
        versionOf(JsonFormat.class, "protobuf-java-util"));
  }

  @Test
  void registryFileCodecAndNexusSecurity_oneNexusCall_isAllowedAndEncrypted() throws Exception {
    Path registryFile = dir.resolve("registry.json");
    try (InputStream in = ConsumerTest.class.getResourceAsStream("/registry.json")) {
      Files.copy(in, registryFile);
    }
    InMemoryEndpointRegistry registry =
        InMemoryEndpointRegistry.newBuilder().loadFrom(registryFile).build();
    Path saved = dir.resolve("saved.json");
    registry.saveTo(saved);
    assertArrayEquals(Files.readAllBytes(registryFile), Files.readAllBytes(saved));

    // each namespace's own keys, saved and loaded as the README's steps 1 and 3 do (development
    // files in cleartext), and one directory of their public keys
    NamespaceKeys.generate("shop", false)
        .save(KeysetSource.insecureCleartextJson(dir.resolve("shop.keys.json")));
    NamespaceKeys.generate("inventory", false)
        .save(KeysetSource.insecureCleartextJson(dir.resolve("inventory.keys.json")));
    NamespaceKeys shopKeys =
        NamespaceKeys.load(KeysetSource.insecureCleartextJson(dir.resolve("shop.keys.json")));
    NamespaceKeys inventoryKeys =
        NamespaceKeys.load(KeysetSource.insecureCleartextJson(dir.resolve("inventory.keys.json")));
    NamespaceKeyDirectory.newBuilder()
        .put(shopKeys.toPublicKeys())
        .put(inventoryKeys.toPublicKeys())
        .build()
        .save(dir.resolve("key-directory.json"));
    NamespaceKeyDirectory directory = NamespaceKeyDirectory.load(dir.resolve("key-directory.json"));

    DataConverter shopConverter = converter(shopKeys, directory);
    DataConverter inventoryConverter = converter(inventoryKeys, directory);
    NexusSecurity shop = security(shopKeys, directory, registry);
    NexusSecurity inventory = security(inventoryKeys, directory, registry);
    assertEquals(IdentityMode.PAIRWISE, shop.getOptions().getCallerPolicy().getIdentityMode());

    try (EmbeddedTemporal temporal = EmbeddedTemporal.newBuilder().setTcpPort(0).start()) {
      temporal.createNexusEndpoint("inventory", "inventory", "inventory-nexus");

      WorkerFactory handlerFactory =
          temporal.newWorkerFactory(
              temporal.newWorkflowClient("inventory", inventoryConverter),
              WorkerFactoryOptions.newBuilder()
                  .setWorkerInterceptors(inventory.getWorkerInterceptor())
                  .build());
      Worker handler = handlerFactory.newWorker("inventory-nexus");
      handler.registerNexusServiceImplementation(new InventoryServiceImpl());

      // the shop's worker connects over TCP, as a worker process would
      WorkerConnection connection =
          WorkerConnection.open(
              WorkerConnectionOptions.newBuilder()
                  .setTarget(temporal.getTcpTarget().orElseThrow())
                  .setNamespace("shop")
                  .build());
      WorkflowClient shopClient =
          WorkflowClient.newInstance(
              connection.getWorkflowServiceStubs(),
              connection.getWorkflowClientOptions().toBuilder()
                  .setDataConverter(shopConverter)
                  .build());
      WorkerFactory callerFactory =
          WorkerFactory.newInstance(
              shopClient,
              WorkerFactoryOptions.newBuilder()
                  .setWorkerInterceptors(shop.getWorkerInterceptor())
                  .build());
      callerFactory
          .newWorker("checkout")
          .registerWorkflowImplementationTypes(CheckoutWorkflow.Impl.class);
      handlerFactory.start();
      callerFactory.start();

      String result =
          shopClient
              .newWorkflowStub(
                  CheckoutWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue("checkout")
                      .setWorkflowId("checkout-apple")
                      .build())
              .checkout("apple");

      assertEquals("reserved apple in inventory", result);
      assertTrue(NexusSecurityAssertions.assertAllPayloadsEncrypted(temporal, "shop") > 0);
      callerFactory.shutdownNow();
      callerFactory.awaitTermination(10, TimeUnit.SECONDS);
      connection.close();
    }
  }

  /** The codec of the README's step 4: pairwise payload keys between caller and handler. */
  static DataConverter converter(NamespaceKeys keys, NamespaceKeyDirectory directory) {
    TinkPayloadCodec codec =
        TinkPayloadCodec.newBuilder()
            .setNamespaceKeys(keys)
            .setKeyDirectory(directory)
            .setKeyPolicy(PayloadKeyPolicy.of(PayloadProtection.pairwise()))
            .build();
    return new CodecDataConverter(DefaultDataConverter.newDefaultInstance(), List.of(codec));
  }

  /** NexusSecurity as the README's step 5 builds it, on its defaults (pairwise identity). */
  static NexusSecurity security(
      NamespaceKeys keys, NamespaceKeyDirectory directory, InMemoryEndpointRegistry registry) {
    return NexusSecurity.newInstance(
        NexusSecurityOptions.newBuilder()
            .setNamespaceKeys(keys)
            .setKeyDirectory(directory)
            .setRegistry(registry)
            .build());
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

}
