package dev.nexussecurity.tools.internal;

import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import dev.nexussecurity.core.keys.NamespaceKeyDirectory;
import dev.nexussecurity.core.keys.NamespacePublicKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code directory ...}: the namespace key directory (public keys only). */
@Command(
    name = "directory",
    description =
        "The namespace key directory: every namespace's public keys, revoked key ids and what it"
            + " decrypts. Changes are saved atomically.",
    mixinStandardHelpOptions = true,
    subcommands = {
      DirectoryCommands.Add.class,
      DirectoryCommands.Rotate.class,
      DirectoryCommands.Revoke.class,
      DirectoryCommands.Remove.class,
      DirectoryCommands.Show.class
    })
public final class DirectoryCommands {

  static NamespaceKeyDirectory load(Path file) {
    return NamespaceKeyDirectory.load(file);
  }

  /** The entries of a public keys file ({@code namespace-keys export-public} output). */
  static List<NamespacePublicKeys> entries(Path from, String namespace) {
    NamespaceKeyDirectory d = NamespaceKeyDirectory.load(from);
    List<NamespacePublicKeys> out = new ArrayList<>();
    for (String ns : new TreeSet<>(d.getNamespaces())) {
      if (namespace == null || namespace.equals(ns)) {
        out.add(d.findNamespace(ns).orElseThrow());
      }
    }
    if (out.isEmpty()) {
      throw new CommandFailure(
          Commands.FAILED,
          from
              + (namespace == null
                  ? " holds no namespace"
                  : " holds no keys of namespace " + namespace)
              + "; make it with `namespace-keys export-public`.");
    }
    return out;
  }

  /** A directory entry whose key {@code keyId} is in neither keyset, or a failure. */
  static void requireKey(NamespacePublicKeys keys, int keyId, Path file) {
    boolean found =
        keys.getAgreementKeys().map(k -> KeysetCommands.indexOf(k, keyId) >= 0).orElse(false)
            || keys.getSignatureKeys()
                .map(k -> KeysetCommands.indexOf(k, keyId) >= 0)
                .orElse(false);
    if (!found) {
      throw new CommandFailure(
          Commands.FAILED,
          "namespace "
              + keys.getNamespace()
              + " in "
              + file
              + " has no key "
              + KeysetCommands.unsigned(keyId)
              + "; `directory show` lists its keys.");
    }
  }

  private static NamespacePublicKeys build(NamespacePublicKeys.Builder b) {
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(Commands.FAILED, e.getMessage());
    }
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Add the namespaces of a public keys file (`namespace-keys export-public`) to the"
              + " directory; creates the directory file if it does not exist.")
  public static final class Add extends Commands.LeafCommand {
    @Option(names = "--directory", required = true, paramLabel = "FILE")
    Path directory;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "FILE",
        description = "A public keys file.")
    Path from;

    @Option(
        names = "--namespace",
        paramLabel = "NAMESPACE",
        description = "Only this namespace of --from.")
    String namespace;

    @Override
    void run() {
      boolean exists = Files.exists(directory);
      NamespaceKeyDirectory d = exists ? load(directory) : NamespaceKeyDirectory.empty();
      NamespaceKeyDirectory.Builder b = d.toBuilder();
      List<String> added = new ArrayList<>();
      for (NamespacePublicKeys k : entries(from, namespace)) {
        if (d.findNamespace(k.getNamespace()).isPresent()) {
          throw new CommandFailure(
              Commands.FAILED,
              "namespace "
                  + k.getNamespace()
                  + " is already in "
                  + directory
                  + "; use `directory rotate` to replace its keys.");
        }
        b.put(k);
        added.add(k.getNamespace());
      }
      b.build().save(directory);
      print(
          (exists ? "added " : "created " + directory + " with ")
              + String.join(", ", added)
              + (exists ? " to " + directory : ""));
    }
  }

  @Command(
      name = "rotate",
      mixinStandardHelpOptions = true,
      description =
          "Replace a namespace's public keys with those of a newer public keys file, keeping its"
              + " revoked key ids and payload settings.")
  public static final class Rotate extends Commands.LeafCommand {
    @Option(names = "--directory", required = true, paramLabel = "FILE")
    Path directory;

    @Option(
        names = "--from",
        required = true,
        paramLabel = "FILE",
        description = "A public keys file.")
    Path from;

    @Option(
        names = "--namespace",
        paramLabel = "NAMESPACE",
        description = "Only this namespace of --from.")
    String namespace;

    @Override
    void run() {
      NamespaceKeyDirectory d = load(directory);
      NamespaceKeyDirectory.Builder b = d.toBuilder();
      List<String> rotated = new ArrayList<>();
      for (NamespacePublicKeys k : entries(from, namespace)) {
        NamespacePublicKeys old =
            d.findNamespace(k.getNamespace())
                .orElseThrow(
                    () ->
                        new CommandFailure(
                            Commands.FAILED,
                            "namespace "
                                + k.getNamespace()
                                + " is not in "
                                + directory
                                + "; use `directory add`."));
        NamespacePublicKeys.Builder nb = k.toBuilder().addRevokedKeyIds(old.getRevokedKeyIds());
        if (k.getPayloadAcceptance().isEmpty()) {
          old.getPayloadAcceptance().ifPresent(nb::setPayloadAcceptance);
        }
        b.put(build(nb));
        rotated.add(k.getNamespace());
      }
      b.build().save(directory);
      print("replaced the keys of " + String.join(", ", rotated) + " in " + directory);
    }
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description =
          "Revoke a namespace's key: peers refuse it from the next time they load the directory.")
  public static final class Revoke extends Commands.LeafCommand {
    @Option(names = "--directory", required = true, paramLabel = "FILE")
    Path directory;

    @Option(names = "--namespace", required = true, paramLabel = "NAMESPACE")
    String namespace;

    @Option(names = "--key-id", required = true, paramLabel = "ID")
    String keyIdText;

    @Override
    void run() {
      int keyId = KeysetCommands.keyId(keyIdText);
      NamespaceKeyDirectory d = load(directory);
      NamespacePublicKeys old =
          d.findNamespace(namespace)
              .orElseThrow(
                  () ->
                      new CommandFailure(
                          Commands.FAILED, "namespace " + namespace + " is not in " + directory));
      requireKey(old, keyId, directory);
      NamespacePublicKeys updated = build(old.toBuilder().addRevokedKeyId(keyId));
      d.toBuilder().put(updated).build().save(directory);
      print(
          "revoked key "
              + KeysetCommands.unsigned(keyId)
              + " of "
              + namespace
              + " in "
              + directory
              + "; distribute the directory to every worker");
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a namespace.")
  public static final class Remove extends Commands.LeafCommand {
    @Option(names = "--directory", required = true, paramLabel = "FILE")
    Path directory;

    @Option(names = "--namespace", required = true, paramLabel = "NAMESPACE")
    String namespace;

    @Override
    void run() {
      NamespaceKeyDirectory d = load(directory);
      if (d.findNamespace(namespace).isEmpty()) {
        throw new CommandFailure(
            Commands.FAILED, "namespace " + namespace + " is not in " + directory);
      }
      d.toBuilder().remove(namespace).build().save(directory);
      print("removed " + namespace + " from " + directory);
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description =
          "Show every namespace: key ids, primary, status, revoked ids, payload settings.")
  public static final class Show extends Commands.LeafCommand {
    @Option(names = "--directory", required = true, paramLabel = "FILE")
    Path directory;

    @Override
    void run() {
      NamespaceKeyDirectory d = load(directory);
      print("key directory " + directory + ": " + d.getNamespaces().size() + " namespace(s)");
      context
          .out()
          .printf(
              "%-24s %-10s %-12s %-9s %-7s %s%n",
              "NAMESPACE", "KEYSET", "KEY ID", "STATUS", "PRIMARY", "REVOKED");
      for (String ns : new TreeSet<>(d.getNamespaces())) {
        NamespacePublicKeys k = d.findNamespace(ns).orElseThrow();
        k.getAgreementKeys().ifPresent(h -> rows(ns, "agreement", h, k));
        k.getSignatureKeys().ifPresent(h -> rows(ns, "signature", h, k));
        k.getPayloadAcceptance()
            .ifPresent(
                a ->
                    context
                        .out()
                        .printf(
                            "%-24s payloads: pairwise=%s hpke=%s plaintext=%s sharedKeysets=%s%n",
                            ns,
                            a.isPairwise(),
                            a.isHpke(),
                            a.isPlaintext(),
                            new TreeSet<>(a.getSharedKeysets())));
      }
    }

    private void rows(String ns, String keyset, KeysetHandle h, NamespacePublicKeys k) {
      for (int i = 0; i < h.size(); i++) {
        KeysetHandle.Entry e = h.getAt(i);
        context
            .out()
            .printf(
                "%-24s %-10s %-12s %-9s %-7s %s%n",
                ns,
                keyset,
                KeysetCommands.unsigned(e.getId()),
                e.getStatus() == KeyStatus.ENABLED ? "ENABLED" : e.getStatus(),
                e.isPrimary() ? "yes" : "no",
                k.isRevoked(e.getId()) ? "yes" : "no");
      }
    }
  }
}
