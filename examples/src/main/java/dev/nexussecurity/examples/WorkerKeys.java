package dev.nexussecurity.examples;

import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespaceKeys;
import java.util.Objects;

/**
 * The keys one worker runs with: its namespace's own private keys and the key directory of every
 * namespace's public keys, as {@link WorkerBootstrap#loadKeys} reads them from the files its {@link
 * WorkerSettings} name.
 *
 * <pre>{@code
 * WorkerKeys keys = WorkerBootstrap.loadKeys(settings);
 * DataConverter converter = WorkerBootstrap.newDataConverter(settings, keys);
 * }</pre>
 *
 * <p>Immutable; {@code toString} shows key ids, never key material.
 */
public final class WorkerKeys {
  private final NamespaceKeys namespaceKeys;
  private final NamespaceKeyDirectory directory;

  /** Pairs {@code namespaceKeys} with {@code directory}. */
  public WorkerKeys(NamespaceKeys namespaceKeys, NamespaceKeyDirectory directory) {
    this.namespaceKeys = Objects.requireNonNull(namespaceKeys, "namespaceKeys");
    this.directory = Objects.requireNonNull(directory, "directory");
  }

  /** This namespace's own private keys. */
  public NamespaceKeys getNamespaceKeys() {
    return namespaceKeys;
  }

  /** Every namespace's public keys. */
  public NamespaceKeyDirectory getDirectory() {
    return directory;
  }

  @Override
  public String toString() {
    return "WorkerKeys{" + namespaceKeys + ", directory=" + directory.getNamespaces() + "}";
  }
}
