package dev.nexussecurity.examples;

import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import dev.nexussecurity.core.keys.PayloadAcceptance;
import dev.nexussecurity.tools.NexusSecurityKeys;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The demo's development keys, made at start with the {@code nexus-security-keys} command of the
 * published nexus-security-tools artifact (the same commands README.md shows), in cleartext
 * (development only) in one directory: per namespace {@code DEV-ONLY-<namespace>.keys.json} (its
 * private keys) and {@code <namespace>.public.json} (their public half), the shared directory
 * {@code key-directory.json}, and the shared keyset {@code DEV-ONLY-fraud.keyset.json} of {@code
 * FraudService}. The handler namespace's directory entry states what its workers decrypt ({@link
 * PayloadAcceptance}): pairwise payloads and the shared keysets it holds.
 *
 * <pre>{@code
 * DemoKeys keys = DemoKeys.create(dir, List.of("orders", "analytics", "payments"),
 *     Map.of("payments", PayloadAcceptance.newBuilder().setPairwise(true).build()));
 * Path ordersKeys = keys.namespaceKeysFile("orders");
 * }</pre>
 */
final class DemoKeys {
  /** Prefix of the files that hold private keys in cleartext. */
  static final String DEV_ONLY_PREFIX = "DEV-ONLY-";

  private final Path directory;

  private DemoKeys(Path directory) {
    this.directory = directory;
  }

  /**
   * Creates keys for {@code namespaces}, the key directory with all of them (with the acceptance of
   * the namespaces in {@code acceptance}) and the shared {@code fraud} keyset in {@code dir}.
   *
   * @throws IllegalStateException naming the command that failed and its output
   */
  static DemoKeys create(
      Path dir, List<String> namespaces, Map<String, PayloadAcceptance> acceptance) {
    createDirectories(dir);
    DemoKeys keys = new DemoKeys(dir);
    for (String ns : namespaces) {
      keys.run(
          "namespace-keys",
          "create",
          "--namespace",
          ns,
          "--out",
          keys.namespaceKeysFile(ns).toString(),
          "--insecure-cleartext");
      keys.run(
          "namespace-keys",
          "export-public",
          "--keys",
          keys.namespaceKeysFile(ns).toString(),
          "--insecure-cleartext",
          "--out",
          keys.publicKeysFile(ns).toString());
      keys.run(
          "directory",
          "add",
          "--directory",
          keys.keyDirectoryFile().toString(),
          "--from",
          keys.publicKeysFile(ns).toString());
    }
    keys.run(
        "keyset",
        "create",
        "--kind",
        "PAYLOAD",
        "--out",
        keys.sharedKeysetFile(WorkerSettings.FRAUD_KEYSET).toString(),
        "--insecure-cleartext");
    // What each handler namespace decrypts: published with its public keys, read by callers.
    NamespaceKeyDirectory directory = NamespaceKeyDirectory.load(keys.keyDirectoryFile());
    NamespaceKeyDirectory.Builder withAcceptance = directory.toBuilder();
    acceptance.forEach(
        (ns, a) -> {
          NamespacePublicKeys entry =
              directory
                  .findNamespace(ns)
                  .orElseThrow(() -> new IllegalArgumentException("no keys for " + ns));
          withAcceptance.put(entry.toBuilder().setPayloadAcceptance(a).build());
        });
    withAcceptance.build().save(keys.keyDirectoryFile());
    return keys;
  }

  /** The directory the files are in. */
  Path getDirectory() {
    return directory;
  }

  /** {@code namespace}'s private keys (cleartext: development only). */
  Path namespaceKeysFile(String namespace) {
    return directory.resolve(DEV_ONLY_PREFIX + namespace + ".keys.json");
  }

  /** {@code namespace}'s public keys, as {@code namespace-keys export-public} writes them. */
  Path publicKeysFile(String namespace) {
    return directory.resolve(namespace + ".public.json");
  }

  /** The key directory: every namespace's public keys. */
  Path keyDirectoryFile() {
    return directory.resolve("key-directory.json");
  }

  /** The shared payload keyset {@code name} (cleartext: development only). */
  Path sharedKeysetFile(String name) {
    return directory.resolve(DEV_ONLY_PREFIX + name + ".keyset.json");
  }

  /** Runs one {@code nexus-security-keys} command; returns its output. */
  String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      status = new NexusSecurityKeys(new ArrayList<>(), o, e).run(args);
    }
    if (status != NexusSecurityKeys.OK) {
      throw new IllegalStateException(
          "nexus-security-keys "
              + String.join(" ", args)
              + " exited with "
              + status
              + ": "
              + err.toString(StandardCharsets.UTF_8).strip());
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create " + dir, e);
    }
  }
}
