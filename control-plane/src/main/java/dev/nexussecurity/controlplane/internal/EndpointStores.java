package dev.nexussecurity.controlplane.internal;

import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.KmsClient;
import dev.nexussecurity.api.internal.UntrustedText;
import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.WorkerConnection;
import dev.nexussecurity.connection.WorkerConnectionOptions;
import dev.nexussecurity.controlplane.ControlPlaneConfigException;
import dev.nexussecurity.controlplane.internal.Settings.FileStorage;
import dev.nexussecurity.controlplane.internal.Settings.Registry;
import dev.nexussecurity.controlplane.internal.Settings.TemporalConnection;
import dev.nexussecurity.controlplane.internal.Settings.TemporalStorage;
import dev.nexussecurity.core.server.ServerRegistryException;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import java.time.Duration;
import java.util.List;

/** Opens the configured {@link EndpointStore}. */
public final class EndpointStores {
  private EndpointStores() {}

  /**
   * Opens the registry storage of {@code registry}; {@code stubs} (may be null) is the
   * OperatorService supplied by code for a server-backed registry without a {@code target}.
   *
   * @throws ControlPlaneConfigException naming what cannot be opened and how to fix it
   */
  public static EndpointStore open(
      Settings settings,
      Registry registry,
      List<KmsClient> kmsClients,
      OperatorServiceStubs stubs) {
    if (registry.storage() instanceof FileStorage f) {
      return FileEndpointStore.open(settings.source(), f.file());
    }
    TemporalStorage t = (TemporalStorage) registry.storage();
    KeysetHandle keyset;
    try {
      keyset = RegistryKeysets.load(t.signingKeyset(), kmsClients);
    } catch (IllegalArgumentException e) {
      throw new ControlPlaneConfigException(
          settings.source(), List.of("registry.temporal.signingKeyset: " + e.getMessage()), e);
    }
    KeyDirectoryFile keyDirectory = null;
    if (t.keyDirectory().isPresent()) {
      try {
        keyDirectory = KeyDirectoryFile.open(t.keyDirectory().get());
      } catch (IllegalArgumentException e) {
        throw new ControlPlaneConfigException(
            settings.source(),
            List.of(
                "registry.temporal.keyDirectory: "
                    + e.getMessage()
                    + "; name a key directory file (schemaVersion 1, as nexus-security-keys"
                    + " writes it)"),
            e);
      }
    }
    WorkerConnection connection = null;
    OperatorServiceStubs operator = stubs;
    if (t.connection().isPresent()) {
      connection = connect(settings, t.connection().get());
      operator =
          OperatorServiceStubs.newServiceStubs(
              OperatorServiceStubsOptions.newBuilder()
                  .setChannel(connection.getWorkflowServiceStubs().getRawChannel())
                  .validateAndBuildWithDefaults());
    } else if (operator == null) {
      throw new ControlPlaneConfigException(
          settings.source(),
          List.of(
              "registry.temporal.target: missing; name the Temporal frontend (host:port), or"
                  + " supply the OperatorService from code with"
                  + " ControlPlaneServer.Builder.setOperatorServiceStubs"));
    }
    WorkerConnection opened = connection;
    OperatorServiceStubs ops = operator;
    try {
      return new TemporalEndpointStore(
          operator,
          keyset,
          t,
          keyDirectory,
          opened == null
              ? null
              : () -> {
                ops.shutdown();
                opened.close();
              });
    } catch (ServerRegistryException | IllegalArgumentException e) {
      if (opened != null) {
        ops.shutdown();
        opened.close();
      }
      throw new ControlPlaneConfigException(
          settings.source(),
          List.of(
              "registry.temporal: "
                  + UntrustedText.quote(e.getMessage(), 600)
                  + (e instanceof ServerRegistryException
                      ? " (start the server when the Temporal frontend is reachable)"
                      : "")),
          e);
    }
  }

  private static WorkerConnection connect(Settings settings, TemporalConnection c) {
    try {
      WorkerConnectionOptions.Builder b =
          WorkerConnectionOptions.newBuilder().setTarget(c.target()).setTlsEnabled(c.tls());
      c.serverCaFile().ifPresent(b::setServerCaCertificatesPath);
      c.clientCertificateFile().ifPresent(b::setClientCertificatePath);
      c.clientPrivateKeyFile().ifPresent(b::setClientPrivateKeyPath);
      c.serverName().ifPresent(b::setServerName);
      if (settings.insecureDevelopmentMode()) {
        b.setAllowPlaintext(true);
      }
      b.setConnectionCheckTimeout(Duration.ofSeconds(10));
      return WorkerConnection.open(b.build());
    } catch (ConnectionSecurityException | IllegalArgumentException e) {
      throw new ControlPlaneConfigException(
          settings.source(),
          List.of("registry.temporal: " + UntrustedText.quote(e.getMessage(), 800)),
          e);
    }
  }
}
