package dev.nexussecurity.examples;

import dev.nexussecurity.connection.ConnectionSecurityException;
import dev.nexussecurity.connection.WorkerConnection;
import dev.nexussecurity.connection.WorkerConnectionOptions;
import io.temporal.envconfig.ClientConfigProfile;
import io.temporal.envconfig.LoadClientConfigProfileOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;

/**
 * Opens a worker's connection to a real Temporal cluster or Temporal Cloud from Temporal's standard
 * client configuration ({@code io.temporal:temporal-envconfig}): a profile of the TOML file ({@code
 * ~/.config/temporalio/temporal.toml} or {@code TEMPORAL_CONFIG_FILE}) with {@code
 * TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY}, {@code TEMPORAL_TLS_*}
 * ... applied on top. Each worker has its own profile, so a caller and a handler in different
 * namespaces (or accounts) connect with their own credentials.
 *
 * <p>nexus-security's {@link WorkerConnectionOptions} enforce the connection rules: TLS (or mutual
 * TLS) to anything but loopback, API keys only over TLS, host verification on; certificate files
 * are reloaded when they change. See {@code docs/connection-security.md}.
 *
 * <pre>{@code
 * try (WorkerConnection connection =
 *     EnvConfigConnections.open(EnvConfigConnections.profile("payments"))) {
 *   WorkerBootstrap.startHandlerWorker(
 *       connection.getWorkflowServiceStubs(), settings, registry, converter, handler);
 * }
 * }</pre>
 */
public final class EnvConfigConnections {
  private EnvConfigConnections() {}

  /**
   * Options that load profile {@code profileName} of the client configuration file, with the
   * process environment applied on top; {@code null} selects {@code TEMPORAL_PROFILE} or else
   * {@code default}.
   */
  public static LoadClientConfigProfileOptions profile(String profileName) {
    LoadClientConfigProfileOptions.Builder options = LoadClientConfigProfileOptions.newBuilder();
    if (profileName != null) {
      options.setConfigFileProfile(profileName);
    }
    return options.build();
  }

  /**
   * Options that read only {@code environment} (no file), as a process started with exactly these
   * {@code TEMPORAL_*} variables would see them.
   */
  public static LoadClientConfigProfileOptions environmentOnly(Map<String, String> environment) {
    return LoadClientConfigProfileOptions.newBuilder()
        .setDisableFile(true)
        .setEnvOverrides(Map.copyOf(environment))
        .build();
  }

  /**
   * Loads the client configuration and applies nexus-security's connection rules.
   *
   * @throws ConnectionSecurityException if the configuration is insecure (for example plaintext to
   *     a non-loopback address, or an API key without TLS); the message says how to fix it
   * @throws UncheckedIOException if the configuration file cannot be read or parsed
   */
  public static WorkerConnectionOptions loadOptions(LoadClientConfigProfileOptions loadOptions) {
    Objects.requireNonNull(loadOptions, "loadOptions");
    // [snippet:connection]
    WorkerConnectionOptions options;
    try {
      ClientConfigProfile profile =
          ClientConfigProfile.load(loadOptions); // TOML + TEMPORAL_* variables
      options =
          WorkerConnectionOptions.newBuilder(profile) // address, namespace, TLS/mTLS, API key
              .build(); // refuses plaintext to non-loopback addresses and API keys without TLS
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot load the Temporal client configuration: " + e.getMessage(), e);
    }
    // [/snippet]
    return options;
  }

  /**
   * Loads the configuration and opens the connection: certificates are loaded (and later reloaded
   * when they change); no RPC is made until the worker starts.
   *
   * @throws ConnectionSecurityException if the configuration is insecure or a certificate or key
   *     file is unusable
   */
  public static WorkerConnection open(LoadClientConfigProfileOptions loadOptions) {
    return WorkerConnection.open(loadOptions(loadOptions));
  }
}
