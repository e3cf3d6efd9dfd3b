package dev.nexussecurity.core;

import dev.nexussecurity.api.NexusEndpoint;
import dev.nexussecurity.api.internal.AtomicFileWriter;
import dev.nexussecurity.core.internal.registry.RegistryJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Loads and saves endpoint registries as JSON files.
 *
 * <p>The format (schema version 1; see {@code docs/registry-format.md}):
 *
 * <pre>{@code
 * {
 *   "schemaVersion": 1,
 *   "endpoints": [
 *     {
 *       "name": "payments",
 *       "targetNamespace": "payments-ns",
 *       "targetTaskQueue": "payments-nexus",
 *       "allowedCallerNamespaces": [
 *         "orders-ns"
 *       ],
 *       "description": "Charges cards for orders",
 *       "version": 3
 *     }
 *   ]
 * }
 * }</pre>
 *
 * <p><b>Loading</b> is strict and all or nothing: a file that is not valid JSON, has an unknown or
 * missing field, a value of the wrong type, an unsupported {@code schemaVersion}, two endpoints
 * with the same name, an invalid namespace name ({@link dev.nexussecurity.api.NamespaceNames}), a
 * namespace name spelled in two ways that differ only in case, or an endpoint that breaks a {@link
 * NexusEndpoint} validation rule is rejected as a whole with a {@link RegistryFileException} naming
 * the file, the line and column, the endpoint and the rule. {@code description} may be omitted
 * (empty); every other field is required, and {@code version} is at least 1.
 *
 * <p><b>Saving</b> is atomic: the document is written to a temporary file in the same directory,
 * flushed to disk and renamed over the target, so a crash or error never leaves a truncated file
 * and the previous file survives a failed save. The output is deterministic (endpoints sorted by
 * name, allowlists sorted, pretty-printed) so that registry files diff well under version control.
 *
 * <pre>{@code
 * List<NexusEndpoint> endpoints = RegistryFiles.load(Path.of("registry.json"));
 * RegistryFiles.save(Path.of("registry.json"), registry.listEndpoints());
 * }</pre>
 *
 * <p>Arguments must not be null.
 */
public final class RegistryFiles {
  /** The schema version written by {@link #save} and the only one {@link #load} accepts. */
  public static final int SCHEMA_VERSION = RegistryJson.SCHEMA_VERSION;

  private RegistryFiles() {}

  /**
   * Reads the endpoints stored in {@code file}, with their versions, in file order.
   *
   * @return the endpoints, unmodifiable
   * @throws RegistryFileException if the file cannot be read or is malformed or invalid; nothing is
   *     returned then
   */
  public static List<NexusEndpoint> load(Path file) {
    Objects.requireNonNull(file, "file");
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new RegistryFileException(file, -1, -1, null, null, "cannot be read (" + e + ")", e);
    }
    return RegistryJson.read(file, content);
  }

  /**
   * Atomically replaces {@code file} (or creates it) with a registry document holding {@code
   * endpoints}.
   *
   * @param endpoints stored endpoints (version 1 or greater) with unique names, e.g. {@link
   *     InMemoryEndpointRegistry#listEndpoints()}
   * @throws IllegalArgumentException if two endpoints share a name or an endpoint has version 0
   * @throws dev.nexussecurity.api.EndpointValidationException if two endpoints spell one namespace
   *     name in ways that differ only in case ({@link #load} would refuse that file); nothing is
   *     written then
   * @throws RegistryFileException if the file cannot be written; the previous file is then
   *     unchanged
   */
  public static void save(Path file, Collection<NexusEndpoint> endpoints) {
    save(file, endpoints, AtomicFileWriter.DEFAULT);
  }

  /** {@link #save(Path, Collection)} with a writer that tests can make fail. */
  static void save(Path file, Collection<NexusEndpoint> endpoints, AtomicFileWriter writer) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(endpoints, "endpoints");
    try {
      byte[] content = RegistryJson.write(endpoints);
      writer.write(file, content);
    } catch (IOException | UncheckedIOException e) {
      throw new RegistryFileException(
          file,
          -1,
          -1,
          null,
          null,
          "could not be saved (" + e + "); the previous file, if any, is unchanged",
          e);
    }
  }
}
